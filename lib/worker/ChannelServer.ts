import { Anycast } from '../Anycast';
import { Broadcast } from '../Broadcast';
import type { BroadcastReceiver } from '../BroadcastReceiver';
import { ChannelsError } from '../errors';
import { Deque } from '../internal/Deque';
import { PENDING, READY, STOPPED, type Waker } from '../internal/protocol';
import { checkCount, checkOptions } from '../internal/validate';
import { isPortLike, link, toWire, WIRE_VERSION, type Link, type Wire } from '../internal/worker/wire';
import type { MessagePortLike } from './MessagePortLike';
import type { Receiver } from '../Receiver';
import type { Sender } from '../Sender';

/**
 * The channels a {@link ChannelServer} serves, by the name the other threads use: `C` checked
 * field by field, each an `Anycast` or a `Broadcast` of its own message type (a channel class is
 * invariant in its message type, so no single `Anycast<unknown>` would accept an
 * `Anycast<string>`). Used as `C extends ServedChannels<C>`; the same constraint types
 * `connectChannels<C>()`.
 *
 * @example
 * ```ts
 * const channels = { jobs: new Anycast<string>(), prices: new Broadcast<number>('prices') };
 * const checked: ServedChannels<typeof channels> = channels;
 * ```
 */
export type ServedChannels<C> = {
  readonly [K in keyof C]: C[K] extends Anycast<infer T>
    ? Anycast<T>
    : C[K] extends Broadcast<infer T>
      ? Broadcast<T>
      : Anycast<unknown> | Broadcast<unknown>;
};

/** What the server looks channels up in. */
type ChannelTable = Readonly<Record<string, Anycast<unknown> | Broadcast<unknown>>>;

/**
 * Options of {@link serveChannels}.
 *
 * @example
 * ```ts
 * serveChannels(browserWorker, { jobs }, { heartbeatMs: 1000 });
 * ```
 */
export interface ServeOptions {
  /**
   * Send a heartbeat every `heartbeatMs` milliseconds and detach the connection when two go
   * unanswered: how the owner notices a browser worker that was terminated (browsers give no
   * event for that; Node's `Worker` `exit` and `MessagePort` `close` are used without it). The
   * detached side is told (`bye`) and drops what its Anycast receivers held, which went back to
   * the channels here. Not guaranteed: a thread busy for longer than two beats is detached as if
   * gone, and a message it consumes before it handles that `bye` was given back too (it can
   * arrive twice); choose `heartbeatMs` well above the longest synchronous work over there.
   * Beats count from the other side's first message (a thread still loading its code cannot
   * answer), so a browser worker that dies before it connects is not noticed: `close()` it.
   * @defaultValue none
   */
  readonly heartbeatMs?: number | undefined;
}

/**
 * Puts `messages` (oldest first), taken for another thread and not consumed there, back at the
 * front of `channel` in their order; receivers waiting there get the oldest. Here, not in
 * Anycast.ts, so that an app that never crosses threads does not carry it.
 */
function giveBack<T>(channel: Anycast<T>, messages: readonly T[]): void {
  const core = channel._core;
  for (let index = messages.length - 1; index >= 0; index--) {
    core.buffer.unshift(messages[index] as T);
  }
  while (core.hasMessage && core.waitingReceivers.length > 0) {
    core.waitingReceivers.shift()?.hand(core.take());
  }
}

/**
 * A receiver made in the owner thread for a receiver in another thread: it takes messages only
 * within the credit that thread granted (someone waits there), keeps what it sent until the
 * other side acknowledges consuming it, and gives the rest back to the front of an Anycast when
 * that side closes it or goes away. It waits through the library's own pull protocol (a waker
 * parked on the local receiver), so it is served in the call stack of the send.
 */
class ServedReceiver<T> implements Waker {
  /** How many messages the other side allowed in all (its `want { upTo }`), and how many were sent. */
  private limit = 0;
  private sent = 0;
  /** Sent and not acknowledged, oldest first (an Anycast's; a Broadcast's are not kept). */
  private readonly held = new Deque<T>();
  private parked = false;
  private released = false;
  private stopped = false;

  /** How many of `held` were counted off the other side's consumed-count (`consumed`). */
  private counted = 0;

