import { Observable, type MonoTypeOperatorFunction, type Subscriber, type Subscription } from 'rxjs';
import { SenderError } from '../errors';
import { ChannelFeed, isChannelSender } from '../internal/SenderObserver';
import { checkOptions, checkType } from '../internal/validate';
import type { Sender, SenderObserverOptions } from '../Sender';

/** Options of {@link toChannel}. */
export interface ToChannelOptions extends SenderObserverOptions {
  /**
   * How many values may wait for room in the channel (Anycast back-pressure) at once. The value
   * that would be one too many ends the operator with a {@link SenderError}: the source is
   * unsubscribed and the values still waiting are withdrawn, not sent. An integer from 0 (a
   * value must be placed at once) and up, or `Infinity`.
   * @defaultValue `Infinity`: values wait without bound, as with `sender.asObserver()`
   */
  readonly maxPending?: number | undefined;
}

/**
 * An operator that sends every value of the source to a channel, in order, and re-emits each
 * value once the channel has taken it.
 *
 * ## Guarantees
 * - **Ordering:** values enter the channel in source order and are re-emitted in that order.
 * - **Buffer:** while the channel is full, up to `maxPending` values (default without bound)
 *   wait in the channel's own line of blocked senders.
 * - **When full:** a value past `maxPending` ends the operator with a {@link SenderError}, the
 *   source is unsubscribed and the waiting values are withdrawn: nothing is lost silently.
 * - **Timing:** a value the channel takes at once is placed and re-emitted in the source's call
 *   stack (exact marbles); a value that had to wait is placed synchronously when a receiver makes
 *   room, and re-emitted one microtask later.
 * - **Closing:** when the source completes (or errors), the values before it are sent first;
 *   then the channel is closed if `closeOnComplete` (or `closeOnError`) is set, and the operator
 *   completes (or errors with the source's error). If the channel closes first, the operator
 *   errors with the {@link SenderError} of the failed send.
 * - **Cancellation:** unsubscribing unsubscribes the source and withdraws the values still
 *   waiting; the channel is not closed.
 *
 * @example
 * ```ts
 * const jobs = new Anycast<number>({ maxsize: 2 });
 * from([1, 2, 3]).pipe(toChannel(jobs.newSender(), { closeOnComplete: true })).subscribe();
 * for await (const job of jobs.newReceiver()) console.log(job);
 * // Logs: 1 2 3
 * ```
 */
export function toChannel<T>(sender: Sender<T>, options: ToChannelOptions = {}): MonoTypeOperatorFunction<T> {
  checkOptions('options', options);
  const { maxPending = Infinity, closeOnComplete = false, closeOnError = false } = options;
  if (typeof sender?.send !== 'function') {
    throw new TypeError('Expected `sender` to be a Sender');
  }
  checkMaxPending(maxPending);
  const settings = { maxPending, closeOnComplete: closeOnComplete === true, closeOnError: closeOnError === true };
  return (source) => new Observable<T>((subscriber) => feedChannel(source, subscriber, sender, settings));
}

function checkMaxPending(maxPending: unknown): void {
  checkType('maxPending', maxPending, 'number');
  if (maxPending !== Infinity && !(Number.isInteger(maxPending) && maxPending >= 0)) {
    throw new RangeError(`Expected \`maxPending\` to be an integer from 0 and up, got ${maxPending}`);
  }
}

interface FeedSettings {
  readonly maxPending: number;
  readonly closeOnComplete: boolean;
  readonly closeOnError: boolean;
}

/** How the source ended: acted on once every value before the end is in the channel. */
type SourceEnd = { readonly failed: boolean; readonly error: unknown } | undefined;

/** One subscription of the operator: the source feeds the channel, the channel feeds `subscriber`. */
function feedChannel<T>(
  source: Observable<T>,
  subscriber: Subscriber<T>,
  sender: Sender<T>,
  settings: FeedSettings,
): void {
  let sourceEnd: SourceEnd;
  const feed = new ChannelFeed<T>(
    sender,
    {
      placed: (value) => subscriber.next(value),
      failed: (error) => subscriber.error(error),
      drained: () => finish(sender, subscriber, settings, sourceEnd),
    },
    settings.maxPending,
  );
  /** Our subscription to the source, known before the source emits (see below). */
  let upstream: Subscription | undefined;
  // Registered first: an error from inside a synchronous burst (`maxPending`) must stop the
  // source mid-emission, before the Observable constructor would get our teardown.
  subscriber.add(() => {
    upstream?.unsubscribe();
    feed.cancel();
  });
  const end = (failed: boolean, error: unknown): void => {
    sourceEnd = { failed, error };
    feed.end();
  };
  new Observable<T>((inner) => {
    upstream = inner;
    return source.subscribe(inner);
  }).subscribe({
    next: (value) => pushOrFail(feed, value, subscriber, sender, settings.maxPending),
    error: (error: unknown) => end(true, error),
    complete: () => end(false, undefined),
  });
}

function pushOrFail<T>(
  feed: ChannelFeed<T>,
  value: T,
  subscriber: Subscriber<T>,
  sender: Sender<T>,
  maxPending: number,
): void {
  if (feed.push(value) === 'full') {
    subscriber.error(tooManyPending(sender, maxPending));
  }
}

function finish<T>(sender: Sender<T>, subscriber: Subscriber<T>, settings: FeedSettings, sourceEnd: SourceEnd): void {
  const failed = sourceEnd?.failed === true;
  if ((failed ? settings.closeOnError : settings.closeOnComplete) && isChannelSender(sender)) {
    void sender._closeChannel();
  }
  if (failed) {
    subscriber.error(sourceEnd?.error);
  } else {
    subscriber.complete();
  }
}

function tooManyPending<T>(sender: Sender<T>, maxPending: number): SenderError<T> {
  return new SenderError(
    `${String(sender)}: more than ${maxPending} value(s) waiting for room in the channel (\`maxPending\`)`,
    sender,
  );
}
