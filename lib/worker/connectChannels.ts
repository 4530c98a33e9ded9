import type { Anycast } from '../Anycast';
import type { Broadcast } from '../Broadcast';
import { ChannelsError } from '../errors';
import { checkCount, checkOptions } from '../internal/validate';
import {
  fromWire,
  isPortLike,
  link,
  WIRE_VERSION,
  type Link,
  type Wire,
  type WireError,
} from '../internal/worker/wire';
import type { ServedChannels } from './ChannelServer';
import type { MessagePortLike } from './MessagePortLike';
import { RemoteReceiver, type RemoteBroadcastReceiverOptions, type RemoteReceiverOptions } from './RemoteReceiver';
import { RemoteSender, type SendOutcome } from './RemoteSender';

/**
 * An Anycast served by another thread, as {@link connectChannels} gives it.
 *
 * @example
 * ```ts
 * const jobs: RemoteAnycast<string> = connectChannels<{ jobs: Anycast<string> }>(parentPort!).jobs;
 * await jobs.newSender().send('build');
 * ```
 */
export interface RemoteAnycast<T> {
  /** The name it is served under. */
  readonly name: string;
  /** A sender whose `send()` resolves once the owner thread has placed the message. */
  newSender(): RemoteSender<T>;
  /** A receiver that asks the owner for messages only while someone waits on it. */
  newReceiver(options?: RemoteReceiverOptions): RemoteReceiver<T>;
}

/**
 * A Broadcast served by another thread, as {@link connectChannels} gives it.
 *
 * @example
 * ```ts
 * const prices = connectChannels<{ prices: Broadcast<number> }>(parentPort!).prices;
 * const receiver = prices.newReceiver({ maxsize: 100 }); // the owner-side buffer (drop-oldest)
 * ```
 */
export interface RemoteBroadcast<T> {
  /** The name it is served under. */
  readonly name: string;
  /** A sender whose `send()` resolves once the owner thread has delivered the message. */
  newSender(): RemoteSender<T>;
  /** A receiver with its own drop-oldest buffer in the owner thread; `size` and `dropped` here. */
  newReceiver(options?: RemoteBroadcastReceiverOptions): RemoteReceiver<T>;
}

/**
 * The remote face of a served channel type: {@link RemoteAnycast} or {@link RemoteBroadcast}.
 *
 * @example
 * ```ts
 * type Jobs = RemoteChannel<Anycast<string>>; // RemoteAnycast<string>
 * ```
 */
export type RemoteChannel<C> =
  C extends Anycast<infer T> ? RemoteAnycast<T> : C extends Broadcast<infer T> ? RemoteBroadcast<T> : never;

/**
 * What {@link connectChannels} returns: one remote channel per served name, and `close()`.
 *
 * @example
 * ```ts
 * const remote: RemoteChannels<{ jobs: Anycast<string> }> = connectChannels(parentPort!);
 * await remote.close();
 * ```
 */
export type RemoteChannels<C> = { readonly [K in keyof C]: RemoteChannel<C[K]> } & {
  /**
   * Closes the connection: every receiver made through it is closed (what it held goes back to
   * its Anycast), every sender's owner-side sender is closed, and the owner stops listening.
   * Resolves once the owner has answered (every send made before has been answered).
   */
  close(): Promise<void>;
};

/** Names that are never channels: `close`, and what promises and printing look up. */
const NOT_CHANNELS = new Set(['close', 'then', 'toJSON', 'toString', 'valueOf', 'constructor']);

/** The client end of a connection: ids, answers, and every remote end made through it. */
class ClientConnection {
  readonly link: Link;
  failure: Error | undefined;
  private nextId = 1;
  private readonly answers = new Map<number, (outcome: SendOutcome) => void>();
  private readonly receivers = new Map<number, RemoteReceiver<unknown>>();
  private readonly senders = new Set<RemoteSender<unknown>>();
  private closing: { promise: Promise<void>; resolve: () => void } | undefined;
  /** The kind of each served channel, from `welcome` (which precedes every `msgs`). */
  private kinds: Readonly<Record<string, string>> = {};

  constructor(port: MessagePortLike) {
    this.link = link(
      port,
      (message) => this.receive(message),
      () => this.fail(new ChannelsError('The connection was closed: the other thread is gone')),
    );
    this.link.post('hello');
  }

  newId(): number {
    return this.nextId++;
  }

  receiver<T>(channel: string, options: RemoteBroadcastReceiverOptions): RemoteReceiver<T> {
    checkOptions('options', options);
    const { credit = 1, name, maxsize } = options;
    checkCount('credit', credit, 1, false);
    if (maxsize !== undefined) checkCount('maxsize', maxsize, 1, false);
    const rid = this.newId();
    const receiver = new RemoteReceiver<T>(
      {
        post: (type, fields) => {
          if (type === 'close') {
            this.receivers.delete(rid);
          }
          this.post(type, fields);
        },
        isBroadcast: () => this.kinds[channel] === 'broadcast',
        revive: (error, subject) => fromWire(error, { receiver: subject, channel: remoteChannelName(channel) }),
      },
      rid,
      channel,
      credit,
    );
    if (this.failure !== undefined) {
      receiver._stop(this.failure);
      return receiver;
    }
    this.receivers.set(rid, receiver);
    this.open(receiver, { rid, ch: channel, name, maxsize });
    return receiver;
  }

  /**
   * Asks the owner for the receiver; with a consumed-count in shared memory where the platform
   * has `SharedArrayBuffer` (a browser page that is not cross-origin isolated has none) and the
   * port can carry it, else the receiver acknowledges with `ack` messages.
   */
  private open(receiver: RemoteReceiver<unknown>, fields: Record<string, unknown>): void {
    if (typeof SharedArrayBuffer === 'function') {
      const consumed = new Int32Array(new SharedArrayBuffer(4));
      try {
        this.link.post('open', { ...fields, consumed });
        receiver._consumed = consumed;
        return;
      } catch {
        // A port that cannot share memory: acknowledge by message.
      }
    }
    this.post('open', fields);
  }

