/**
 * The floor a promise-per-message design can reach: a bounded async queue with nothing but a
 * ring buffer and two FIFOs of parked resolvers. No abort signals, no errors, no Observables.
 * `send()` with room returns one shared resolved promise; a message sent to a waiting receiver
 * goes straight to its resolver.
 */

const SENT: Promise<void> = Promise.resolve();
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** A FIFO over a power-of-two ring; grows when full. */
export class Ring<T> {
  private slots: (T | undefined)[];
  private mask: number;
  private head = 0;
  length = 0;

  constructor(capacity: number) {
    let size = 4;
    while (size < capacity) {
      size *= 2;
    }
    this.slots = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  push(value: T): void {
    if (this.length > this.mask) {
      this.grow();
    }
    this.slots[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  shift(): T {
    const value = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return value;
  }

  private grow(): void {
    const slots = new Array<T | undefined>(this.slots.length * 2).fill(undefined);
    for (let index = 0; index < this.length; index++) {
      slots[index] = this.slots[(this.head + index) & this.mask];
    }
    this.slots = slots;
    this.mask = slots.length - 1;
    this.head = 0;
  }
}

interface BlockedSend<T> {
  readonly message: T;
  readonly resolve: () => void;
}

/** What `close()` hands to a parked taker. */
const CLOSED: unique symbol = Symbol('closed');

type Taker<T> = (message: T | typeof CLOSED) => void;

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly buffer: Ring<T>;
  private readonly takers = new Ring<Taker<T>>(4);
  private readonly senders = new Ring<BlockedSend<T>>(4);
  private closed = false;

  constructor(private readonly capacity: number) {
    this.buffer = new Ring<T>(capacity);
  }

  get size(): number {
    return this.buffer.length;
  }

  send(message: T): Promise<void> {
    if (this.takers.length > 0) {
      this.takers.shift()(message);
      return SENT;
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(message);
      return SENT;
    }
    return new Promise<void>((resolve) => this.senders.push({ message, resolve }));
  }

  /**
   * The next message. The workloads call it exactly as many times as messages are sent, so it
   * does not handle closing (a receive parked at close would resolve to an internal marker).
   */
  receive(): Promise<T> {
    if (this.buffer.length > 0) {
      return Promise.resolve(this.take());
    }
    return new Promise<T>((resolve) => this.takers.push(resolve as Taker<T>));
  }

  /** The next message, or the end once closed and drained. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.buffer.length > 0) {
      return Promise.resolve({ value: this.take(), done: false });
    }
    if (this.closed) {
      return Promise.resolve(DONE);
    }
    return new Promise<IteratorResult<T, undefined>>((resolve) => {
      this.takers.push((message) => resolve(message === CLOSED ? DONE : { value: message, done: false }));
    });
  }

  close(): void {
    this.closed = true;
    while (this.takers.length > 0) {
      this.takers.shift()(CLOSED);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return this;
  }

  private take(): T {
    const message = this.buffer.shift();
    if (this.senders.length > 0) {
      const blocked = this.senders.shift();
      this.buffer.push(blocked.message);
      blocked.resolve();
    }
    return message;
  }
}
