/**
 * The well-known symbols of explicit resource management (`using`, `await using`), in the one
 * place the library reads them.
 *
 * `Symbol.dispose` and `Symbol.asyncDispose` are recent: Node.js 20 has them (its own symbols),
 * older browsers do not. Where the runtime lacks one, the library uses the registry symbol
 * `Symbol.for('Symbol.dispose')` (`'Symbol.asyncDispose'`), which is what core-js installs as
 * `Symbol.dispose` when it polyfills it; TypeScript's downlevel `using` reads the global
 * `Symbol.dispose`, so a program that runs `using` on such a runtime needs that polyfill loaded
 * before this library. A polyfill that installs a symbol of its own (`Symbol('Symbol.dispose')`)
 * is not recognised.
 *
 * The global declarations below are the ones `@types/node` ships (its `compatibility/disposable.d.ts`):
 * they give `Symbol.dispose`, `Disposable` and `AsyncDisposable` to a program whose `lib` lacks
 * `esnext.disposable` and that has no `@types/node`, so the classes' `[Symbol.dispose]` members
 * type-check there (`scripts/check-consumer-types.mjs` checks it against the built `.d.ts`).
 * They merge with TypeScript's own declarations where those exist.
 *
 * @packageDocumentation
 */

declare global {
  interface SymbolConstructor {
    /** The method that `using` calls when the scope ends. */
    readonly dispose: unique symbol;
    /** The method that `await using` calls (and awaits) when the scope ends. */
    readonly asyncDispose: unique symbol;
  }
  /** An object that `using` can release. */
  interface Disposable {
    [Symbol.dispose](): void;
  }
  /** An object that `await using` can release. */
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
}

/** The runtime's `Symbol` as it may be: without the well-known symbols of resource management. */
const symbols = Symbol as { readonly dispose?: symbol; readonly asyncDispose?: symbol };

/**
 * `Symbol.dispose`, or the registry symbol a polyfill would install: the key of the classes'
 * `using` methods. Those methods are `@internal`; each class declares the public
 * `[Symbol.dispose]()` in an interface merged with it, so that the declarations name the
 * well-known symbol, not this constant.
 *
 * @internal
 */
export const DISPOSE: typeof Symbol.dispose = (symbols.dispose ??
  Symbol.for('Symbol.dispose')) as typeof Symbol.dispose;

/** `Symbol.asyncDispose`, or the registry symbol a polyfill would install (see {@link DISPOSE}). @internal */
export const ASYNC_DISPOSE: typeof Symbol.asyncDispose = (symbols.asyncDispose ??
  Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;

/**
 * Gives `instance` the disposal method `method` under `key`, non-enumerable as a class method
 * would be; every instance shares `method`. Per instance, not a `[KEY]()` class method: esbuild
 * keeps in a bundle every class with a computed key it cannot prove to be a symbol, so a class
 * method would pull every channel into every bundle (`npm run size` checks it). `Receiver`, which
 * every channel needs anyway, has a class method.
 *
 * @internal
 */
export function defineDisposal(instance: object, key: symbol, method: (this: never) => unknown): void {
  Object.defineProperty(instance, key, { value: method, writable: true, configurable: true });
}

/** `[Symbol.asyncDispose]()` of the channels: `close()`. @internal */
export function closeAsync(this: { close(): Promise<void> }): Promise<void> {
  return this.close();
}

/** `[Symbol.asyncDispose]()` of Merge, FileWatcher and Select: `stop()`. @internal */
export function stopAsync(this: { stop(): Promise<void> }): Promise<void> {
  return this.stop();
}

/** `[Symbol.dispose]()` of Select: `stop()`, whose promise is already resolved. @internal */
export function stopNow(this: { stop(): Promise<void> }): void {
  void this.stop();
}
