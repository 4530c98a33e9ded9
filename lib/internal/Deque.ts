/**
 * A FIFO over a ring buffer: O(1) `push`, `shift` and `unshift`, where `Array#shift` is O(n).
 * The capacity doubles when full and never shrinks below what was reached, so a channel that
 * stays busy allocates nothing per message.
 *
 * @internal
 */
export class Deque<T> {
  /** Slots of the ring; its length is always a power of two. */
  private slots: (T | undefined)[];
  /** Index of the first element. */
  private head = 0;
  /** Number of elements held. */
  private count = 0;

  constructor(initialCapacity = 16) {
    let capacity = 4;
    while (capacity < initialCapacity) {
      capacity *= 2;
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: T): void {
    if (this.count === this.slots.length) {
      this.grow();
    }
    this.slots[(this.head + this.count) & (this.slots.length - 1)] = value;
    this.count++;
  }

  unshift(value: T): void {
    if (this.count === this.slots.length) {
      this.grow();
    }
    this.head = (this.head - 1) & (this.slots.length - 1);
    this.slots[this.head] = value;
    this.count++;
  }

  /** Removes and returns the first element; the deque must not be empty. */
  shift(): T {
    const value = this.slots[this.head] as T;
    // Clear the slot so that the ring does not keep a delivered message alive.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.count--;
    return value;
  }

  /** The first element, or `undefined` when empty (a free slot always holds `undefined`). */
  peekFirst(): T | undefined {
    return this.slots[this.head];
  }

  /** The elements, first to last, as a new array. */
  toArray(): T[] {
    const values: T[] = [];
    for (let index = 0; index < this.count; index++) {
      values.push(this.slots[(this.head + index) & (this.slots.length - 1)] as T);
    }
    return values;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const values = this.toArray();
    this.slots = new Array<T | undefined>(this.slots.length * 2);
    for (let index = 0; index < values.length; index++) {
      this.slots[index] = values[index];
    }
    this.head = 0;
  }
}
