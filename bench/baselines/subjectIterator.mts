/**
 * The hand-written bridge W5 compares `fromObservable()` with: subscribe to the Observable, buffer
 * its values in a ring (without bound) and hand them to `for await` through one parked resolver.
 */
import type { Observable } from 'rxjs';
import { Ring } from './AsyncQueue.mjs';

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export function subjectIterator<T>(source: Observable<T>): AsyncIterableIterator<T> {
  const buffer = new Ring<T>(64);
  let taker: ((result: IteratorResult<T, undefined>) => void) | undefined;
  let completed = false;
  source.subscribe({
    next(value) {
      const waiting = taker;
      if (waiting !== undefined) {
        taker = undefined;
        waiting({ value, done: false });
      } else {
        buffer.push(value);
      }
    },
    complete() {
      completed = true;
      const waiting = taker;
      if (waiting !== undefined) {
        taker = undefined;
        waiting(DONE);
      }
    },
  });
  const iterator: AsyncIterableIterator<T> = {
    next(): Promise<IteratorResult<T, undefined>> {
      if (buffer.length > 0) {
        return Promise.resolve({ value: buffer.shift(), done: false });
      }
      if (completed) {
        return Promise.resolve(DONE);
      }
      return new Promise((resolve) => {
        taker = resolve;
      });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
