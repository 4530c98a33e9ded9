import type { Subscriber, TeardownLogic } from 'rxjs';
import { ReceiverStoppedError } from '../errors';
import type { Receiver } from '../Receiver';
import { pollableOf } from './ForeignReceiver';
import { PENDING, STOPPED, type Source, type Waker } from './protocol';

/**
 * Emits every message a receiver has, synchronously, then parks until it has more: the pull
 * protocol under an Observable face (RxJS cannot take on consume). A message is consumed only
 * right before it is emitted and only while the subscriber is open, so unsubscribing (even from
 * inside `next`) leaves every other message in the receiver.
 */
class PollingSubscription<T> implements Waker {
  constructor(
    private readonly source: Source<T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  wake(): void {
    this.drain();
  }

  drain(): void {
    const { source, subscriber } = this;
    while (!subscriber.closed) {
      const state = source._park(this);
      if (state === PENDING) {
        if (subscriber.closed) {
          // Unsubscribed while it parked (from a filter predicate run by _park()).
          source._unpark(this);
        }
        return;
      }
      if (state === STOPPED) {
        subscriber.complete();
        return;
      }
      let message: T;
      try {
        message = source.consume();
      } catch (error) {
        endWithError(subscriber, error);
        return;
      }
      subscriber.next(message);
    }
  }

  unsubscribe(): void {
    this.source._unpark(this);
  }
}

function endWithError<T>(subscriber: Subscriber<T>, error: unknown): void {
  if (error instanceof ReceiverStoppedError) {
    subscriber.complete();
  } else {
    subscriber.error(error);
  }
}

/**
 * The subscribe logic behind every receiver's Observable face.
 *
 * @internal
 */
export function observeReceiver<T>(receiver: Receiver<T>, subscriber: Subscriber<T>): TeardownLogic {
  const subscription = new PollingSubscription(pollableOf(receiver), subscriber);
  subscription.drain();
  return () => subscription.unsubscribe();
}
