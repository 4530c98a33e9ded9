/// <reference types="zone.js" />
/*
 * Loads zone.js and its testing bundle into the current Jest test file, and hands out the
 * fakeAsync API. Import it before anything else in the spec (before 'rx-channels' and 'rxjs'), so
 * that every promise the library makes, even one made while its modules load, is zone.js's.
 *
 * Jest gives each test file its own global object, so the patched `Promise`, timers,
 * `queueMicrotask` and the zone-wrapped `it`/`describe` stay in the file that imports this. But
 * Jest's node environment hands every file the same Node built-ins (`EventTarget`, `AbortSignal`,
 * `Event`, the `timers` and `events` modules): a zone.js patch of their prototypes would leak into
 * the spec files that run after it in the same worker (zone.js re-registers every listener through
 * one shared callback, so `getEventListeners()` would count one listener where there are three).
 * So the browser bundle is loaded (the Node one patches the `timers`, `events`, `fs` and `crypto`
 * modules themselves) with its `EventTarget` and `on*`-property patches switched off. Abort
 * listeners then run natively and synchronously in `controller.abort()`; what the library does
 * after that runs through its promise chains, which zone.js tracks. It makes no assertions.
 */

type ZoneFlags = Record<`__Zone_disable_${string}`, boolean>;
(globalThis as unknown as ZoneFlags).__Zone_disable_EventTarget = true;
(globalThis as unknown as ZoneFlags).__Zone_disable_on_property = true;

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must run after the flags above
require('zone.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('zone.js/testing');

/** The part of zone.js's fakeAsync API (`zone.js/testing`) these specs use. */
export interface FakeAsyncTest {
  fakeAsync(fn: () => void, options?: { flush?: boolean }): () => void;
  tick(millis?: number): void;
  flushMicrotasks(): void;
  flush(maxTurns?: number): number;
  discardPeriodicTasks(): void;
}

/** The fakeAsync API, as Angular's `@angular/core/testing` re-exports it. */
export const { fakeAsync, tick, flushMicrotasks, flush, discardPeriodicTasks } = (
  Zone as unknown as Record<string, FakeAsyncTest>
)[Zone.__symbol__('fakeAsyncTest')] as FakeAsyncTest;

/** The timers the current fakeAsync zone still holds (zone.js's FakeAsyncTestZoneSpec). */
export function pendingTimers(): { timers: number; periodic: number } {
  const spec = Zone.current.get('FakeAsyncTestZoneSpec') as
    { pendingTimers: unknown[]; pendingPeriodicTimers: unknown[] } | undefined;
  if (spec === undefined) {
    throw new Error('pendingTimers() is for the inside of fakeAsync()');
  }
  return { timers: spec.pendingTimers.length, periodic: spec.pendingPeriodicTimers.length };
}
