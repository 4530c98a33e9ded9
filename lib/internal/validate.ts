/**
 * Throws a `RangeError` naming the option unless `value` is a positive integer (or, when
 * `allowInfinity`, `Infinity`). Fractions, `NaN`, zero and negatives are refused; a wrong type is
 * a `TypeError`.
 *
 * @internal
 */
export function checkPositiveInteger(name: string, value: unknown, allowInfinity = false): number {
  if (typeof value !== 'number') {
    throw new TypeError(`Expected \`${name}\` to be a number, got ${typeof value}`);
  }
  const isAllowedInfinity = allowInfinity && value === Infinity;
  if (!isAllowedInfinity && !(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`Expected \`${name}\` to be an integer from 1 and up, got ${value}`);
  }
  return value;
}

/**
 * Throws a `TypeError` naming the argument unless `value` is a string.
 *
 * @internal
 */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`Expected \`${name}\` to be a string, got ${typeof value}`);
  }
  return value;
}

/**
 * Throws a `TypeError` naming the argument unless `value` is a function.
 *
 * @internal
 */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new TypeError(`Expected \`${name}\` to be a function, got ${typeof value}`);
  }
}
