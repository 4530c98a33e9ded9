import { OverflowBuffer } from '../../lib/internal/overflow';
import { captureWarnings } from '../helpers/logger';

describe('OverflowBuffer', () => {
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => (capture = captureWarnings()));
  afterEach(() => capture.restore());

  function fill(buffer: OverflowBuffer<number>, messages: number[]): boolean[] {
    return messages.map((message) => buffer.push(message));
  }

  function drain(buffer: OverflowBuffer<number>): number[] {
    const out: number[] = [];
    while (buffer.length > 0) out.push(buffer.shift());
    return out;
  }

  it('dropOldest keeps the newest maxsize messages and counts the dropped', () => {
    const buffer = new OverflowBuffer<number>(2, 'dropOldest', () => 'Test:x');
    expect(fill(buffer, [1, 2, 3, 4])).toEqual([true, true, true, true]);
    expect(buffer.dropped).toBe(2);
    expect(drain(buffer)).toEqual([3, 4]);
  });

  it('dropLatest keeps the oldest maxsize messages and counts the dropped', () => {
    const buffer = new OverflowBuffer<number>(2, 'dropLatest', () => 'Test:x');
    fill(buffer, [1, 2, 3, 4]);
    expect(buffer.dropped).toBe(2);
    expect(drain(buffer)).toEqual([1, 2]);
  });

  it("'error' keeps every message, the overflowing one too, and says false", () => {
    const buffer = new OverflowBuffer<number>(1, 'error', () => 'Test:x');
    expect(fill(buffer, [1, 2])).toEqual([true, false]);
    expect(buffer.dropped).toBe(0);
    expect(drain(buffer)).toEqual([1, 2]);
    expect(capture.warnings).toEqual([]);
  });

  it('warns once per overflow episode, again after the buffer empties', () => {
    const buffer = new OverflowBuffer<number>(1, 'dropOldest', () => 'Test:x');
    fill(buffer, [1, 2, 3]);
    expect(capture.warnings).toEqual(['Test:x: buffer full (maxsize 1), dropping the oldest messages']);
    drain(buffer);
    fill(buffer, [4, 5]);
    expect(capture.warnings).toHaveLength(2);
  });

  it('a partial drain does not end the episode', () => {
    const buffer = new OverflowBuffer<number>(2, 'dropLatest', () => 'Test:x');
    fill(buffer, [1, 2, 3]);
    buffer.shift();
    fill(buffer, [4, 5]);
    expect(capture.warnings).toEqual(['Test:x: buffer full (maxsize 2), dropping the newest messages']);
    expect(buffer.dropped).toBe(2);
  });

  it('warns nothing without an owner', () => {
    const buffer = new OverflowBuffer<number>(1, 'dropOldest', undefined);
    fill(buffer, [1, 2, 3]);
    expect(buffer.dropped).toBe(2);
    expect(capture.warnings).toEqual([]);
  });
});
