import type { Consumer, JetStreamClient, JetStreamManager, NatsConnection, StreamInfo, StreamUpdateConfig } from 'nats';
import type { AckPolicy, DiscardPolicy, RetentionPolicy } from 'nats';
import { checkCount, checkOptions } from '../internal/validate';
import { checkOpenArguments, openStream, type OpenArguments } from '../internal/nats/openStream';
import type { ChannelNames } from '../internal/nats/names';
import type { Codec } from './Codec';
import { NatsReceiver, type NatsReceiverLink, type NatsReceiverOptions } from './NatsReceiver';
import { NatsSender, type NatsSenderLink } from './NatsSender';

/**
 * Options of {@link NatsAnycast.open}.
 *
 * @example
 * ```ts
 * const options: NatsAnycastOptions<Job> = { name: 'jobs', maxsize: 100, ackWaitMs: 30_000 };
 * ```
 */
export interface NatsAnycastOptions<T> {
  /** The channel's name: letters, digits, `-`, `_`. Its stream is `RXC_<name>`, its subject `rxc.<name>`. */
  readonly name: string;
  /**
   * How many messages the stream holds at most, delivered or not, until they are acknowledged
   * (`max_msgs` with `discard: new`); `Infinity` for no bound.
   * @defaultValue `10`
   */
  readonly maxsize?: number | undefined;
  /** How messages become bytes and back. @defaultValue {@link jsonCodec} */
  readonly codec?: Codec<T> | undefined;
  /**
   * How long a delivered message may stay unacknowledged before the server delivers it again
   * (to any receiver): the consumer's `ack_wait`.
   * @defaultValue `30000`
   */
  readonly ackWaitMs?: number | undefined;
}

/**
 * An Anycast across processes and machines, on NATS JetStream: every message goes to one of the
 * receivers, wherever they run, *at least once*. Open it with {@link NatsAnycast.open} on a
 * connection you made (`connect()` of the `nats` package); its senders and receivers are the
 * library's own `Sender` and `Receiver`.
 *
 * On the server: a work-queue stream `RXC_<name>` (subject `rxc.<name>`, file storage,
 * `max_msgs: maxsize`, `discard: new`) and one durable pull consumer `rxc` shared by every
 * receiver in every process. The first `open()` creates them; later ones (in any process) use
 * them as they are.
 *
 * ## Guarantees
 * - **Delivery:** at least once. A message is acknowledged when `consume()` hands it over; one
 *   that a receiver fetched and did not consume (its process died, it was closed) is delivered
 *   again after `ackWaitMs` (at once when a `close()` could give it back). A `send()` retried
 *   after a lost reply is stored once (message-id deduplication).
 * - **Ordering:** each sender's messages are stored in its send order, and first deliveries
 *   follow the stream's order; a redelivery comes later.
 * - **Buffering:** the stream holds at most `maxsize` messages, counting those delivered and not
 *   yet acknowledged; each receiver fetches ahead at most its `prefetch` (default 1).
 * - **When full:** `send()` waits (retrying with a backoff, abortable) until a receiver
 *   acknowledges a message.
 * - **When closed:** `close()` seals the stream: from then on every `send()`, in every process,
 *   rejects with `SenderError` (cause `ChannelClosedError`); receivers deliver what the stream
 *   still holds, then stop with `ReceiverStoppedError` (cause `ChannelClosedError`).
 * - **On faults:** a server restart loses no message whose `send()` resolved (as far as the
 *   server's store survives: see its `sync_interval`); senders retry and receivers fetch again by
 *   themselves; a deleted stream or consumer is a `ReceiverError` (or `SenderError`) with the cause.
 * - **Not guaranteed:** exactly once (a redelivered message may have been consumed already:
 *   make handling idempotent); FIFO among blocked senders of different processes; the order of
 *   messages of different senders.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { NatsAnycast } from 'rx-channels/nats';
 *
 * const connection = await connect({ servers: 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
 * const jobs = await NatsAnycast.open<{ id: number }>(connection, { name: 'jobs', maxsize: 100 });
 * await jobs.newSender().send({ id: 1 });
 * console.log(await jobs.newReceiver().receive()); // Logs: { id: 1 } (in this or any process)
 * ```
 */
export class NatsAnycast<T> {
  private readonly receivers = new Set<NatsReceiver<unknown>>();
  private sealed: boolean;
  private consumerPromise: Promise<Consumer> | undefined;
  private readonly link: NatsSenderLink & NatsReceiverLink;

