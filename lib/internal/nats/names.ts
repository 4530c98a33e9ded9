/**
 * The JetStream names of a channel: stream `RXC_<name>`, subject `rxc.<name>`, the Anycast's
 * durable consumer `rxc`. Our own convention.
 *
 * @internal
 */

const NAME = /^[A-Za-z0-9_-]{1,200}$/;

/** The names on the server of the channel `name`. @internal */
export interface ChannelNames {
  readonly name: string;
  readonly stream: string;
  readonly subject: string;
  readonly durable: string;
}

/**
 * Checks `name` (letters, digits, `-`, `_`: what a stream name and a subject token both allow)
 * and returns the server-side names.
 *
 * @internal
 */
export function channelNames(kind: string, name: unknown): ChannelNames {
  if (typeof name !== 'string') {
    throw new TypeError(`${kind}.open(): options.name must be a string, got ${typeof name}`);
  }
  if (!NAME.test(name)) {
    throw new RangeError(
      `${kind}.open(): options.name must be 1 to 200 letters, digits, '-' or '_' (it names a JetStream stream), got ${JSON.stringify(name)}`,
    );
  }
  return { name, stream: `RXC_${name}`, subject: `rxc.${name}`, durable: 'rxc' };
}

/** A message id unique across processes: a random prefix per sender and a counter. @internal */
export function newIdPrefix(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let text = '';
  for (const byte of bytes) {
    text += byte.toString(16).padStart(2, '0');
  }
  return text;
}