  constructor(
    private readonly connection: Link,
    private readonly rid: number,
    private readonly channel: Anycast<T> | Broadcast<T>,
    private readonly local: Receiver<T>,
    /** The other side's consumed-count in shared memory, when it has one (else it sends `ack`). */
    private readonly consumed: Int32Array | undefined,
  ) {}

  want(upTo: number): void {
    // A total, not an increment: what was sent and is still on its way counts against it.
    if (Number.isSafeInteger(upTo)) {
      this.limit = upTo;
      this.pump();
    }
  }

  unwant(): void {
    this.limit = this.sent;
    this.unpark();
  }

  ack(): void {
    if (this.held.length > 0) {
      this.held.shift();
    }
  }

  /** Forgets what the other side consumed since last time, read from the shared count. */
  private countConsumed(): void {
    if (this.consumed === undefined) {
      return;
    }
    const consumed = Atomics.load(this.consumed, 0);
    while (this.counted < consumed) {
      this.counted++;
      this.ack();
    }
  }

  /** The other side closed the receiver, or went away: give back what it did not consume. */
  release(): void {
    if (this.released) {
      return;
    }
    this.released = true;
    this.unpark();
    this.countConsumed();
    if (this.channel instanceof Anycast && this.held.length > 0) {
      giveBack(this.channel, this.held.toArray());
    }
    this.held.clear();
    this.local.close();
  }

  wake(): void {
    this.parked = false;
    this.pump();
  }

  private unpark(): void {
    if (this.parked) {
      this.parked = false;
      this.local._unpark(this);
    }
  }

  /** Takes what is ready, within the credit, and sends it in one message. */
  private pump(): void {
    if (this.released || this.parked || this.stopped) {
      return;
    }
    this.countConsumed();
    const batch: T[] = [];
    let stop: unknown;
    while (this.sent < this.limit) {
      let state = this.local._poll();
      if (state === PENDING) {
        state = this.local._park(this);
        if (state === PENDING) {
          this.parked = true;
          break;
        }
      }
      if (state === STOPPED) {
        this.stopped = true;
        stop = this.stopReason();
        break;
      }
      if (state === READY) {
        batch.push(this.local.consume());
        this.sent++;
      }
    }
    if (batch.length > 0) {
      stop = this.send(batch) ?? stop;
    }
    if (stop !== undefined) {
      this.connection.post('stopped', { rid: this.rid, e: toWire(stop) });
    }
  }

  /**
   * Posts `batch` and holds it until acknowledged (an Anycast's). A message that cannot cross
   * threads (not structured-cloneable: a function, a class with private state) makes the post
   * throw: the batch goes back to the front of an Anycast (a Broadcast's is that receiver's
   * alone), this remote receiver stops, and the error is returned as its stop reason. Never
   * throws: this runs in a waker, in the call stack of a send in this thread.
   */
  private send(batch: T[]): unknown {
    const local = this.local as Partial<BroadcastReceiver<T>>;
    try {
      this.connection.post('msgs', { rid: this.rid, list: batch, size: local.size, dropped: local.dropped });
    } catch (error) {
      this.stopped = true;
      this.unpark();
      this.local.close();
      if (this.channel instanceof Anycast) {
        giveBack(this.channel, batch);
      }
      return error;
    }
    if (this.channel instanceof Anycast) {
      for (const message of batch) {
        this.held.push(message);
      }
    }
    return undefined;
  }

  private stopReason(): unknown {
    try {
      this.local.consume();
      return new ChannelsError('stopped');
    } catch (error) {
      return error;
    }
  }
}

/** One connection: a port and everything the other thread made through it. */
class Connection {
  readonly link: Link;
  private readonly receivers = new Map<number, ServedReceiver<unknown>>();
  private readonly senders = new Map<number, Sender<unknown>>();
  /** Senders the other side made for a name not served: their sends fail naming it. */
  private readonly unknownSenders = new Map<number, string>();
  /** Sends waiting for room, by id: aborted by `cancel` or when the connection ends. */
  private readonly waitingSends = new Map<number, AbortController>();
  private ended = false;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private missedBeats = 0;
  /** Whether the other side said `hello`. */
  private greeted = false;

