/**
 * The baseline fan-out: one ring per receiver, drop-oldest when a ring is full, `send()` never
 * waits. A receiver parks at most one resolver (one consumer per receiver).
 */
import { Ring } from './AsyncQueue.mjs';

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export class BroadcastQueueReceiver<T> implements AsyncIterable<T> {
  private readonly buffer: Ring<T>;
  private taker: ((result: IteratorResult<T, undefined>) => void) | undefined;
  private closed = false;
  dropped = 0;

  constructor(private readonly capacity: number) {
    this.buffer = new Ring<T>(capacity);
  }

  push(message: T): void {
    const taker = this.taker;
    if (taker !== undefined) {
      this.taker = undefined;
      taker({ value: message, done: false });
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
    const taker = this.taker;
    if (taker !== undefined) {
      this.taker = undefined;
      taker(DONE);
    }
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer.length > 0) {
      return Promise.resolve({ value: this.buffer.shift(), done: false });
    }
    if (this.closed) {
      return Promise.resolve(DONE);
    }
    return new Promise((resolve) => {
      this.taker = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return this;
  }
}

export class BroadcastQueue<T> {
  private readonly receivers: BroadcastQueueReceiver<T>[] = [];

  newReceiver(capacity: number): BroadcastQueueReceiver<T> {
    const receiver = new BroadcastQueueReceiver<T>(capacity);
    this.receivers.push(receiver);
    return receiver;
  }

  send(message: T): void {
    for (const receiver of this.receivers) {
      receiver.push(message);
    }
  }

  close(): void {
    for (const receiver of this.receivers) {
      receiver.close();
    }
  }
}
