/**
 * The wire protocol of `rx-channels/worker`, in one place: the messages a {@link ChannelServer}
 * (the owner thread, where the channels live) and a connection (`connectChannels()`, any other
 * thread) exchange over one port, and how a port of either platform is listened to.
 *
 * Every message is a plain object with `rxc: WIRE_VERSION` and a type `t`; anything else on the
 * port (the user's own traffic) is ignored. The client speaks first (`hello`); a server of
 * another version answers `refused`, and the client fails everything with a `ChannelsError`.
 *
 * Client → server:
 * - `hello {}`: the first message of a connection.
 * - `open { rid, ch, name?, maxsize?, consumed? }`: make a receiver of channel `ch` in the owner
 *   thread. `consumed`, an `Int32Array` on a `SharedArrayBuffer` where the platform has one, is
 *   the receiver's consumed-count: `consume()` adds 1 to it atomically, and the owner reads it
 *   before sending more and when the receiver goes away; such a receiver sends no `ack`.
 * - `want { rid, upTo }`: someone waits on receiver `rid`: it may be sent messages until `upTo`
 *   have been sent to it in all since `open` (credit, as a running total: a message still on its
 *   way after an `unwant` counts against the next `want`, so the credit is never exceeded).
 * - `ack { rid }`: one message sent to `rid` was consumed (posted inside `consume()`, so a message
 *   the thread took is never given back, and one it did not take always is), for a receiver
 *   without a shared consumed-count.
 * - `unwant { rid }`: nobody waits any more: withdraw the credit left (the owner's total becomes
 *   what it has sent; messages already on their way stay with the receiver, for its next wait or
 *   to be given back).
 * - `close { rid }`: the receiver was closed: give back every message sent and not acknowledged.
 * - `sender { sid, ch }`: make a sender of channel `ch` in the owner thread (a name not served
 *   makes every send of it fail naming the channel).
 * - `send { id, sid, m }`: send `m` through sender `sid`; answered by
 *   `sent { id }` once placed or `failed { id, e }`.
 * - `cancel { id }`: the send was aborted: withdraw it if it still waits (`failed { id, aborted }`).
 * - `closeSender { sid }`: the remote sender was closed (its owner-side sender closes too, which
 *   counts for `autoClose`).
 * - `pong {}`: the answer to a heartbeat `ping`.
 * - `bye {}`: the connection is closed: the server releases everything of it and answers `bye`.
 *
 * Server → client:
 * - `welcome { channels }`: the names and kinds served.
 * - `refused { v }`: another wire version.
 * - `msgs { rid, list, size?, dropped? }`: messages for receiver `rid`, within its credit; a
 *   Broadcast receiver's owner-side `size` and `dropped` come with them.
 * - `stopped { rid, e }`: the receiver will get nothing more (its channel closed and drained, or
 *   no such channel); the client stops it after its local messages.
 * - `sent { id }`, `failed { id, e?, aborted? }`: the outcome of a send.
 * - `ping {}`: a heartbeat (with the server's `heartbeatMs` option).
 * - `bye {}`: the server detached this connection (its `close()`, two heartbeats unanswered, or
 *   the answer to a `bye`). It gave back to each Anycast what this side held: the client drops
 *   what its Anycast receivers hold and stops them (`ReceiverStoppedError`, cause `ChannelsError`).
 *
 * Errors travel as {@link WireError}: the library's class name, message and `cause` chain; the
 * receiving side rebuilds the library's own classes, naming its own (remote) sender or receiver.
 *
 * @internal
 */
import {
  ChannelClosedError,
  ChannelsError,
  ReceiverError,
  ReceiverStoppedError,
  SenderClosedError,
  SenderError,
} from '../../errors';
import type { Receiver } from '../../Receiver';
import type { Sender } from '../../Sender';
import type { MessagePortLike } from '../../worker/MessagePortLike';

/** The version both ends must speak; a change to any message's meaning bumps it. @internal */
export const WIRE_VERSION = 1;

/** A message of the protocol (see the file's doc comment). @internal */
export interface Wire {
  readonly rxc: typeof WIRE_VERSION;
  readonly t: string;
  readonly [field: string]: unknown;
}

