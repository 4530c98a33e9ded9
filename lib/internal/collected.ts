/** What to do with something a receiver held when the receiver is garbage-collected. @internal */
export interface Releasable {
  /** Gives back what is held (a reserved message to its channel); idempotent. */
  release(): void;
}

/**
 * One registry for the whole library: a receiver collected without `close()` releases what it
 * held, as `close()` would. The releasable must not reference its receiver, or the receiver
 * could never be collected.
 */
const registry = new FinalizationRegistry<Releasable>((releasable) => releasable.release());

/** @internal */
export function releaseWhenCollected(owner: object, releasable: Releasable): void {
  registry.register(owner, releasable, releasable);
}

/** @internal */
export function forgetWhenCollected(releasable: Releasable): void {
  registry.unregister(releasable);
}
