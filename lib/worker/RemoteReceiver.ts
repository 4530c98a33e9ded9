import { checkSignal } from '../internal/abortable';
import { Inbox } from '../internal/Inbox';
import { PROTOCOL_VERSION, type PollState } from '../internal/protocol';
import { readyOf } from '../internal/wait';
import type { WireError } from '../internal/worker/wire';
import { Receiver, type AbortOptions } from '../Receiver';

/**
 * Options of a remote channel's `newReceiver()`.
 *
 * @example
 * ```ts
 * const fast = remote.jobs.newReceiver({ credit: 64 }); // up to 64 messages sent ahead
 * ```
 */
export interface RemoteReceiverOptions {
  /**
   * How many messages this receiver may be sent ahead while someone waits on it: the most it
   * holds unconsumed. `1` (the default) never leaves a message in this thread while another
   * receiver waits; more trades that for throughput.
   * @defaultValue `1`
   */
  readonly credit?: number | undefined;
}

/**
 * Options of a remote Broadcast's `newReceiver()`: a local receiver's, plus the credit.
 *
 * @example
 * ```ts
 * const chart = remote.prices.newReceiver({ name: 'chart', maxsize: 10 });
 * ```
 */
export interface RemoteBroadcastReceiverOptions extends RemoteReceiverOptions {
  /** The owner-side receiver's name. */
  readonly name?: string | undefined;
  /** The owner-side receiver's buffer (drop-oldest). @defaultValue `50` */
  readonly maxsize?: number | undefined;
}

/** What a remote receiver needs from its connection. @internal */
export interface ReceiverLink {
  post(type: string, fields: Record<string, unknown>): void;
  /** Whether the channel is a Broadcast, as far as the owner said yet (its `welcome`). */
  isBroadcast(): boolean;
  revive(error: WireError, receiver: RemoteReceiver<unknown>): Error;
}

/**
 * A receiver in this thread of a channel in another (the owner thread), made by a remote
 * channel's `newReceiver()` (see `connectChannels()`). It is a full receiver of the library:
 * `for await`, the Observable face, `map()`/`filter()`, `select()`, Merge, `AbortSignal`. It
 * speaks the library's pull protocol here, and asks the owner for messages (credit) only while
 * someone waits on it; acknowledging each in `consume()` is what makes the owner forget it.
 *
 * ## Guarantees
 * - **Ordering:** the channel's order.
 * - **Buffer:** at most `credit` messages sent ahead and not consumed (default 1, counted as a
 *   running total with the owner, so a withdrawn wait crossing a message on its way never lets
 *   more arrive), requested only
 *   while a `ready()`, `receive()`, iteration, subscription, `select()` or Merge waits on it.
 *   A Broadcast receiver keeps the credit it was granted between waits (its messages are its
 *   own), so up to `credit` messages may come ahead while nobody waits.
 * - **Closing:** `close()` gives every message it holds back to the front of an Anycast (in the
 *   owner thread) and stops it at once. When the channel closes, it stops after the messages
 *   it holds, with `ReceiverStoppedError` (cause `ChannelClosedError`).
 * - **When its thread dies:** what it held and had not consumed goes back to the Anycast.
 * - **When the owner detaches the connection** (`server.close()`, a heartbeat unanswered): what
 *   it held went back to the Anycast there, so it is dropped here, and the receiver stops with
 *   `ReceiverStoppedError` (cause `ChannelsError`); a Broadcast receiver keeps and drains its own.
 * - **Cancellation:** an aborted wait withdraws its request; a message already on its way stays
 *   here for the next wait (or goes back on `close()`): neither lost nor duplicated.
 * - **Not guaranteed:** a Broadcast receiver's `size` and `dropped` are the owner's figures as of
 *   the last messages it was sent; it gets what is sent once the owner has made it (one message
 *   across the port after `newReceiver()`).
 *
 * @example
 * ```ts
 * const remote = connectChannels<{ jobs: Anycast<string> }>(parentPort);
 * for await (const job of remote.jobs.newReceiver()) console.log(job);
 * ```
 */
export class RemoteReceiver<T> extends Receiver<T> {
  private readonly inbox = new Inbox<T>();
  /**
   * The credit is counted from the start, not in increments: `granted` is how many messages in all
   * the owner may have sent this receiver, `received` how many arrived. A withdrawn credit
   * (`unwant`) crossing messages already on their way is then never granted twice: the next
   * `want` names a total the owner compares with what it sent, in flight or not.
   */
  private granted = 0;
  private received = 0;
  private ownerSize = 0;
  private ownerDropped = 0;

