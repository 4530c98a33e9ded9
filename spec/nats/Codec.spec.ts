import { jsonCodec } from 'rx-channels/nats';

describe('jsonCodec', () => {
  it('round-trips JSON values', () => {
    for (const value of [1, 'text', null, true, [1, 'a'], { a: { b: [1] } }]) {
      expect(jsonCodec.decode(jsonCodec.encode(value))).toEqual(value);
    }
  });

  it('passes bytes through as a Uint8Array, also empty and from a Buffer or a view', () => {
    for (const bytes of [
      new Uint8Array([0, 1, 255]),
      new Uint8Array(0),
      Buffer.from('hi'),
      new Uint8Array(new ArrayBuffer(8), 2, 3),
    ]) {
      const back = jsonCodec.decode(jsonCodec.encode(bytes));
      expect(back).toBeInstanceOf(Uint8Array);
      expect([...(back as Uint8Array)]).toEqual([...bytes]);
    }
    // A JSON array of numbers stays an array.
    expect(jsonCodec.decode(jsonCodec.encode([0, 1]))).toEqual([0, 1]);
  });

  it('rejects what has no JSON form, and bytes it did not make', () => {
    expect(() => jsonCodec.encode(undefined)).toThrow(TypeError);
    expect(() => jsonCodec.encode(() => 1)).toThrow(TypeError);
    expect(() => jsonCodec.encode(10n)).toThrow(TypeError);
    expect(() => jsonCodec.decode(new Uint8Array([7, 1]))).toThrow(TypeError);
    expect(() => jsonCodec.decode(new Uint8Array(0))).toThrow(TypeError);
  });
});
