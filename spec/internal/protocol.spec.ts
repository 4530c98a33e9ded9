import { Anycast, Receiver } from 'rx-channels';
import {
  brandPollable,
  isPollable,
  PENDING,
  POLLABLE,
  PROTOCOL_VERSION,
  READY,
  STOPPED,
} from '../../lib/internal/protocol';

describe('isPollable', () => {
  it('is true for an object branded with the current protocol version', () => {
    const prototype = {};
    brandPollable(prototype);
    expect(isPollable(Object.create(prototype))).toBe(true);
    expect(isPollable(new Anycast<number>().newReceiver())).toBe(true);
  });

  it('is false for a brand of another protocol version', () => {
    expect(isPollable({ [POLLABLE]: PROTOCOL_VERSION + 1 })).toBe(false);
    expect(isPollable({ [POLLABLE]: true })).toBe(false);
  });

  it('recognises the brand of another copy of the package (the key is Symbol.for)', () => {
    expect(isPollable({ [Symbol.for('rx-channels.pollable')]: PROTOCOL_VERSION })).toBe(true);
  });

  it('is false for a user object with `_poll`, `_park` and `_unpark` methods but no brand', () => {
    const lookalike = { _poll: () => READY, _park: () => READY, _unpark: () => undefined, consume: () => 1 };
    expect(isPollable(lookalike)).toBe(false);
  });

  it('is false for a user subclass of Receiver with its own `_poll` method', () => {
    class Mine extends Receiver<number> {
      // The published declarations strip Receiver's own `_poll`: a user writes this freely.
      override _poll(): typeof READY {
        return READY;
      }
      ready(): Promise<boolean> {
        return Promise.resolve(true);
      }
      consume(): number {
        return 1;
      }
    }
    expect(isPollable(new Mine())).toBe(false);
  });

  it('is false for null, primitives and functions', () => {
    for (const value of [null, undefined, 0, 'x', Symbol('s'), () => undefined]) {
      expect(isPollable(value)).toBe(false);
    }
  });

  it('puts the brand on the prototype, not enumerable and not writable', () => {
    const prototype = {};
    brandPollable(prototype);
    expect(Object.keys(prototype)).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(prototype, POLLABLE)).toMatchObject({ writable: false, enumerable: false });
  });

  it('has three distinct states', () => {
    expect(new Set([PENDING, READY, STOPPED]).size).toBe(3);
  });
});
