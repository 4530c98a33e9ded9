import { checkCount, checkBoolean, checkFunction, checkOptions, checkString } from '../../lib/internal/validate';

describe('validate', () => {
  describe('checkCount() from 1', () => {
    it('returns a positive integer as it is', () => {
      expect(checkCount('maxsize', 1, 1, false)).toBe(1);
      expect(checkCount('maxsize', 1000, 1, false)).toBe(1000);
    });

    it.each([0, -1, 1.5, NaN, -Infinity])('throws a RangeError naming the option for %p', (value) => {
      expect(() => checkCount('maxsize', value, 1, false)).toThrow(RangeError);
      expect(() => checkCount('maxsize', value, 1, false)).toThrow('`maxsize`');
    });

    it('refuses Infinity unless allowed', () => {
      expect(() => checkCount('maxsize', Infinity, 1, false)).toThrow(RangeError);
      expect(checkCount('maxsize', Infinity, 1, true)).toBe(Infinity);
    });

    it.each(['3', undefined, null, 3n])('throws a TypeError naming the option for %p', (value) => {
      expect(() => checkCount('maxsize', value, 1, false)).toThrow(TypeError);
      expect(() => checkCount('maxsize', value, 1, false)).toThrow('`maxsize`');
    });
  });

  describe('checkString()', () => {
    it('returns a string as it is, the empty one included', () => {
      expect(checkString('name', 'x')).toBe('x');
      expect(checkString('name', '')).toBe('');
    });

    it.each([1, undefined, null, {}])('throws a TypeError naming the argument for %p', (value) => {
      expect(() => checkString('name', value)).toThrow(
        new TypeError(`Expected \`name\` to be a string, got ${typeof value}`),
      );
    });
  });

  describe('checkBoolean()', () => {
    it('returns a boolean as it is, and the fallback for undefined', () => {
      expect(checkBoolean('autoClose', true, false)).toBe(true);
      expect(checkBoolean('autoClose', false, true)).toBe(false);
      expect(checkBoolean('autoClose', undefined, false)).toBe(false);
      expect(checkBoolean('autoClose', undefined, true)).toBe(true);
    });

    it.each(['true', 1, 0, null, {}])('throws a TypeError naming the option for %p', (value) => {
      expect(() => checkBoolean('autoClose', value, false)).toThrow(
        new TypeError(`Expected \`autoClose\` to be a boolean, got ${typeof value}`),
      );
    });
  });

  describe('checkFunction()', () => {
    it('accepts a function', () => {
      expect(() => checkFunction('fn', () => 1)).not.toThrow();
    });

    it.each([1, 'f', undefined, {}])('throws a TypeError naming the argument for %p', (value) => {
      expect(() => checkFunction('fn', value)).toThrow(
        new TypeError(`Expected \`fn\` to be a function, got ${typeof value}`),
      );
    });
  });

  describe('checkOptions()', () => {
    it('accepts an object or undefined', () => {
      expect(() => checkOptions('options', {})).not.toThrow();
      expect(() => checkOptions('options', undefined)).not.toThrow();
    });

    it.each([
      [5, 'number'],
      [true, 'boolean'],
      ['x', 'string'],
      [null, 'null'],
    ])('throws a TypeError naming the argument for %p', (value, kind) => {
      expect(() => checkOptions('options', value)).toThrow(
        new TypeError(`Expected \`options\` to be an options object, got ${kind}`),
      );
    });
  });
});
