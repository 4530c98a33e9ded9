import { checkSignal } from '../internal/abortable';
import { readyOf } from '../internal/wait';
import { PROTOCOL_VERSION } from '../internal/protocol';
import { Receiver, type AbortOptions } from '../Receiver';
import { ReceiverStoppedError } from '../errors';
import { PENDING, READY, STOPPED, type PollState } from '../internal/protocol';
import { checkOptions, checkString } from '../internal/validate';

/** Options of {@link Event}. */
export interface EventOptions {
  /**
   * The event's name, used in `toString()` and error messages.
   * @defaultValue `event-<n>`, numbered in creation order
   */
  readonly name?: string | undefined;
}

let eventCount = 0;

/**
 * A receiver that becomes ready when `set()` is called: a one-shot signal to wake a loop, for
 * example to tell it to shut down.
 *
 * The name is the seed's. In a browser file it hides the DOM `Event` global, so import it
 * under another name there: `import { Event as ChannelEvent } from 'rx-channels'`.
 *
 * ## Guarantees
 * - **Ordering:** one message (`undefined`) per `set()` that found the event clear.
 * - **Buffer:** a flag: several `set()` calls before a `consume()` make one message, and
 *   `consume()` clears it.
 * - **When full:** `set()` on a set event does nothing; it never waits.
 * - **Closing:** `stop()` (or `close()`) takes effect at once: a pending `ready()` resolves
 *   `false`, subscribers complete, a set not yet consumed is dropped, and `consume()` throws
 *   {@link ReceiverStoppedError}. `set()` on a stopped event does nothing.
 * - **Cancellation:** an aborted `ready()`/`receive()` leaves the flag as it was.
 * - **Not guaranteed:** a message per `set()` (see Buffer).
 *
 * @example
 * ```ts
 * import { Event as ChannelEvent } from 'rx-channels';
 *
 * const shutdown = new ChannelEvent({ name: 'shutdown' });
 * setTimeout(() => shutdown.set(), 100);
 * await shutdown.receive();
 * console.log(`${shutdown} fired`); // Logs: Event:shutdown fired
 * ```
 */
export class Event extends Receiver<void> {
  /** The event's name. */
  readonly name: string;
  /** Whether a `set()` waits for `consume()`. */
  private flag = false;
  /** Set once by `stop()`; never unset. */
  private stopped = false;

  /** @throws TypeError when `name` is not a string. */
  constructor(options: EventOptions = {}) {
    checkOptions('options', options);
    const { name = `event-${eventCount + 1}` } = options;
    checkString('name', name);
    super(PROTOCOL_VERSION);
    eventCount++;
    this.name = name;
  }

  /** Whether the event was set and not consumed since. */
  get isSet(): boolean {
    return this.flag;
  }

  /** Whether `stop()` was called. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Sets the event, waking whoever waits; idempotent until the next `consume()`. */
  set(): void {
    if (this.flag || this.stopped) {
      return;
    }
    this.flag = true;
    this._wake();
  }

  /**
   * Stops the event at once, before it returns: a pending `ready()` resolves `false` and a set
   * not consumed is dropped. It returns nothing to wait for (as the Python original's `stop()`).
   * Idempotent.
   */
  stop(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.flag = false;
    this._wake();
  }

  /** The same as `stop()`. */
  override close(): void {
    this.stop();
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Clears the flag that `ready()` announced.
   *
   * @throws {@link ReceiverStoppedError} when the event was stopped.
   * @throws {@link ReceiverError} when the event is not set.
   */
  consume(): void {
    if (this.flag) {
      this.flag = false;
      return;
    }
    if (this.stopped) {
      throw new ReceiverStoppedError(this);
    }
    throw this._notReady();
  }

  override toString(): string {
    return `Event:${this.name}`;
  }

  /** @internal */
  override _poll(): PollState {
    if (this.stopped) {
      return STOPPED;
    }
    return this.flag ? READY : PENDING;
  }
}
