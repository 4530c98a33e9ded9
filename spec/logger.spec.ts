import { config } from 'rxjs';
import { setLogger, type ChannelsLogger } from 'rx-channels';
import { warn } from '../lib/logger';

describe('logger', () => {
  afterEach(() => {
    setLogger(undefined);
    jest.restoreAllMocks();
  });

  it('warns through console.warn by default', () => {
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    warn('careful');
    expect(consoleWarn).toHaveBeenCalledWith('careful');
  });

  it('setLogger() replaces the logger the library warns through', () => {
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const messages: string[] = [];
    const logger: ChannelsLogger = { warn: (message) => messages.push(message) };
    setLogger(logger);
    warn('careful');
    expect(messages).toEqual(['careful']);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it('setLogger(undefined) restores the default', () => {
    const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    setLogger({ warn: () => undefined });
    setLogger(undefined);
    warn('careful');
    expect(consoleWarn).toHaveBeenCalledWith('careful');
  });

  it('refuses a logger without a warn() method with a TypeError, keeping the current one', () => {
    const messages: string[] = [];
    setLogger({ warn: (message) => messages.push(message) });
    expect(() => setLogger({} as ChannelsLogger)).toThrow(
      new TypeError('Expected `logger` to have a `warn(message)` method'),
    );
    warn('still here');
    expect(messages).toEqual(['still here']);
  });

  it('a logger that throws never throws out of warn(): its error is reported as RxJS reports one', () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const error = new Error('logger');
      setLogger({
        warn: () => {
          throw error;
        },
      });
      expect(() => warn('careful')).not.toThrow();
      expect(reported).toEqual([error]);
    } finally {
      config.onUnhandledError = null;
    }
  });
});