  constructor(
    port: MessagePortLike,
    private readonly channels: ChannelTable,
    heartbeatMs: number | undefined,
    private readonly onEnd: () => void,
  ) {
    this.link = link(
      port,
      (message) => this.receive(message),
      () => this.end(false),
    );
    if (heartbeatMs !== undefined) {
      this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
      (this.heartbeat as { unref?: () => void }).unref?.();
    }
  }

  /** Releases everything of this connection; tells the other side when it can still hear. */
  end(tellOtherSide: boolean): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    clearInterval(this.heartbeat);
    for (const receiver of this.receivers.values()) {
      receiver.release();
    }
    this.receivers.clear();
    for (const controller of this.waitingSends.values()) {
      controller.abort(new ChannelsError('The connection was closed'));
    }
    this.waitingSends.clear();
    // A thread that went away sends no more: its senders count as closed (for autoClose).
    for (const sender of this.senders.values()) {
      sender.close();
    }
    this.senders.clear();
    if (tellOtherSide) {
      this.link.post('bye');
    }
    this.link.detach();
    this.onEnd();
  }

  private beat(): void {
    // Beats count from the other side's `hello`: a thread still loading its code cannot answer.
    if (!this.greeted) {
      return;
    }
    if (this.missedBeats >= 2) {
      // Tell it, in case it is only slow: its receivers must drop what was given back here.
      this.end(true);
      return;
    }
    this.missedBeats++;
    this.link.post('ping');
  }

  private receive(message: Wire): void {
    if (this.ended) {
      return;
    }
    if (message.rxc !== WIRE_VERSION) {
      this.link.post('refused', { v: WIRE_VERSION });
      return;
    }
    // The connection speaks: it is alive.
    this.missedBeats = 0;
    const rid = message['rid'] as number;
    switch (message.t) {
      case 'hello':
        this.greeted = true;
        this.welcome();
        break;
      case 'open':
        this.open(rid, message);
        break;
      case 'want':
        this.receivers.get(rid)?.want(message['upTo'] as number);
        break;
      case 'ack':
        this.receivers.get(rid)?.ack();
        break;
      case 'unwant':
        this.receivers.get(rid)?.unwant();
        break;
      case 'close':
        this.receivers.get(rid)?.release();
        this.receivers.delete(rid);
        break;
      case 'sender':
        this.makeSender(message['sid'] as number, message['ch'] as string);
        break;
      case 'send':
        this.send(message['id'] as number, message['sid'] as number, message['m']);
        break;
      case 'cancel':
        this.waitingSends.get(message['id'] as number)?.abort();
        break;
      case 'closeSender':
        this.senders.get(message['sid'] as number)?.close();
        this.senders.delete(message['sid'] as number);
        this.unknownSenders.delete(message['sid'] as number);
        break;
      case 'bye':
        this.end(true);
        break;
    }
  }

  private welcome(): void {
    const kinds: Record<string, string> = {};
    for (const [name, channel] of Object.entries(this.channels)) {
      kinds[name] = channel instanceof Anycast ? 'anycast' : 'broadcast';
    }
    this.link.post('welcome', { channels: kinds });
  }

  private channel(name: string): Anycast<unknown> | Broadcast<unknown> | undefined {
    return Object.prototype.hasOwnProperty.call(this.channels, name) ? this.channels[name] : undefined;
  }

  private noSuchChannel(name: string): ChannelsError {
    return new ChannelsError(`No channel named ${JSON.stringify(name)} is served`);
  }

  private open(rid: number, message: Wire): void {
    const name = message['ch'] as string;
    const channel = this.channel(name);
    if (channel === undefined) {
      this.link.post('stopped', { rid, e: toWire(this.noSuchChannel(name)) });
      return;
    }
    let local: Receiver<unknown>;
    try {
      local =
        channel instanceof Anycast
          ? channel.newReceiver()
          : channel.newReceiver({
              name: message['name'] as string | undefined,
              maxsize: message['maxsize'] as number | undefined,
            });
    } catch (error) {
      this.link.post('stopped', { rid, e: toWire(error) });
      return;
    }
    // A tag check, not instanceof: the port builds the array in its own realm (a vm context,
    // a test runner's sandbox), whose Int32Array is another class.
    const shared = message['consumed'];
    const consumed =
      Object.prototype.toString.call(shared) === '[object Int32Array]' ? (shared as Int32Array) : undefined;
    this.receivers.set(rid, new ServedReceiver(this.link, rid, channel, local, consumed));
  }

  private makeSender(sid: number, name: string): void {
    const channel = this.channel(name);
    if (channel === undefined) {
      this.unknownSenders.set(sid, name);
    } else {
      this.senders.set(sid, channel.newSender());
    }
  }

  private send(id: number, sid: number, message: unknown): void {
    const sender = this.senders.get(sid);
    if (sender === undefined) {
      const name = this.unknownSenders.get(sid);
      const error = name === undefined ? new ChannelsError('No such sender') : this.noSuchChannel(name);
      this.link.post('failed', { id, e: toWire(error) });
      return;
    }
    let placed: boolean;
    try {
      placed = sender.trySend(message);
    } catch (error) {
      this.link.post('failed', { id, e: toWire(error) });
      return;
    }
    if (placed) {
      this.link.post('sent', { id });
      return;
    }
    // Full: wait in the channel's line of blocked senders, in arrival order.
    const controller = new AbortController();
    this.waitingSends.set(id, controller);
    sender.send(message, { signal: controller.signal }).then(
      () => this.settled(id, 'sent', {}),
      (error: unknown) =>
        this.settled(id, 'failed', controller.signal.aborted ? { aborted: true } : { e: toWire(error) }),
    );
  }

  private settled(id: number, type: string, fields: Record<string, unknown>): void {
    this.waitingSends.delete(id);
    if (!this.ended) {
      this.link.post(type, { id, ...fields });
    }
  }
}

