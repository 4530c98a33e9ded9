/**
 * Throws a `RangeError` naming the option unless `value` is an integer from `min` up (or, when
 * `allowInfinity`, `Infinity`); a wrong type is a `TypeError`.
 *
 * @internal
 */
export function checkCount(name: string, value: unknown, min: number, allowInfinity: boolean): number {
  checkType(name, value, 'number');
  const isAllowedInfinity = allowInfinity && value === Infinity;
  if (!isAllowedInfinity && !(Number.isInteger(value) && value >= min)) {
    const infinity = allowInfinity ? ', or Infinity' : '';
    throw new RangeError(`Expected \`${name}\` to be an integer from ${min} and up${infinity}, got ${value}`);
  }
  return value;
}

export function checkString(name: string, value: unknown): string {
  checkType(name, value, 'string');
  return value;
}

/**
 * Returns `value` when it is a boolean and `fallback` when it is `undefined`; throws a
 * `TypeError` naming the option otherwise (a `'true'` read from a config file would otherwise be
 * taken silently as `false`).
 *
 * @example
 * ```ts
 * const autoClose = checkBoolean('autoClose', options.autoClose, false);
 * ```
 *
 * @internal
 */
export function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) {
    return fallback;
  }
  checkType(name, value, 'boolean');
  return value;
}

/**
 * Throws a `TypeError` naming the argument unless `value` is a function.
 *
 * @internal
 */
export function checkFunction(name: string, value: unknown): void {
  checkType(name, value, 'function');
}

/** What `typeof` says, and the type it narrows to. */
interface TypeOfNames {
  string: string;
  number: number;
  boolean: boolean;
  function: (...args: never[]) => unknown;
}

/**
 * Throws a `TypeError` naming the argument unless `typeof value` is `type`: the one message of
 * every type check: "Expected `name` to be a <type>, got <typeof>".
 *
 * @internal
 */
export function checkType<K extends keyof TypeOfNames>(
  name: string,
  value: unknown,
  type: K,
): asserts value is TypeOfNames[K] {
  if (typeof value !== type) {
    throw new TypeError(`Expected \`${name}\` to be a ${type}, got ${typeof value}`);
  }
}

/**
 * Throws a `TypeError` naming the argument unless `value` is an options object (or `undefined`).
 * Without it, a positional value ported from the seed, such as `new Anycast(5)` for
 * `Anycast(maxsize=5)` or `new Broadcast('b', true)` for `resend_latest=True`, would be ignored
 * without a word and the defaults used.
 *
 * @internal
 */
export function checkOptions(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`Expected \`${name}\` to be an options object, got ${kindOf(value)}`);
  }
}

/**
 * Throws a `TypeError` unless `value` is an object of receivers by name, the argument of
 * `MergeNamed` and `Select` (the receivers in it are checked where they are used).
 *
 * @internal
 */
export function checkReceiversByName(value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected \`receivers\` to be an object of receivers by name, got ${kindOf(value)}`);
  }
}

/** `typeof value`, but `null` for null. */
function kindOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
