/**
 * The floor a promise-per-message fan-out can reach, with the same `await receive()` API as an
 * rx-channels receiver: one ring per receiver, drop-oldest when a ring is full (counted), and
 * `send()` never waits (it returns one shared resolved promise). A receiver parks at most one `receive()` (one consumer per receiver);
 * a message sent to a waiting receiver resolves that call's promise with the message directly
 * and never touches the ring. No abort signals, no Observables, no weak references.
 */
import { Ring } from './AsyncQueue.mjs';

/** What `receive()` rejects with once the receiver is closed and drained. */
export class BroadcastQueueStopped extends Error {}

const STOPPED = new BroadcastQueueStopped('stopped');
/** What `send()` returns, as rx-channels' Broadcast does: one shared resolved promise. */
const SENT: Promise<void> = Promise.resolve();

export class BroadcastQueueReceiver<T> {
  private readonly buffer: Ring<T>;
  /** The parked `receive()` call, if any: its resolve and reject. */
  private resolve: ((message: T) => void) | undefined;
  private reject: ((reason: unknown) => void) | undefined;
  private closed = false;
  dropped = 0;

  constructor(private readonly capacity: number) {
    this.buffer = new Ring<T>(capacity);
  }

  push(message: T): void {
    const resolve = this.resolve;
    if (resolve !== undefined) {
      this.resolve = undefined;
      this.reject = undefined;
      resolve(message);
      return;
    }
    if (this.buffer.length === this.capacity) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(message);
  }

  close(): void {
    this.closed = true;
    const reject = this.reject;
    if (reject !== undefined) {
      this.resolve = undefined;
      this.reject = undefined;
      reject(STOPPED);
    }
  }

  receive(): Promise<T> {
    if (this.buffer.length > 0) {
      return Promise.resolve(this.buffer.shift());
    }
    if (this.closed) {
      return Promise.reject(STOPPED);
    }
    return new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export class BroadcastQueue<T> {
  private readonly receivers: BroadcastQueueReceiver<T>[] = [];

  newReceiver(capacity: number): BroadcastQueueReceiver<T> {
    const receiver = new BroadcastQueueReceiver<T>(capacity);
    this.receivers.push(receiver);
    return receiver;
  }

  send(message: T): Promise<void> {
    const receivers = this.receivers;
    for (let index = 0; index < receivers.length; index++) {
      (receivers[index] as BroadcastQueueReceiver<T>).push(message);
    }
    return SENT;
  }

  close(): void {
    for (const receiver of this.receivers) {
      receiver.close();
    }
  }
}
