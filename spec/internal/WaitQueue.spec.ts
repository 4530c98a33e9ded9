import { WaitQueue, waitNode } from '../../lib/internal/WaitQueue';

function drain<T>(queue: WaitQueue<T>): T[] {
  const values: T[] = [];
  for (let value = queue.shift(); value !== undefined; value = queue.shift()) {
    values.push(value);
  }
  return values;
}

describe('WaitQueue', () => {
  it('shift() returns waiters in arrival order, then undefined', () => {
    const queue = new WaitQueue<string>();
    queue.push('a');
    queue.push('b');
    queue.push('c');
    expect(queue.length).toBe(3);
    expect(drain(queue)).toEqual(['a', 'b', 'c']);
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });

  it('remove() takes a waiter out of the middle, keeping the others in order', () => {
    const queue = new WaitQueue<string>();
    queue.push('a');
    const b = queue.push('b');
    queue.push('c');
    queue.remove(b);
    expect(queue.length).toBe(2);
    expect(drain(queue)).toEqual(['a', 'c']);
  });

  it('remove() of the first and of the last waiter relinks both ends', () => {
    const queue = new WaitQueue<string>();
    const a = queue.push('a');
    queue.push('b');
    const c = queue.push('c');
    queue.remove(a);
    queue.remove(c);
    queue.push('d');
    expect(drain(queue)).toEqual(['b', 'd']);
  });

  it('remove() of the only waiter leaves an empty queue that still works', () => {
    const queue = new WaitQueue<string>();
    const a = queue.push('a');
    queue.remove(a);
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
    queue.push('b');
    expect(drain(queue)).toEqual(['b']);
  });

  it('remove() twice, or of a waiter already shifted, changes nothing', () => {
    const queue = new WaitQueue<string>();
    const a = queue.push('a');
    const b = queue.push('b');
    queue.push('c');
    queue.remove(b);
    queue.remove(b);
    expect(queue.shift()).toBe('a');
    queue.remove(a);
    expect(queue.length).toBe(1);
    expect(drain(queue)).toEqual(['c']);
  });

  it('pushNode() of a node already in line is ignored; after it leaves it can queue again', () => {
    const queue = new WaitQueue<string>();
    const a = waitNode('a');
    queue.pushNode(a);
    queue.push('b');
    queue.pushNode(a);
    expect(queue.length).toBe(2);
    expect(drain(queue)).toEqual(['a', 'b']);
    queue.push('c');
    queue.pushNode(a);
    expect(drain(queue)).toEqual(['c', 'a']);
  });

  it('a removed node keeps no link into the queue', () => {
    const queue = new WaitQueue<string>();
    queue.push('a');
    const b = queue.push('b');
    queue.push('c');
    queue.remove(b);
    expect(b.previous).toBeUndefined();
    expect(b.next).toBeUndefined();
    expect(b.queued).toBe(false);
  });
});
