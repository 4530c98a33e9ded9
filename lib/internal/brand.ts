/**
 * Brands: `instanceof` that works across copies of the package.
 *
 * Bundlers and Jest can load both the CommonJS and the ESM build (or two versions) in one
 * program. Each copy has its own classes, so an error thrown by one copy is not an instance, by
 * prototype chain, of the other copy's class. A brand is a registry symbol,
 * `Symbol.for('rx-channels.<name>')`, that is the same in every copy: {@link brand} sets it to
 * `true` on the class's prototype, so every instance of the class or of a subclass carries it
 * (prototypes inherit it), and gives the class a static `Symbol.hasInstance` that checks it.
 *
 * @packageDocumentation
 */

/** Own static property of a branded class: its brand name. @internal */
const BRAND = Symbol.for('rx-channels.brand');

/** Any class, abstract or not. @internal */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters vary
export type AnyClass = abstract new (...args: any[]) => object;

/**
 * The name `klass` was branded with, or `undefined` when {@link brand} was not called on `klass`
 * itself (a subclass written outside the library). Unlike `klass.name`, it survives minifiers
 * that rename classes.
 *
 * @internal
 */
export function brandOf(klass: AnyClass): string | undefined {
  return Object.hasOwn(klass, BRAND) ? (klass as unknown as Record<symbol, string>)[BRAND] : undefined;
}

/**
 * `instanceof` for branded classes, installed by {@link brand} as the static `Symbol.hasInstance`
 * and inherited by subclasses: `this` is the class on the right of `instanceof`. True when
 * `instance` is an instance by prototype chain (the ordinary rule, which also covers subclasses
 * written outside the library), or when `this` has its own brand and `instance` carries it (an
 * instance of this class or of a subclass made by another copy of the package). A subclass
 * without a brand of its own uses the ordinary rule only, so an instance of its parent is not
 * one of it.
 *
 * @internal
 */
export function hasInstance(this: AnyClass, instance: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(this, instance)) {
    return true;
  }
  const name = brandOf(this);
  // A primitive carries no brand (its wrapper's prototype has none); `?.` covers null and undefined.
  return name !== undefined && (instance as Record<symbol, unknown> | null | undefined)?.[symbolOf(name)] === true;
}

/**
 * Brands `klass` as `rx-channels.<name>`: instances of it or of its subclasses, from any copy
 * of the package, are `instanceof` it (see {@link hasInstance}). Call it once per class, with a
 * name that no other class uses and that never changes (the name, not the class, is what the
 * copies agree on), e.g. from a static block: `static { brand(this, 'SenderError'); }`.
 *
 * @returns `klass`
 * @internal
 */
export function brand<C extends AnyClass>(klass: C, name: string): C {
  Object.defineProperty(klass.prototype, symbolOf(name), { value: true });
  Object.defineProperty(klass, BRAND, { value: name });
  Object.defineProperty(klass, Symbol.hasInstance, { value: hasInstance });
  return klass;
}

/**
 * Makes the instances of a class (`prototype`) carry the brand `name` of another class as well: a
 * `BidirectionalHandle` extends `Receiver` and is a `Sender` too.
 *
 * @internal
 */
export function carryBrand(prototype: object, name: string): void {
  Object.defineProperty(prototype, symbolOf(name), { value: true });
}

/** The registry symbol every copy of the package uses for the brand `name`. */
function symbolOf(name: string): symbol {
  return Symbol.for(`rx-channels.${name}`);
}
