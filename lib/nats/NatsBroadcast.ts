import type { JetStreamClient, JetStreamManager, NatsConnection, StreamInfo, StreamUpdateConfig } from 'nats';
import type { DiscardPolicy, RetentionPolicy } from 'nats';
import { checkOpenArguments, openStream, type OpenArguments } from '../internal/nats/openStream';
import type { ChannelNames } from '../internal/nats/names';
import { checkCount, checkOptions } from '../internal/validate';
import type { Codec } from './Codec';
import {
  NatsBroadcastReceiver,
  type NatsBroadcastLink,
  type NatsBroadcastReceiverOptions,
} from './NatsBroadcastReceiver';
import { NatsPeekable } from './NatsPeekable';
import { NatsSender, type NatsSenderLink } from './NatsSender';

/**
 * Options of {@link NatsBroadcast.open}.
 *
 * @example
 * ```ts
 * const options: NatsBroadcastOptions<number> = { name: 'prices', resendLatest: true };
 * ```
 */
export interface NatsBroadcastOptions<T> {
  /** The channel's name: letters, digits, `-`, `_`. Its stream is `RXC_<name>`, its subject `rxc.<name>`. */
  readonly name: string;
  /** A new receiver gets the latest message first, if there is one. @defaultValue `false` */
  readonly resendLatest?: boolean | undefined;
  /** How messages become bytes and back. @defaultValue {@link jsonCodec} */
  readonly codec?: Codec<T> | undefined;
  /**
   * How many messages the stream keeps (`max_msgs` with `discard: old`): how far a receiver may
   * lag behind the senders before it misses messages (counted in its `dropped`).
   * @defaultValue `1000`
   */
  readonly history?: number | undefined;
}

/**
 * A Broadcast across processes and machines, on NATS JetStream: every receiver, wherever it
 * runs, gets every message sent after it was made, in order. Open it with
 * {@link NatsBroadcast.open} on a connection you made; its senders and receivers are the
 * library's own `Sender` and `Receiver`.
 *
 * On the server: a stream `RXC_<name>` (subject `rxc.<name>`, limits retention, file storage,
 * `max_msgs: history`, `discard: old`); each receiver and peekable follows it with its own
 * ordered (ephemeral) consumer.
 *
 * ## Guarantees
 * - **Delivery:** every receiver gets every message stored after its consumer was made (one
 *   round trip after `newReceiver()`; sends of this same object wait for that), in the stream's
 *   order, exactly once unless it drops it.
 * - **Ordering:** the stream's order; each sender's messages in its send order.
 * - **Buffering:** the stream keeps `history` messages (dropping the oldest); each receiver a
 *   window of its `maxsize` (dropping the oldest). `dropped` is exact: what it lost either way.
 * - **When full:** never: `send()` waits only for the server's acknowledgement.
 * - **When closed:** `close()` moves the stream off the channel's subject (sends in every
 *   process fail with `SenderError`, cause `ChannelClosedError`), stores an end marker and seals
 *   the stream; receivers deliver what came before the marker, then stop with
 *   `ReceiverStoppedError` (cause `ChannelClosedError`).
 * - **On faults:** a server restart loses no message whose `send()` resolved (as far as the
 *   store survives: `sync_interval`); receivers' consumers are recreated from the next sequence.
 * - **Not guaranteed:** the order of messages of different senders; messages stored before a
 *   receiver existed (except the latest with `resendLatest`).
 *
 * @example
 * ```ts
 * const prices = await NatsBroadcast.open<number>(connection, { name: 'prices', resendLatest: true });
 * const chart = prices.newReceiver({ maxsize: 10 });
 * await prices.newSender().send(42);
 * console.log(await chart.receive()); // Logs: 42
 * ```
 */
export class NatsBroadcast<T> {
  private closedHere = false;
  private readonly pending = new Set<Promise<void>>();
  private readonly link: NatsSenderLink & NatsBroadcastLink;
  private receiversMade = 0;

  private constructor(
    private readonly names: ChannelNames,
    private readonly jsm: JetStreamManager,
    js: JetStreamClient,
    codec: Codec<unknown>,
    resendLatest: boolean,
    info: StreamInfo,
  ) {
    this.closedHere = this.closedIn(info);
    const isClosed = (): boolean => this.closedHere;
    this.link = {
      js,
      stream: names.stream,
      subject: names.subject,
      channelName: names.name,
      kind: 'NatsBroadcast',
      codec,
      channel: this,
      resendLatest,
      get closed(): boolean {
        return isClosed();
      },
      _sealed: () => {
        this.closedHere = true;
      },
      closedOnServer: () => this.info().then((latest) => this.closedIn(latest)),
      setups: () => (this.pending.size === 0 ? undefined : Promise.all([...this.pending]).then(() => undefined)),
      info: () => this.info(),
      isClosed: (latest) => this.closedIn(latest),
    };
  }