/** An error as it crosses the port. @internal */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly cause?: WireError | undefined;
}

/** The protocol's side of a port: send, listen, stop listening. @internal */
export interface Link {
  post(type: string, fields?: Record<string, unknown>, transfer?: readonly unknown[]): void;
  /** Stops listening (lets a Node thread exit) and calls `onEnd` no more. */
  detach(): void;
}

/** Whether `value` can be talked through. @internal */
export function isPortLike(value: unknown): value is MessagePortLike {
  const port = value as Partial<MessagePortLike> | null;
  return (
    typeof port?.postMessage === 'function' &&
    (typeof port.on === 'function' || typeof port.addEventListener === 'function')
  );
}

/**
 * Listens to `port` for the protocol's messages and hands each to `receive`; `onEnd` is called
 * once if the platform says the other side is gone (a Node `Worker`'s `exit`, a `MessagePort`'s
 * `close`). Browsers give no such event for a terminated worker (see the heartbeat option).
 *
 * @internal
 */
export function link(port: MessagePortLike, receive: (message: Wire) => void, onEnd: () => void): Link {
  let attached = true;
  const onData = (data: unknown): void => {
    const message = data as Partial<Wire> | null;
    if (attached && typeof message === 'object' && message !== null && message.rxc !== undefined) {
      receive(message as Wire);
    }
  };
  const onEvent = (event: { readonly data: unknown }): void => onData(event.data);
  const ended = (): void => {
    if (attached) {
      onEnd();
    }
  };
  const node = typeof port.on === 'function';
  if (node) {
    port.on?.('message', onData);
    port.on?.('exit', ended);
    port.on?.('close', ended);
  } else {
    port.addEventListener?.('message', onEvent as never);
    port.start?.();
  }
  return {
    post(type, fields = {}, transfer) {
      const message = { rxc: WIRE_VERSION, t: type, ...fields };
      if (transfer === undefined) {
        port.postMessage(message);
      } else {
        port.postMessage(message, transfer);
      }
    },
    detach() {
      if (!attached) {
        return;
      }
      attached = false;
      if (node) {
        port.off?.('message', onData);
        port.off?.('exit', ended);
        port.off?.('close', ended);
      } else {
        port.removeEventListener?.('message', onEvent as never);
      }
    },
  };
}

/** `error` as it crosses the port: class name, message, `cause` chain (a few levels). @internal */
export function toWire(error: unknown, depth = 0): WireError {
  // Duck-typed, not instanceof: a platform error (a DataCloneError) may come from another realm.
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as Partial<Error>;
  if (typeof name !== 'string' || typeof message !== 'string') {
    return { name: 'Error', message: String(error) };
  }
  return { name, message, cause: depth < 4 && cause !== undefined ? toWire(cause, depth + 1) : undefined };
}

/** What a rebuilt error names: the remote sender, receiver and channel of this thread. @internal */
export interface ErrorSubjects {
  readonly sender?: Sender<unknown> | undefined;
  readonly receiver?: Receiver<unknown> | undefined;
  readonly channel: object;
}

/** Rebuilds the library's own error classes from `wire`, naming this thread's `subjects`. @internal */
export function fromWire(wire: WireError, subjects: ErrorSubjects): Error {
  const cause = wire.cause === undefined ? undefined : fromWire(wire.cause, subjects);
  const options = cause === undefined ? undefined : { cause };
  const { sender, receiver, channel } = subjects;
  switch (wire.name) {
    case 'ChannelClosedError':
      return new ChannelClosedError(channel, options);
    case 'SenderClosedError':
      if (sender !== undefined) return new SenderClosedError(sender, options);
      break;
    case 'SenderError':
      if (sender !== undefined) return new SenderError(wire.message, sender, options);
      break;
    case 'ReceiverStoppedError':
      if (receiver !== undefined) return new ReceiverStoppedError(receiver, options);
      break;
    case 'ReceiverError':
      if (receiver !== undefined) return new ReceiverError(wire.message, receiver, options);
      break;
    case 'ChannelsError':
      return new ChannelsError(wire.message, options);
  }
  const error = new Error(wire.message, options);
  error.name = wire.name;
  return error;
}
