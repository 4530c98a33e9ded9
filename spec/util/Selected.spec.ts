import {
  Anycast,
  ChannelClosedError,
  ReceiverError,
  ReceiverStoppedError,
  select,
  Selected,
  selectedFrom,
  Receiver,
} from 'rx-channels';

/** The first item a select() over `receiver` yields, claimed; the loop is left right after it. */
async function firstItem<T>(receiver: Receiver<T>): Promise<Selected<T>> {
  for await (const selected of select(receiver)) {
    selectedFrom(selected, receiver);
    return selected;
  }
  throw new Error('select() yielded nothing');
}

/** Reads `message` past the type, which has none on a stop or a failure: to test that it throws. */
function unguardedMessage(selected: Selected<unknown>): unknown {
  return (selected as unknown as { message: unknown }).message;
}

describe('Selected', () => {
  it('holds a message: message and inner give it, exception is undefined', async () => {
    const channel = new Anycast<number>({ name: 'a' });
    await channel.newSender().send(1);
    const selected = await firstItem(channel.newReceiver());
    expect(selected).toBeInstanceOf(Selected);
    expect(selected instanceof Selected).toBe(true);
    expect(Selected.name).toBe('Selected');
    expect(unguardedMessage(selected)).toBe(1);
    expect(selected.inner).toBe(1);
    expect(selected.exception).toBeUndefined();
    expect(selected.wasStopped).toBe(false);
    expect(String(selected)).toBe('Selected:AnycastReceiver:a');
  });

  it('holds undefined as a message like any other value', async () => {
    const channel = new Anycast<undefined>();
    await channel.newSender().send(undefined);
    const selected = await firstItem(channel.newReceiver());
    expect(selected.wasStopped).toBe(false);
    expect(selected.exception).toBeUndefined();
    expect(unguardedMessage(selected)).toBeUndefined();
  });

  it("holds a receiver's error: message and inner throw it, exception is it", async () => {
    const channel = new Anycast<number>();
    const failing = channel.newReceiver().map((): number => {
      throw new RangeError('bad');
    });
    await channel.newSender().send(1);
    const selected = await firstItem(failing);
    expect(selected.exception).toEqual(new RangeError('bad'));
    expect(selected.wasStopped).toBe(false);
    expect(() => unguardedMessage(selected)).toThrow(RangeError);
    expect(() => selected.inner).toThrow(RangeError);
  });

  it('holds a stop: wasStopped, exception the ReceiverStoppedError, inner undefined, message throws', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    await channel.close();
    const selected = await firstItem(receiver);
    expect(selected.wasStopped).toBe(true);
    expect(selected.exception).toBeInstanceOf(ReceiverStoppedError);
    expect((selected.exception as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
    expect(selected.inner).toBeUndefined();
    expect(() => unguardedMessage(selected)).toThrow(ReceiverStoppedError);
  });

  it('turns a stop that a foreign receiver reports with another error into a ReceiverStoppedError', async () => {
    class Ending extends Receiver<number> {
      ready(): Promise<boolean> {
        return Promise.resolve(false);
      }
      consume(): number {
        throw new Error('gone');
      }
    }
    const receiver = new Ending();
    const selected = await firstItem(receiver);
    expect(selected.wasStopped).toBe(true);
    expect((selected.exception as ReceiverStoppedError).receiver).toBe(receiver);
    expect((selected.exception as ReceiverStoppedError).cause).toEqual(new Error('gone'));
  });

  it('wraps a thrown undefined in a ReceiverError, so that exception is undefined only with a message', async () => {
    const channel = new Anycast<number>({ name: 'u' });
    const failing = channel.newReceiver().map((): number => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
      throw undefined;
    });
    await channel.newSender().send(1);
    const selected = await firstItem(failing);
    expect(selected.wasStopped).toBe(false);
    expect(selected.exception).toBeInstanceOf(ReceiverError);
    expect(selected.exception).not.toBeInstanceOf(ReceiverStoppedError);
    expect((selected.exception as ReceiverError).receiver).toBe(failing);
    expect(() => unguardedMessage(selected)).toThrow(ReceiverError);
  });

  it('narrows on wasStopped then exception, as the types say', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    await channel.newSender().send(41);
    await channel.close();
    const seen: string[] = [];
    for await (const selected of select(receiver)) {
      if (!selectedFrom(selected, receiver)) continue;
      if (selected.wasStopped) seen.push(`stop ${selected.exception.name}`);
      else if (selected.exception !== undefined) seen.push('error');
      else seen.push(`message ${selected.message + 1}`);
    }
    expect(seen).toEqual(['message 42', 'stop ReceiverStoppedError']);
  });
});