  /**
   * Opens the channel `name` on the server of `connection`, creating its stream if it does not
   * exist yet.
   *
   * @throws `TypeError` / `RangeError` (as a rejection) for a bad name or option; the client's
   * error when JetStream is not enabled on the server.
   *
   * @example
   * ```ts
   * const prices = await NatsBroadcast.open<number>(connection, { name: 'prices' });
   * ```
   */
  static open<T>(connection: NatsConnection, options: NatsBroadcastOptions<T>): Promise<NatsBroadcast<T>> {
    let opened: OpenArguments;
    let history: number;
    try {
      opened = checkOpenArguments('NatsBroadcast', connection, options);
      history = checkCount('history', options.history ?? 1000, 1, false);
    } catch (error) {
      return Promise.reject(error);
    }
    const { names, codec } = opened;
    const js = connection.jetstream();
    return connection
      .jetstreamManager()
      .then((jsm) =>
        openStream(
          'NatsBroadcast',
          jsm,
          names,
          { retention: 'limits' as RetentionPolicy, discard: 'old' as DiscardPolicy, max_msgs: history },
          'a limits stream (is it a NatsAnycast?)',
        ).then((info) => new NatsBroadcast<T>(names, jsm, js, codec, options.resendLatest === true, info)),
      );
  }

  /** The channel's name. */
  get name(): string {
    return this.names.name;
  }

  /** Whether the channel is known here to be closed. */
  get isClosed(): boolean {
    return this.closedHere;
  }

  /** A new sender. */
  newSender(): NatsSender<T> {
    return new NatsSender<T>(this.link);
  }

  /**
   * A new receiver, which gets every message stored once its consumer exists on the server.
   *
   * @throws `RangeError` when `maxsize` is not an integer from 1 up (or `Infinity`).
   */
  newReceiver(options: NatsBroadcastReceiverOptions = {}): NatsBroadcastReceiver<T> {
    checkOptions('options', options);
    const maxsize = checkCount('maxsize', options.maxsize ?? 50, 1, true);
    const name = options.name ?? `${this.names.name}-${++this.receiversMade}`;
    const receiver = new NatsBroadcastReceiver<T>(this.link, String(name), maxsize);
    this.track(receiver._setup);
    return receiver;
  }

  /** A peekable of the channel's latest message (see {@link NatsPeekable}). */
  newPeekable(): NatsPeekable<T> {
    const peekable = new NatsPeekable<T>(this.link);
    this.track(peekable._setup);
    return peekable;
  }

  /**
   * Closes the channel for every process: moves the stream off the channel's subject (sends
   * fail), stores the end marker, seals the stream. Idempotent; resolves once sealed.
   */
  close(): Promise<void> {
    const { stream, subject, name } = this.names;
    const endSubject = `rxc-closed.${name}`;
    return this.jsm.streams.info(stream).then((info) => {
      this.closedHere = true;
      if (info.config.sealed) {
        return;
      }
      const moved = info.config.subjects.includes(subject)
        ? this.jsm.streams.update(stream, { ...info.config, subjects: [endSubject] })
        : Promise.resolve(info);
      return moved
        .then((updated) => this.link.js.publish(endSubject, new Uint8Array(0)).then(() => updated))
        .then((updated) =>
          // `sealed` is a configuration field of server 2.2+ that the 2.x client's update type omits.
          this.jsm.streams.update(stream, { ...updated.config, sealed: true } as Partial<StreamUpdateConfig>),
        )
        .then(() => undefined);
    });
  }

  /** `NatsBroadcast:<name>`. */
  toString(): string {
    return `NatsBroadcast:${this.names.name}`;
  }

  private info(): Promise<StreamInfo> {
    return this.jsm.streams.info(this.names.stream);
  }

  private closedIn(info: StreamInfo): boolean {
    const closed = info.config.sealed || !info.config.subjects.includes(this.names.subject);
    if (closed) {
      this.closedHere = true;
    }
    return closed;
  }

  private track(setup: Promise<void>): void {
    this.pending.add(setup);
    void setup.then(() => this.pending.delete(setup));
  }
}