  sender<T>(channel: string): RemoteSender<T> {
    const sid = this.newId();
    const sender = new RemoteSender<T>(
      {
        post: (type, fields, transfer) => this.post(type, fields, transfer),
        revive: (error, subject) => fromWire(error, { sender: subject, channel: remoteChannelName(channel) }),
        failure: () => this.failure,
        track: (settle) => {
          const id = this.newId();
          this.answers.set(id, (outcome) => settle(outcome));
          return id;
        },
        untrack: (id) => this.answers.delete(id),
      },
      sid,
      channel,
    );
    this.senders.add(sender as RemoteSender<unknown>);
    this.post('sender', { sid, ch: channel });
    return sender;
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => (resolve = settle));
      this.closing = { promise, resolve };
      if (this.failure === undefined) {
        for (const receiver of this.receivers.values()) {
          receiver.close();
        }
        this.post('bye');
      } else {
        resolve();
      }
    }
    return this.closing.promise;
  }

  private post(type: string, fields: Record<string, unknown> = {}, transfer?: readonly unknown[]): void {
    if (this.failure === undefined) {
      this.link.post(type, fields, transfer);
    }
  }

  private receive(message: Wire): void {
    switch (message.t) {
      case 'welcome':
        this.kinds = (message['channels'] as Record<string, string> | undefined) ?? {};
        break;
      case 'msgs': {
        const receiver = this.receivers.get(message['rid'] as number);
        receiver?._deliver(
          message['list'] as unknown[],
          message['size'] as number | undefined,
          message['dropped'] as number | undefined,
        );
        break;
      }
      case 'stopped': {
        const receiver = this.receivers.get(message['rid'] as number);
        receiver?._stop(receiver._revive(message['e'] as WireError));
        break;
      }
      case 'sent':
        this.answer(message['id'] as number, { sent: true });
        break;
      case 'failed':
        this.failed(message);
        break;
      case 'ping':
        this.link.post('pong');
        break;
      case 'refused':
        this.fail(
          new ChannelsError(
            `The owner thread speaks rx-channels/worker protocol ${String(message['v'])}, this thread ${WIRE_VERSION}`,
          ),
        );
        break;
      case 'bye':
        // The owner detached this connection and gave back to each Anycast what our receivers
        // held: they must not deliver it too.
        this.fail(new ChannelsError('The connection was closed by the owner thread'), true);
        break;
    }
  }

  private failed(message: Wire): void {
    const id = message['id'] as number;
    const wire = message['e'] as WireError | undefined;
    this.answer(id, { sent: false, aborted: message['aborted'] === true, error: undefined, wire });
  }

  private answer(id: number, outcome: SendOutcome): void {
    const settle = this.answers.get(id);
    if (settle !== undefined) {
      this.answers.delete(id);
      settle(outcome);
    }
  }

  /** The connection is gone: everything still waiting fails with `failure`; receivers stop after what they hold. */
  private fail(failure: Error, givenBack = false): void {
    if (this.failure !== undefined) {
      return;
    }
    this.failure = failure;
    this.link.detach();
    for (const receiver of this.receivers.values()) {
      receiver._stop(failure, givenBack && this.kinds[receiver._channelName] === 'anycast');
    }
    this.receivers.clear();
    for (const sender of this.senders) {
      sender._fail(failure);
    }
    for (const settle of this.answers.values()) {
      settle({ sent: false, aborted: false, error: failure, wire: undefined });
    }
    this.answers.clear();
    this.closing?.resolve();
  }
}

/** The channel a rebuilt error names: `RemoteChannel:<name>`. */
function remoteChannelName(name: string): object {
  return { toString: () => `RemoteChannel:${name}` };
}

/**
 * Connects to the channels another thread serves with {@link serveChannels} over `port` (in a
 * Node worker, `parentPort`; in a browser worker, `self`; or either end of a `MessageChannel`).
 * Each served name is a remote channel whose `newSender()` and `newReceiver()` return the
 * library's own senders and receivers, which behave like local ones (see {@link RemoteSender}
 * and {@link RemoteReceiver} for what crossing threads changes).
 *
 * @example
 * ```ts
 * // worker thread
 * import { parentPort } from 'node:worker_threads';
 * const remote = connectChannels<{ jobs: Anycast<string>; done: Anycast<string> }>(parentPort!);
 * const done = remote.done.newSender();
 * for await (const job of remote.jobs.newReceiver()) await done.send(`${job}: ok`);
 * await remote.close();
 * ```
 */
export function connectChannels<C extends ServedChannels<C>>(port: MessagePortLike): RemoteChannels<C> {
  if (!isPortLike(port)) {
    throw new TypeError('Expected `port` to be a MessagePort, Worker or worker scope');
  }
  const connection = new ClientConnection(port);
  const channels = new Map<string, RemoteAnycast<unknown>>();
  const target = { close: () => connection.close() };
  return new Proxy(target, {
    get(object, key) {
      if (typeof key !== 'string' || NOT_CHANNELS.has(key)) {
        return (object as Record<string | symbol, unknown>)[key];
      }
      let channel = channels.get(key);
      if (channel === undefined) {
        channel = {
          name: key,
          newSender: () => connection.sender(key),
          newReceiver: (options: RemoteBroadcastReceiverOptions = {}) => connection.receiver(key, options),
        };
        channels.set(key, channel);
      }
      return channel;
    },
  }) as unknown as RemoteChannels<C>;
}
