import { warn } from '../logger';
import type { BufferOverflow } from '../util/fromObservable';
import { Deque } from './Deque';

/**
 * A receiver's own buffer of at most `maxsize` messages and what happens to a message that
 * arrives when it is full: the one place for the full-buffer policies that Broadcast receivers
 * (`dropOldest`) and `fromObservable()` (any of the three) share, with one warning per overflow
 * episode (until the buffer next empties) and an exact count of the dropped messages. The
 * policies are Effect's sliding/dropping queue strategies; `'error'` keeps every message, the
 * one that overflowed included, and tells its owner to end the receiver.
 *
 * @internal
 */
export class OverflowBuffer<T> {
  private readonly buffer = new Deque<T>();
  /** Messages dropped by the policy, in total. */
  dropped = 0;
  /** Whether the current overflow episode was warned about; reset when the buffer empties. */
  private warned = false;

  constructor(
    readonly maxsize: number,
    private readonly policy: BufferOverflow,
    /** Names the owner in the warning, `Kind:name`; `undefined` for no warning. */
    private readonly owner: (() => string) | undefined,
  ) {}

  get length(): number {
    return this.buffer.length;
  }

  /**
   * Buffers `message` under the policy. Returns `false` only for `'error'` on a full buffer:
   * the message is buffered all the same (nothing is lost), and the owner ends the receiver.
   */
  push(message: T): boolean {
    const buffer = this.buffer;
    if (buffer.length < this.maxsize) {
      buffer.push(message);
      return true;
    }
    if (this.policy === 'error') {
      buffer.push(message);
      return false;
    }
    this.dropped++;
    this.warnOnce();
    if (this.policy === 'dropOldest') {
      buffer.shift();
      buffer.push(message);
    }
    return true;
  }

  /** Takes the oldest message; the buffer must not be empty. */
  shift(): T {
    const message = this.buffer.shift();
    if (this.buffer.length === 0) {
      this.warned = false;
    }
    return message;
  }

  private warnOnce(): void {
    if (this.warned || this.owner === undefined) {
      return;
    }
    this.warned = true;
    const which = this.policy === 'dropOldest' ? 'oldest' : 'newest';
    warn(`${this.owner()}: buffer full (maxsize ${this.maxsize}), dropping the ${which} messages`);
  }
}
