import type { Source } from './protocol';

/**
 * A message (or the error thrown in its place) taken from a receiver, with the way to put it
 * back where it came from: a `filter()` that holds a message its `ready()` announced gives it
 * back through this when it is closed or collected, as an Anycast receiver gives back its own
 * reserved message (the wrappers keep the give-back promise, as tokio's adapters keep cancel
 * safety).
 *
 * @internal
 */
export type Taken<T> = (
  | { readonly failed: false; readonly value: T }
  /** `consume()` threw (or the function of a `map()` did): `value` is the error. */
  | { readonly failed: true; readonly value: unknown }
) & {
  /** Puts the original message back at the front of its channel; `undefined` when it cannot go back. */
  readonly giveBack: (() => void) | undefined;
};

/** A receiver that can say where a taken message goes back. @internal */
export interface Taking<T> {
  /** The held message with its way back; `undefined` when none is held (then `consume()` decides). */
  _take(): Taken<T> | undefined;
}

/**
 * Takes the message `source` has ready, with its way back when the source has one. An error
 * `consume()` throws is taken too (as a failed item).
 *
 * @internal
 */
export function takeFrom<T>(source: Source<T>): Taken<T> {
  const taken = (source as Partial<Taking<T>>)._take?.();
  if (taken !== undefined) {
    return taken;
  }
  try {
    return { failed: false, value: source.consume(), giveBack: undefined };
  } catch (error) {
    return { failed: true, value: error, giveBack: undefined };
  }
}