  /**
   * @internal How many messages this receiver consumed, in memory shared with the owner thread
   * (`SharedArrayBuffer`), when the platform has it; `undefined` means `ack` messages.
   */
  _consumed: Int32Array | undefined;

  /** @internal */
  constructor(
    private readonly connection: ReceiverLink,
    /** @internal */ readonly _rid: number,
    /** @internal */ readonly _channelName: string,
    private readonly credit: number,
  ) {
    super(PROTOCOL_VERSION);
  }

  /** Messages here and (a Broadcast's) in the owner-side buffer, as of the last delivery. */
  get size(): number {
    return this.inbox.buffer.length + this.ownerSize;
  }

  /** A Broadcast receiver's dropped messages (owner-side), as of the last delivery; else 0. */
  get dropped(): number {
    return this.ownerDropped;
  }

  /** Waits until a message is here (asking the owner for one) or the receiver stopped. */
  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Takes the message `ready()` announced and acknowledges it to the owner.
   *
   * @throws `ReceiverStoppedError` once stopped and drained.
   */
  consume(): T {
    return this.inbox.consume(
      this,
      (message) => this.take(message),
      () => this._notReady(),
    );
  }

  /** Stops at once; gives what it holds back to the owner's Anycast. Idempotent. */
  override close(): void {
    if (this.inbox.closed) {
      return;
    }
    this.inbox.closed = true;
    this.inbox.buffer.clear();
    this.granted = this.received;
    this.connection.post('close', { rid: this._rid });
    this._wake();
  }

  /** `RemoteReceiver:<channel>`. */
  override toString(): string {
    return `RemoteReceiver:${this._channelName}`;
  }

  /** @internal */
  override _poll(): PollState {
    return this.inbox.poll();
  }

  /** @internal Someone waits: grant the owner credit. */
  override _parked(): boolean {
    this.requestCredit();
    return false;
  }

  /** @internal Nobody waits any more: withdraw the credit left. */
  protected override _idle(): void {
    // A Broadcast receiver keeps its credit: its messages are its own, no other receiver waits
    // for them, and withdrawing and granting again would cost two messages per message.
    if (this.connection.isBroadcast()) {
      return;
    }
    if (this.granted > this.received && !this.inbox.closed && this.inbox.stopError === undefined) {
      // What is on its way still arrives (and counts); the owner sends nothing more.
      this.granted = this.received;
      this.connection.post('unwant', { rid: this._rid });
    }
  }

  /** @internal Messages from the owner, within the credit. */
  _deliver(list: readonly T[], size: number | undefined, dropped: number | undefined): void {
    if (this.inbox.closed) {
      return;
    }
    for (const message of list) {
      this.inbox.buffer.push(message);
    }
    this.received += list.length;
    this.ownerSize = size ?? 0;
    this.ownerDropped = dropped ?? 0;
    this._wake();
  }

  /** @internal An error from the owner, rebuilt naming this receiver. */
  _revive(error: WireError): Error {
    return this.connection.revive(error, this);
  }

  /**
   * @internal The owner will send nothing more; `error` says why (a `ReceiverStoppedError`, or
   * the cause of one). With `discard`, what this receiver holds is dropped here: the owner gave
   * it back to its Anycast when it detached the connection, and it must not arrive twice.
   */
  _stop(error: Error, discard = false): void {
    if (discard) {
      this.inbox.buffer.clear();
    }
    if (this.inbox.stop(this, error, false)) {
      this._wake();
    }
  }

  /** A message leaves: counted as consumed before it leaves this call, then credit asked again. */
  private take(message: T): T {
    // If the thread dies after this, the owner must not give the message back. Through shared
    // memory where there is some (one atomic add, seen by the owner at once, no message); else
    // one `ack` message.
    const consumed = this._consumed;
    if (consumed === undefined) {
      this.connection.post('ack', { rid: this._rid });
    } else {
      Atomics.add(consumed, 0, 1);
    }
    if (this._waited) {
      this.requestCredit();
    }
    return message;
  }

  private requestCredit(): void {
    if (this.inbox.closed || this.inbox.stopError !== undefined) {
      return;
    }
    const outstanding = Math.max(0, this.granted - this.received) + this.inbox.buffer.length;
    const need = this.credit - outstanding;
    // Refill at half the credit, not one by one: one request per half-window of messages.
    if (need > 0 && (outstanding === 0 || need * 2 >= this.credit)) {
      // A total: messages still on its way after an `unwant` count against it at the owner.
      this.granted = this.received + this.credit - this.inbox.buffer.length;
      this.connection.post('want', { rid: this._rid, upTo: this.granted });
    }
  }
}
