import type { Subscriber, TeardownLogic } from 'rxjs';
import { ReceiverStoppedError } from '../errors';
import type { Receiver } from '../Receiver';
import { pollableOf } from './ForeignReceiver';
import { PENDING, STOPPED, type Source, type Waker } from './protocol';

/**
 * The Observable face of one receiver, shared by all its subscribers as RxJS `share()` shares a
 * source: the receiver stays one consumer of its channel, and each message it takes is emitted to
 * every subscriber attached at that moment (a subscriber added from inside `next` gets the
 * messages after it, as with a `Subject`).
 *
 * The taking is our own pull protocol, not RxJS (RxJS cannot take on consume): while at least one
 * subscriber is attached, the face takes every message the receiver has, synchronously, then
 * parks until it has more. A message is consumed only right before it is emitted and only while a
 * subscriber is attached, so when the last one leaves (even from inside `next`) every other
 * message stays in the receiver. The end is shared too: all subscribers complete when the
 * receiver stops and error with its error; one that subscribes later polls the receiver afresh
 * (and so completes at once on a stopped receiver).
 *
 * Also the Observable face of `select()`, whose source is the fan-in.
 *
 * @internal
 */
export class SharedFace<T> implements Waker {
  /**
   * Replaced, never changed in place: an emit round iterates the array it started with, so
   * subscribers that join or leave from inside `next` change the next round, with no copy per
   * message.
   */
  private subscribers: readonly Subscriber<T>[] = [];
  /** Registered on the source, waiting for a message. */
  private parked = false;
  /** Inside {@link drain}: a subscriber added from a `next` joins the running loop. */
  private draining = false;

  constructor(private readonly source: Source<T>) {}

  /** Attaches `subscriber`; the teardown to return from an Observable's subscribe function. */
  attach(subscriber: Subscriber<T>): TeardownLogic {
    this.add(subscriber);
    return () => this.remove(subscriber);
  }

  private add(subscriber: Subscriber<T>): void {
    this.subscribers = [...this.subscribers, subscriber];
    // Starts taking unless it already waits (parked) or runs (a subscribe from inside `next`).
    this.drain();
  }

  private remove(subscriber: Subscriber<T>): void {
    if (!this.subscribers.includes(subscriber)) {
      return;
    }
    this.subscribers = this.subscribers.filter((attached) => attached !== subscriber);
    if (this.subscribers.length === 0 && this.parked) {
      this.parked = false;
      this.source._unpark(this);
    }
  }

  wake(): void {
    this.parked = false;
    this.drain();
  }

  private drain(): void {
    if (this.draining || this.parked) {
      return;
    }
    this.draining = true;
    try {
      this.emitAll();
    } finally {
      this.draining = false;
    }
  }

  private emitAll(): void {
    const source = this.source;
    while (this.hasOpenSubscriber()) {
      const state = source._park(this);
      // _park() may run user code (a filter predicate) that unsubscribed the last subscriber.
      const attached = this.hasOpenSubscriber();
      if (state === PENDING) {
        if (attached) {
          this.parked = true;
        } else {
          source._unpark(this);
        }
        return;
      }
      if (!attached) {
        return; // a ready message stays in the receiver
      }
      if (state === STOPPED) {
        this.end((subscriber) => subscriber.complete());
        return;
      }
      let message: T;
      try {
        message = source.consume();
      } catch (error) {
        this.end((subscriber) =>
          error instanceof ReceiverStoppedError ? subscriber.complete() : subscriber.error(error),
        );
        return;
      }
      for (const subscriber of this.subscribers) {
        subscriber.next(message);
      }
    }
  }

  /**
   * Drops the subscribers already closed: one that unsubscribed from inside `next` during its own
   * `subscribe()` has no teardown registered yet, so it cannot remove itself in time.
   */
  private hasOpenSubscriber(): boolean {
    if (this.subscribers.some((subscriber) => subscriber.closed)) {
      this.subscribers = this.subscribers.filter((subscriber) => !subscriber.closed);
    }
    return this.subscribers.length > 0;
  }

  /** Ends every subscriber attached now; a later one starts afresh. */
  private end(signal: (subscriber: Subscriber<T>) => void): void {
    const ending = this.subscribers;
    this.subscribers = [];
    for (const subscriber of ending) {
      signal(subscriber);
    }
  }
}

/** One shared face per receiver, made at its first subscription. */
const faces = new WeakMap<Receiver<unknown>, SharedFace<unknown>>();

/**
 * The subscribe logic behind every receiver's Observable face.
 *
 * @internal
 */
export function observeReceiver<T>(receiver: Receiver<T>, subscriber: Subscriber<T>): TeardownLogic {
  let face = faces.get(receiver) as SharedFace<T> | undefined;
  if (face === undefined) {
    face = new SharedFace(pollableOf(receiver));
    faces.set(receiver, face);
  }
  return face.attach(subscriber);
}
