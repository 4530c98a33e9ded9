/** What {@link makeNextTurn} needs from the global object; each member may be missing. */
export interface TurnHost {
  readonly setImmediate?: ((callback: () => void) => unknown) | undefined;
  readonly MessageChannel?: (new () => MessageChannel) | undefined;
  readonly setTimeout: (callback: () => void, delay: number) => unknown;
}

/**
 * Builds the function that waits one macrotask turn: every pending promise callback (and the ones
 * they queue) runs before it resolves. It uses `setImmediate` where there is one (Node), else a
 * `MessageChannel` (browsers, workers), else `setTimeout(0)`. The host's functions are read once,
 * here: capturing them when the module loads keeps the real `setImmediate` even after a test
 * installs fake timers.
 *
 * @internal
 */
export function makeNextTurn(host: TurnHost): () => Promise<void> {
  const { setImmediate, MessageChannel, setTimeout } = host;
  if (typeof setImmediate === 'function') {
    return () => new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    return () => viaMessageChannel(MessageChannel);
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0));
}

function viaMessageChannel(Channel: new () => MessageChannel): Promise<void> {
  const channel = new Channel();
  return new Promise((resolve) => {
    channel.port1.onmessage = () => {
      // An open port keeps a Node process alive: close both ends once the turn has come.
      channel.port1.close();
      channel.port2.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/**
 * Waits one macrotask turn with the functions the global object had when this module loaded.
 *
 * @internal
 */
export const nextTurn: () => Promise<void> = makeNextTurn({
  setImmediate: typeof globalThis.setImmediate === 'function' ? globalThis.setImmediate.bind(globalThis) : undefined,
  MessageChannel: typeof globalThis.MessageChannel === 'function' ? globalThis.MessageChannel : undefined,
  setTimeout: globalThis.setTimeout.bind(globalThis),
});
