/** A place in a {@link WaitQueue}, kept by its owner so that it can leave the line in O(1). */
export interface WaitNode<T> {
  readonly value: T;
  /** @internal */ previous: WaitNode<T> | undefined;
  /** @internal */ next: WaitNode<T> | undefined;
  /** @internal */ queued: boolean;
}

/**
 * A node for `value` that is not in any line yet, for {@link WaitQueue.pushNode}.
 *
 * @internal
 */
export function waitNode<T>(value: T): WaitNode<T> {
  return { value, previous: undefined, next: undefined, queued: false };
}

/**
 * A FIFO of waiters (blocked senders, waiting receivers) as a doubly linked list, so that a
 * waiter that gives up (an aborted signal, a closed receiver) leaves in O(1) and leaves nothing
 * behind. An array with lazy deletion would grow without bound under repeated aborts.
 *
 * @internal
 */
export class WaitQueue<T> {
  private first: WaitNode<T> | undefined;
  private last: WaitNode<T> | undefined;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(value: T): WaitNode<T> {
    const node = waitNode(value);
    this.pushNode(node);
    return node;
  }

  /**
   * Puts a node that is not in line at the end: a waiter that waits again and again (a receiver)
   * keeps one node for its life instead of allocating one per wait. A node in line is ignored.
   */
  pushNode(node: WaitNode<T>): void {
    if (node.queued) {
      return;
    }
    node.queued = true;
    node.previous = this.last;
    node.next = undefined;
    if (this.last === undefined) {
      this.first = node;
    } else {
      this.last.next = node;
    }
    this.last = node;
    this.count++;
  }

  /** Removes and returns the first waiter, or `undefined` when none waits. */
  shift(): T | undefined {
    const node = this.first;
    if (node === undefined) {
      return undefined;
    }
    this.remove(node);
    return node.value;
  }

  /** Takes `node` out of the line; a node that already left is ignored. */
  remove(node: WaitNode<T>): void {
    if (!node.queued) {
      return;
    }
    node.queued = false;
    if (node.previous === undefined) {
      this.first = node.next;
    } else {
      node.previous.next = node.next;
    }
    if (node.next === undefined) {
      this.last = node.previous;
    } else {
      node.next.previous = node.previous;
    }
    node.previous = undefined;
    node.next = undefined;
    this.count--;
  }

  /** Takes out every value `matches` accepts, in order, and returns them. */
  removeIf(matches: (value: T) => boolean): T[] {
    const removed: T[] = [];
    for (let node = this.first; node !== undefined;) {
      const next = node.next;
      if (matches(node.value)) {
        this.remove(node);
        removed.push(node.value);
      }
      node = next;
    }
    return removed;
  }
}
