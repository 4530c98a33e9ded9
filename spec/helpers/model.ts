/*
 * The pieces the model-based specs share: what the model expects of a call's promise, the check
 * of a tracked call against it, and how a call is aborted. No assertions of its own run unless a
 * spec calls `settledAsExpected`.
 */
import fc from 'fast-check';
import type { Settlement } from './async';

/** Whether a call gets no signal, one already aborted, or one the model aborts later. */
export type AbortMode = 'none' | 'before' | 'later';
export type ReceiveKind = 'ready' | 'receive';

/** What the model says an operation's promise must be doing now. */
export type Expectation =
  | { readonly state: 'pending' }
  | { readonly state: 'fulfilled'; readonly value: unknown }
  | { readonly state: 'rejected'; readonly check: (reason: unknown) => void };

/** A call in flight, its promise tracked, with what the model expects of it. */
export interface Operation {
  readonly label: string;
  readonly tracker: { current(): Settlement<unknown> };
  readonly controller: AbortController;
  expectation: Expectation;
}

export const PENDING: Expectation = { state: 'pending' };

export function fulfilled(value: unknown): Expectation {
  return { state: 'fulfilled', value };
}

export function rejected(check: (reason: unknown) => void): Expectation {
  return { state: 'rejected', check };
}

export function abortedBy(controller: AbortController): Expectation {
  return rejected((reason) => expect(reason).toBe(controller.signal.reason));
}

/** Mostly no signal, sometimes one aborted before or while the call waits. */
export const abortMode = fc.constantFrom<AbortMode>('none', 'none', 'later', 'before');

export function abortController(abort: AbortMode): AbortController {
  const controller = new AbortController();
  if (abort === 'before') {
    controller.abort();
  }
  return controller;
}

/** A fast-check command that acts on the world (the model lives in the world itself). */
export function command<World extends object>(
  label: string,
  canRun: (world: World) => boolean,
  act: (world: World) => Promise<void>,
): fc.AsyncCommand<World, World> {
  return { check: canRun, run: async (_model, world) => act(world), toString: () => label };
}

/** Checks one operation against its expectation; returns whether it is settled and done with. */
export function settledAsExpected(operation: Operation): boolean {
  const settlement = operation.tracker.current();
  const expectation = operation.expectation;
  if (settlement.state !== expectation.state) {
    // Only build the labelled comparison when it fails: expect() per step is the slow part.
    expect({ label: operation.label, state: settlement.state }).toEqual({
      label: operation.label,
      state: expectation.state,
    });
  }
  if (
    expectation.state === 'fulfilled' &&
    settlement.state === 'fulfilled' &&
    !Object.is(settlement.value, expectation.value)
  ) {
    expect({ label: operation.label, value: settlement.value }).toEqual({
      label: operation.label,
      value: expectation.value,
    });
  } else if (expectation.state === 'rejected' && settlement.state === 'rejected') {
    expectation.check(settlement.reason);
  }
  return expectation.state !== 'pending';
}
