/**
 * How a NATS channel turns its messages into bytes and back: a pluggable pair of functions. Our
 * own addition; NATS itself carries bytes only.
 *
 * ## Guarantees
 * - **Ordering / buffering:** none of its own; it runs once per message, in `send()` (`encode`)
 *   and in the receiver's `consume()` (`decode`).
 * - **When it throws:** an `encode` error rejects that `send()` and nothing is published; a
 *   `decode` error is thrown by `consume()` and the message is terminated on the server (never
 *   redelivered), since no retry can decode it.
 * - **Not guaranteed:** that `decode(encode(value))` equals `value`: that is the codec's contract.
 *
 * @example
 * ```ts
 * const text: Codec<string> = {
 *   encode: (value) => new TextEncoder().encode(value),
 *   decode: (bytes) => new TextDecoder().decode(bytes),
 * };
 * const jobs = await NatsAnycast.open<string>(connection, { name: 'jobs', codec: text });
 * ```
 */
export interface Codec<T> {
  /** The bytes published for `value`. */
  encode(value: T): Uint8Array;
  /** The value a receiver gets for `bytes`. */
  decode(bytes: Uint8Array): T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const BYTES = 0x00;
const JSON_TEXT = 0x01;

/**
 * The default codec: a `Uint8Array` passes through as it is; any other value is JSON. One tag
 * byte in front tells the two apart, so a receiver gets a `Uint8Array` back as a `Uint8Array`.
 *
 * ## Guarantees
 * - **Bytes:** a `Uint8Array` (not a subclass such as Node's `Buffer`, which decodes as a plain
 *   `Uint8Array`) is carried byte for byte.
 * - **JSON:** what `JSON.stringify` keeps (no `undefined` at top level: it throws a `TypeError`,
 *   as `undefined` has no JSON form; no functions, `Map`, `Set`, `Date` objects come back as strings).
 *
 * @example
 * ```ts
 * const bytes = jsonCodec.encode({ id: 1 });
 * console.log(jsonCodec.decode(bytes)); // Logs: { id: 1 }
 * ```
 */
export const jsonCodec: Codec<unknown> = {
  encode(value: unknown): Uint8Array {
    if (value instanceof Uint8Array) {
      const bytes = new Uint8Array(value.length + 1);
      bytes[0] = BYTES;
      bytes.set(value, 1);
      return bytes;
    }
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) {
      throw new TypeError(`The default NATS codec cannot encode ${typeof value} (it has no JSON form)`);
    }
    const body = encoder.encode(text);
    const bytes = new Uint8Array(body.length + 1);
    bytes[0] = JSON_TEXT;
    bytes.set(body, 1);
    return bytes;
  },
  decode(bytes: Uint8Array): unknown {
    const tag = bytes[0];
    if (tag === BYTES) {
      return bytes.slice(1);
    }
    if (tag === JSON_TEXT) {
      return JSON.parse(decoder.decode(bytes.subarray(1))) as unknown;
    }
    throw new TypeError('The default NATS codec cannot decode these bytes (no tag byte of its own)');
  },
};
