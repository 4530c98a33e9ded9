import { checkSignal } from '../internal/abortable';
import { readyOf } from '../internal/wait';
import { PENDING, PROTOCOL_VERSION, STOPPED, type PollState } from '../internal/protocol';
import { Receiver, type AbortOptions } from '../Receiver';
import { ReceiverStoppedError } from '../errors';
import { checkOptions, checkString } from '../internal/validate';

/** Options of {@link NopReceiver}. */
export interface NopReceiverOptions {
  /**
   * The receiver's name, used in `toString()` and error messages.
   * @defaultValue `nop-<n>`, numbered in creation order
   */
  readonly name?: string | undefined;
}

let nopCount = 0;

/**
 * A receiver that never has a message (Python 1.x's `NopReceiver`): a placeholder where a
 * receiver is required but nothing will come, for example an optional input of a `select()`
 * loop or a `Merge`. It speaks the library's own pull protocol (`_poll()` is PENDING until
 * `close()`, STOPPED after), so it works everywhere a receiver does: `select()`, `Merge`,
 * `for await` (ends on close), `tryReceive()`, and the RxJS Observable face (never emits,
 * completes on close).
 *
 * ## Guarantees
 * - **Ordering:** nothing to order: it never delivers a message.
 * - **Buffer:** none.
 * - **When full:** never full; there is no sender.
 * - **Closing:** `close()` takes effect at once: a pending `ready()` resolves `false`, subscribers
 *   complete, and `consume()` throws {@link ReceiverStoppedError}. Idempotent.
 * - **Cancellation:** an aborted `ready()`/`receive()` rejects with the signal's reason and leaves
 *   no abort listener behind.
 * - **Not guaranteed:** anything else; before `close()`, `consume()` throws a `ReceiverError`
 *   saying nothing is ready, as other receivers do.
 *
 * @example
 * ```ts
 * import { NopReceiver, select, selectedFrom } from 'rx-channels';
 *
 * const commands = new NopReceiver<string>({ name: 'no-commands' });
 * for await (const selected of select(ticks, commands)) {
 *   if (selectedFrom(selected, ticks)) console.log('tick');
 *   else if (selectedFrom(selected, commands)) break; // only once commands.close() was called
 * }
 * ```
 */
export class NopReceiver<T> extends Receiver<T> {
  /** The receiver's name. */
  readonly name: string;
  /** Set once by `close()`; never unset. */
  private closed = false;

  /** @throws TypeError when `options` is not an object or `name` is not a string. */
  constructor(options: NopReceiverOptions = {}) {
    checkOptions('options', options);
    const { name = `nop-${nopCount + 1}` } = options;
    checkString('name', name);
    super(PROTOCOL_VERSION);
    nopCount++;
    this.name = name;
  }

  /** Whether `close()` was called. */
  get isStopped(): boolean {
    return this.closed;
  }

  /** Stops the receiver at once: a pending `ready()` resolves `false`. Idempotent. */
  override close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this._wake();
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Never returns.
   *
   * @throws {@link ReceiverStoppedError} after `close()`.
   * @throws {@link ReceiverError} before it: nothing is ever ready.
   */
  consume(): T {
    if (this.closed) {
      throw new ReceiverStoppedError(this);
    }
    throw this._notReady();
  }

  override toString(): string {
    return `NopReceiver:${this.name}`;
  }

  /** @internal */
  override _poll(): PollState {
    return this.closed ? STOPPED : PENDING;
  }
}
