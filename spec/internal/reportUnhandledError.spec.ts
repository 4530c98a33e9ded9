import { config } from 'rxjs';
import { reportUnhandledError } from '../../lib/internal/reportUnhandledError';

describe('reportUnhandledError', () => {
  afterEach(() => {
    config.onUnhandledError = null;
  });

  it('hands the error to config.onUnhandledError when set, at once', () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    const error = new Error('boom');
    reportUnhandledError(error);
    expect(reported).toEqual([error]);
  });

  it('otherwise throws it from a timer, never from the call', () => {
    jest.useFakeTimers();
    try {
      const error = new Error('boom');
      expect(() => reportUnhandledError(error)).not.toThrow();
      expect(() => jest.runOnlyPendingTimers()).toThrow(error);
    } finally {
      jest.useRealTimers();
    }
  });
});
