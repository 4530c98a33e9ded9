/**
 * A receiver that watches the internal Pollable protocol of the receiver it wraps, so that specs
 * of the utilities that wait on several receivers (Merge, select(), Select) can see how many
 * wakers are parked on a source: zero means every wait on it was released. It makes no
 * assertions.
 */
import { Receiver, type AbortOptions } from 'rx-channels';

/** The protocol's method names, as every built-in receiver has them (see lib/internal/protocol.ts). */
interface PollableFace {
  _poll(): 0 | 1 | 2;
  _park(waker: { wake(): void }): 0 | 1 | 2;
  _unpark(waker: { wake(): void }): void;
}

/** The protocol's brand and version (lib/internal/protocol.ts). */
const POLLABLE = Symbol.for('rx-channels.pollable');

/** Wraps a built-in receiver; `parked` counts the wakers parked through it and not yet called or taken back. */
export class ProbeReceiver<T> extends Receiver<T> {
  /** Each waker parked through this probe, mapped to the wrapper parked on the inner receiver. */
  private readonly wakers = new Map<{ wake(): void }, { wake(): void }>();
  /** How many times `consume()` was called. */
  consumed = 0;

  constructor(readonly inner: Receiver<T>) {
    super();
  }

  /** Wakers parked now. */
  get parked(): number {
    return this.wakers.size;
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return this.inner.ready(options);
  }

  consume(): T {
    this.consumed++;
    return this.inner.consume();
  }

  override toString(): string {
    return `Probe:${String(this.inner)}`;
  }

  override _poll(): 0 | 1 | 2 {
    return this.face()._poll();
  }

  override _park(waker: { wake(): void }): 0 | 1 | 2 {
    const wrapper = {
      wake: (): void => {
        this.wakers.delete(waker);
        waker.wake();
      },
    };
    this.wakers.set(waker, wrapper);
    const state = this.face()._park(wrapper);
    if (state !== 0) {
      // Not parked: the protocol's park is atomic, and answers instead of registering.
      this.wakers.delete(waker);
    }
    return state;
  }

  override _unpark(waker: { wake(): void }): void {
    const wrapper = this.wakers.get(waker);
    if (wrapper !== undefined) {
      this.wakers.delete(waker);
      this.face()._unpark(wrapper);
    }
  }

  get [POLLABLE](): unknown {
    return (this.inner as unknown as Record<symbol, unknown>)[POLLABLE];
  }

  private face(): PollableFace {
    return this.inner;
  }
}
