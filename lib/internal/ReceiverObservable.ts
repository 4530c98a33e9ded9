import type { Subscriber, TeardownLogic } from 'rxjs';
import { ReceiverStoppedError } from '../errors';
import type { Receiver } from '../Receiver';
import { isPollable, PENDING, STOPPED, type Pollable } from './readiness';
import type { Waker } from './WakerSet';

/**
 * Emits every message a pollable receiver has, synchronously, then parks until it has more.
 * A message is consumed only right before it is emitted and only while the subscriber is open,
 * so unsubscribing (even from inside `next`) leaves every other message in the receiver.
 */
class PollingSubscription<T> implements Waker {
  constructor(
    private readonly receiver: Receiver<T> & Pollable,
    private readonly subscriber: Subscriber<T>,
  ) {}

  wake(): void {
    this.drain();
  }

  drain(): void {
    const { receiver, subscriber } = this;
    while (!subscriber.closed) {
      const state = receiver._poll();
      if (state === PENDING) {
        receiver._park(this);
        return;
      }
      if (state === STOPPED) {
        subscriber.complete();
        return;
      }
      let message: T;
      try {
        message = receiver.consume();
      } catch (error) {
        endWithError(subscriber, error);
        return;
      }
      subscriber.next(message);
    }
  }

  unsubscribe(): void {
    this.receiver._unpark(this);
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
 * The same for a receiver written outside the library, which only has the promise API: an
 * async loop whose pending `ready()` is aborted on unsubscribe, so no message is taken.
 */
function observeThroughPromises<T>(receiver: Receiver<T>, subscriber: Subscriber<T>): TeardownLogic {
  const controller = new AbortController();
  const loop = async (): Promise<void> => {
    while (await receiver.ready({ signal: controller.signal })) {
      if (subscriber.closed) {
        return;
      }
      subscriber.next(receiver.consume());
    }
    subscriber.complete();
  };
  loop().catch((error: unknown) => {
    if (!controller.signal.aborted) {
      endWithError(subscriber, error);
    }
  });
  return () => controller.abort();
}

/**
 * The subscribe logic behind every receiver's Observable face.
 *
 * @internal
 */
export function observeReceiver<T>(receiver: Receiver<T>, subscriber: Subscriber<T>): TeardownLogic {
  if (!isPollable(receiver)) {
    return observeThroughPromises(receiver, subscriber);
  }
  const subscription = new PollingSubscription(receiver, subscriber);
  subscription.drain();
  return () => subscription.unsubscribe();
}
