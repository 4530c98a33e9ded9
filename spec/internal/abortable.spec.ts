import { checkSignal, listenForAbort } from '../../lib/internal/abortable';
import { abortListenerCount } from '../helpers/async';

describe('abortable', () => {
  describe('listenForAbort()', () => {
    it('calls onAbort once when the signal aborts, and the listener is gone after', () => {
      const controller = new AbortController();
      const onAbort = jest.fn();
      listenForAbort(controller.signal, onAbort);
      expect(abortListenerCount(controller.signal)).toBe(1);
      controller.abort();
      expect(onAbort).toHaveBeenCalledTimes(1);
      expect(abortListenerCount(controller.signal)).toBe(0);
    });

    it('returns a function that stops listening', () => {
      const controller = new AbortController();
      const onAbort = jest.fn();
      const stopListening = listenForAbort(controller.signal, onAbort);
      stopListening();
      expect(abortListenerCount(controller.signal)).toBe(0);
      controller.abort();
      expect(onAbort).not.toHaveBeenCalled();
    });

    it('keeps the listeners of different waits apart', () => {
      const controller = new AbortController();
      const first = jest.fn();
      const second = jest.fn();
      const stopFirst = listenForAbort(controller.signal, first);
      listenForAbort(controller.signal, second);
      stopFirst();
      controller.abort();
      expect(first).not.toHaveBeenCalled();
      expect(second).toHaveBeenCalledTimes(1);
    });
  });

  describe('checkSignal()', () => {
    it('returns undefined for no signal and the signal itself for an AbortSignal', () => {
      const signal = new AbortController().signal;
      expect(checkSignal(undefined)).toBeUndefined();
      expect(checkSignal(signal)).toBe(signal);
    });

    it.each([null, 1, 'signal', {}])('throws a TypeError naming `signal` for %p', (value) => {
      expect(() => checkSignal(value)).toThrow(new TypeError('Expected `signal` to be an AbortSignal'));
    });

    it('throws that TypeError for a function, even one with an addEventListener property', () => {
      const lookalike = Object.assign(() => undefined, { addEventListener: () => undefined });
      expect(() => checkSignal(lookalike)).toThrow(new TypeError('Expected `signal` to be an AbortSignal'));
    });
  });
});
