/**
 * Receiver helpers for specs: draining, and a receiver written the way a user would write one.
 */
import { Receiver, ReceiverError, ReceiverStoppedError, type AbortOptions } from 'rx-channels';

/** Receives `count` messages, in order. */
export async function receiveMany<T>(receiver: Receiver<T>, count: number): Promise<T[]> {
  const messages: T[] = [];
  for (let index = 0; index < count; index++) {
    messages.push(await receiver.receive());
  }
  return messages;
}

/** Every message until the receiver stops, through `for await`. */
export async function drain<T>(receiver: Receiver<T>): Promise<T[]> {
  const messages: T[] = [];
  for await (const message of receiver) {
    messages.push(message);
  }
  return messages;
}

/**
 * A receiver written outside the library: it implements only `ready()` and `consume()`, over a
 * list of messages pushed with `push()`, and stops at `end()`. It honours `signal` in `ready()`.
 */
export class ListReceiver<T> extends Receiver<T> {
  private readonly queue: T[] = [];
  private ended = false;
  private announced = false;
  private waiters: (() => void)[] = [];
  /** How many `ready()` calls are waiting now. */
  pendingReadyCalls = 0;

  push(...messages: T[]): void {
    this.queue.push(...messages);
    this.wakeWaiters();
  }

  end(): void {
    this.ended = true;
    this.wakeWaiters();
  }

  get size(): number {
    return this.queue.length;
  }

  async ready(options?: AbortOptions): Promise<boolean> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    while (this.queue.length === 0 && !this.ended) {
      await this.waitForChange(signal);
    }
    this.announced = this.queue.length > 0;
    return this.announced;
  }

  consume(): T {
    if (this.announced && this.queue.length > 0) {
      this.announced = false;
      return this.queue.shift() as T;
    }
    if (this.ended) {
      throw new ReceiverStoppedError(this);
    }
    throw new ReceiverError('not ready', this);
  }

  override toString(): string {
    return 'ListReceiver';
  }

  private waitForChange(signal: AbortSignal | undefined): Promise<void> {
    this.pendingReadyCalls++;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        this.pendingReadyCalls--;
        reject(signal?.reason);
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.pendingReadyCalls--;
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      waiter();
    }
  }
}