  private constructor(
    private readonly names: ChannelNames,
    private readonly jsm: JetStreamManager,
    js: JetStreamClient,
    codec: Codec<unknown>,
    info: StreamInfo,
  ) {
    this.sealed = info.config.sealed;
    // The one object that senders and receivers talk to: internal, kept off the public type.
    const isSealed = (): boolean => this.sealed;
    this.link = {
      js,
      subject: names.subject,
      channelName: names.name,
      kind: 'NatsAnycast',
      codec,
      channel: this,
      get closed(): boolean {
        return isSealed();
      },
      _sealed: () => this.markSealed(),
      consumer: () => (this.consumerPromise ??= this.getConsumer(js)),
      drained: () => this.drained(),
      closedOnServer: () => this.jsm.streams.info(names.stream).then((info) => info.config.sealed),
      setups: () => undefined,
      _forget: (receiver) => {
        this.receivers.delete(receiver);
      },
    };
  }

  /**
   * Opens the channel `name` on the server of `connection`, creating its stream and consumer if
   * they do not exist yet.
   *
   * @throws `TypeError` / `RangeError` (as a rejection) for a bad name or option; the client's
   * error when JetStream is not enabled on the server or the stream exists with another kind.
   *
   * @example
   * ```ts
   * const jobs = await NatsAnycast.open<string>(connection, { name: 'jobs', ackWaitMs: 10_000 });
   * ```
   */
  static open<T>(connection: NatsConnection, options: NatsAnycastOptions<T>): Promise<NatsAnycast<T>> {
    let opened: OpenArguments;
    let maxsize: number;
    let ackWaitMs: number;
    try {
      opened = checkOpenArguments('NatsAnycast', connection, options);
      maxsize = checkCount('maxsize', options.maxsize ?? 10, 1, true);
      ackWaitMs = checkCount('ackWaitMs', options.ackWaitMs ?? 30_000, 1, false);
    } catch (error) {
      return Promise.reject(error);
    }
    const { names, codec } = opened;
    const js = connection.jetstream();
    return connection.jetstreamManager().then((jsm) =>
      openStream(
        'NatsAnycast',
        jsm,
        names,
        {
          retention: 'workqueue' as RetentionPolicy,
          discard: 'new' as DiscardPolicy,
          max_msgs: maxsize === Infinity ? -1 : maxsize,
        },
        'a work queue (is it a NatsBroadcast?)',
      ).then((info) => {
        const consumer = {
          durable_name: names.durable,
          ack_policy: 'explicit' as AckPolicy,
          ack_wait: ackWaitMs * 1_000_000,
        };
        return jsm.consumers
          .add(names.stream, consumer)
          .catch((error: unknown) =>
            // An existing consumer with other settings (another process opened with another ackWaitMs): use it.
            jsm.consumers.info(names.stream, names.durable).catch(() => Promise.reject(error)),
          )
          .then(() => new NatsAnycast<T>(names, jsm, js, codec, info));
      }),
    );
  }

  /** The channel's name. */
  get name(): string {
    return this.names.name;
  }

  /** Whether the channel is known here to be closed (by this process, or seen by a send or receiver). */
  get isClosed(): boolean {
    return this.sealed;
  }

  /** A new sender. */
  newSender(): NatsSender<T> {
    return new NatsSender<T>(this.link);
  }

  /**
   * A new receiver; see {@link NatsReceiverOptions} for `prefetch`.
   *
   * @throws `RangeError` when `prefetch` is not an integer from 1 up.
   */
  newReceiver(options: NatsReceiverOptions = {}): NatsReceiver<T> {
    checkOptions('options', options);
    const prefetch = checkCount('prefetch', options.prefetch ?? 1, 1, false);
    const receiver = new NatsReceiver<T>(this.link, prefetch);
    this.receivers.add(receiver);
    return receiver;
  }

  /**
   * Closes the channel for every process: seals the stream (its configuration `sealed: true`).
   * Sends fail from then on; receivers deliver what is left, then stop. Idempotent; resolves
   * once the server has sealed the stream.
   */
  close(): Promise<void> {
    return this.jsm.streams.info(this.names.stream).then((info) => {
      if (info.config.sealed) {
        this.markSealed();
        return;
      }
      // `sealed` is a field of the stream configuration (server 2.2+); the 2.x client's update type omits it.
      const sealed = { ...info.config, sealed: true } as Partial<StreamUpdateConfig>;
      return this.jsm.streams.update(this.names.stream, sealed).then(() => {
        this.markSealed();
      });
    });
  }

  /** `NatsAnycast:<name>`. */
  toString(): string {
    return `NatsAnycast:${this.names.name}`;
  }

  private markSealed(): void {
    if (this.sealed) {
      return;
    }
    this.sealed = true;
    for (const receiver of [...this.receivers]) {
      receiver._channelClosed();
    }
  }

  private getConsumer(js: JetStreamClient): Promise<Consumer> {
    return js.consumers.get(this.names.stream, this.names.durable).catch((error: unknown) => {
      this.consumerPromise = undefined;
      throw error;
    });
  }

  private drained(): Promise<boolean> {
    return this.jsm.streams.info(this.names.stream).then((info) => {
      if (info.config.sealed) {
        this.markSealed();
      }
      return info.config.sealed && info.state.messages === 0;
    });
  }
}
