import { makeNextTurn, nextTurn } from '../../lib/testing/nextTurn';

/** A chain of `depth` promise callbacks; resolves to whether all of them ran. */
function chainOf(depth: number): { readonly done: () => boolean } {
  let ran = 0;
  let promise = Promise.resolve();
  for (let link = 0; link < depth; link++) {
    promise = promise.then(() => {
      ran++;
    });
  }
  return { done: () => ran === depth };
}

const realSetTimeout = globalThis.setTimeout.bind(globalThis);

describe('makeNextTurn()', () => {
  it('uses setImmediate where there is one', async () => {
    const setImmediate = jest.fn((callback: () => void) => realSetTimeout(callback, 0));
    const turn = makeNextTurn({ setImmediate, MessageChannel, setTimeout: realSetTimeout });
    await turn();
    expect(setImmediate).toHaveBeenCalledTimes(1);
  });

  it('falls back to a MessageChannel, closing its ports', async () => {
    const channels: MessageChannel[] = [];
    class RecordingChannel extends MessageChannel {
      constructor() {
        super();
        channels.push(this);
      }
    }
    const setTimeout = jest.fn(realSetTimeout);
    const chain = chainOf(50);
    await makeNextTurn({ MessageChannel: RecordingChannel, setTimeout })();
    expect(chain.done()).toBe(true);
    expect(channels).toHaveLength(1);
    expect(setTimeout).not.toHaveBeenCalled();
  });

  it('falls back to setTimeout(0) without either', async () => {
    const setTimeout = jest.fn(realSetTimeout);
    const chain = chainOf(50);
    await makeNextTurn({ setTimeout })();
    expect(chain.done()).toBe(true);
    expect(setTimeout).toHaveBeenCalledWith(expect.any(Function), 0);
  });
});

describe('nextTurn()', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('resolves after every queued promise callback has run', async () => {
    const chain = chainOf(1000);
    await nextTurn();
    expect(chain.done()).toBe(true);
  });

  it('keeps working under Jest fake timers, with the setImmediate captured at load', async () => {
    jest.useFakeTimers();
    const chain = chainOf(10);
    await nextTurn();
    expect(chain.done()).toBe(true);
  });
});
