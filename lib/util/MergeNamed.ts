import { checkReceivers } from '../internal/FanIn';
import { checkReceiversByName } from '../internal/validate';
import type { Receiver } from '../Receiver';
import { Merge, type MessageOf } from './Merge';

/**
 * Receivers by name: what {@link MergeNamed} and {@link Select} take.
 *
 * @example
 * ```ts
 * const receivers = { prices: prices.newReceiver(), orders: orders.newReceiver() } satisfies NamedReceivers;
 * ```
 */
export type NamedReceivers = { readonly [name: string]: Receiver<unknown> };

/**
 * The message type of a {@link MergeNamed} over `R`: one `[name, message]` tuple per name, so
 * that testing the name narrows the message. For `{ a: Receiver<number>; b: Receiver<string> }`
 * it is `['a', number] | ['b', string]`.
 *
 * @example
 * ```ts
 * type Event = NamedMessage<{ a: Receiver<number>; b: Receiver<string> }>; // ['a', number] | ['b', string]
 * ```
 */
export type NamedMessage<R extends NamedReceivers> = {
  [K in keyof R & string]: [name: K, message: MessageOf<R[K]>];
}[keyof R & string];

/**
 * A {@link Receiver} of `[name, message]` for every message of every named receiver, the seed's
 * `MergeNamed`. It is a {@link Merge} over the receivers, each tagged with its name through
 * `map()`, so it has every guarantee of a Merge.
 *
 * ## Guarantees
 * - **Ordering:** each receiver's order kept; round-robin between ready receivers (no starvation).
 * - **Buffer:** none; at most one message per receiver in flight, left in its receiver until
 *   `consume()` (back-pressure reaches the receivers).
 * - **When full:** nothing of its own fills up; each receiver keeps its own policy.
 * - **Errors:** a receiver's error is thrown from `consume()`, as it was thrown (not tagged).
 * - **Closing:** stops once every receiver has stopped, or at `stop()`, which releases every
 *   pending wait and does not close the receivers.
 * - **Cancellation:** an aborted `ready()` or `receive()` takes nothing.
 *
 * @example
 * ```ts
 * const merged = new MergeNamed({ count: counts.newReceiver(), label: labels.newReceiver() });
 * for await (const [name, message] of merged) {
 *   if (name === 'count') console.log(message + 1); // message: number here
 * }
 * ```
 */
export class MergeNamed<R extends NamedReceivers> extends Merge<NamedMessage<R>> {
  /** The names, in the order the receivers are taken in turn. */
  private readonly names: readonly string[];

  /**
   * @param receivers - the receivers by name, at least one.
   * @throws TypeError when `receivers` is not an object, is empty, or holds a non-receiver.
   */
  constructor(receivers: R) {
    super(...tagEach(receivers));
    this.names = Object.keys(receivers);
  }

  override toString(): string {
    return `MergeNamed:${this.names.join(',')}`;
  }
}

/** Each receiver mapped to `[name, message]`; validates first. */
function tagEach<R extends NamedReceivers>(receivers: R): Receiver<NamedMessage<R>>[] {
  checkReceiversByName(receivers);
  const entries = Object.entries(receivers).map(([name, receiver]) => [`receivers.${name}`, receiver] as const);
  const checked = checkReceivers<unknown>(entries, '`MergeNamed`');
  return Object.keys(receivers).map(
    (name, index) =>
      (checked[index] as Receiver<unknown>).map((message) => [name, message]) as Receiver<NamedMessage<R>>,
  );
}