/**
 * Serves channels to another thread over one port; made by {@link serveChannels}.
 *
 * @example
 * ```ts
 * const server = serveChannels(worker, { jobs, prices });
 * // ...
 * await server.close(); // detaches the worker; the channels stay open
 * ```
 */
export class ChannelServer {
  readonly #connection: Connection;
  #closed = false;

  /** @internal */
  constructor(port: MessagePortLike, channels: ChannelTable, options: ServeOptions) {
    this.#connection = new Connection(port, channels, options.heartbeatMs, () => {
      this.#closed = true;
    });
  }

  /** Whether the connection ended: `close()`, the other side's `close()`, or its thread gone. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Detaches this port: every message a receiver over there held and had not consumed goes back
   * to the front of its Anycast, its Broadcast receivers are detached, its waiting sends are
   * withdrawn, its senders are closed, and the other side's receivers and senders stop with
   * errors saying the connection was closed. The channels stay open. Idempotent; takes effect
   * before it returns.
   */
  close(): Promise<void> {
    this.#connection.end(true);
    return Promise.resolve();
  }

  /** `ChannelServer`. */
  toString(): string {
    return 'ChannelServer';
  }
}

/**
 * Serves `channels` to the thread at the other end of `port` (a Node `Worker`, `MessagePort` or
 * `parentPort`, a browser `Worker`, `MessagePort` or worker global scope), which calls
 * {@link connectChannels} on its end. The channels stay in this thread, unchanged; the other
 * thread gets senders and receivers that behave like local ones.
 *
 * @example
 * ```ts
 * // main thread
 * const jobs = new Anycast<string>({ name: 'jobs' });
 * const worker = new Worker(new URL('./worker.js', import.meta.url));
 * const server = serveChannels(worker, { jobs });
 * await jobs.newSender().send('build');
 * ```
 */
export function serveChannels<C extends ServedChannels<C>>(
  port: MessagePortLike,
  channels: C,
  options: ServeOptions = {},
): ChannelServer {
  if (!isPortLike(port)) {
    throw new TypeError('Expected `port` to be a MessagePort, Worker or worker scope');
  }
  checkOptions('channels', channels);
  for (const [name, channel] of Object.entries(channels)) {
    if (!(channel instanceof Anycast) && !(channel instanceof Broadcast)) {
      throw new TypeError(`Expected \`channels.${name}\` to be an Anycast or a Broadcast`);
    }
  }
  checkOptions('options', options);
  if (options.heartbeatMs !== undefined) {
    checkCount('heartbeatMs', options.heartbeatMs, 1, false);
  }
  return new ChannelServer(port, channels, options);
}
