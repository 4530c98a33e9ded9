import { checkSignal } from '../internal/abortable';
import { ASYNC_DISPOSE, defineDisposal, DISPOSE, stopAsync, stopNow } from '../internal/dispose';
import { checkReceivers, FanIn } from '../internal/FanIn';
import { PENDING, STOPPED, type PollState } from '../internal/protocol';
import { PendingWait } from '../internal/wait';
import { checkReceiversByName } from '../internal/validate';
import { warn } from '../logger';
import type { AbortOptions } from '../Receiver';
import type { MessageOf } from './Merge';
import type { NamedReceivers } from './MergeNamed';
import { Selected } from './Selected';

/**
 * Names a receiver of a {@link Select} cannot have, because the Select has methods of that
 * name (and `then`, which would make a Select look like a promise to `await`): a type error and,
 * at run time, a `TypeError`. The members every object inherits (`toString`, `constructor`,
 * `hasOwnProperty`, ...) are refused too, at run time only, since every object type has them.
 *
 * @example
 * ```ts
 * new Select({ ready: receiver }); // type error, and a TypeError at run time
 * ```
 */
export type SelectReservedName = 'ready' | 'get' | 'stop' | 'then';

/**
 * The methods of a {@link Select} over `R`.
 *
 * @example
 * ```ts
 * const methods: SelectMethods<{ a: Receiver<number> }> = new Select({ a: receiver });
 * ```
 */
export interface SelectMethods<R extends NamedReceivers> {
  /**
   * Waits until a receiver has a message, an error or its stop to read; `false` once every
   * receiver has stopped (and its stop was read or dropped) or the Select was stopped. Unread
   * items of the previous round are dropped first when nothing at all was read since it (one
   * warning names their receivers).
   *
   * Cancellation: an aborted call rejects with the signal's reason and takes nothing.
   */
  ready(options?: AbortOptions): Promise<boolean>;
  /**
   * Reads receiver `name`, as `select[name]` does: `undefined` when it has nothing to read,
   * else a {@link Selected} that holds its message (taken now) or its stop.
   *
   * @throws TypeError when no receiver has that name.
   */
  get<K extends keyof R & string>(name: K): Selected<MessageOf<R[K]>> | undefined;
  /**
   * Releases every pending `ready()` (it resolves `false`); takes and closes nothing. It takes
   * effect before it returns; the promise is already resolved (a `Promise` for the Python
   * original's `async stop()`) and waits for nothing.
   */
  stop(): Promise<void>;
  /**
   * `stop()` when a `using` scope ends. Idempotent.
   *
   * @example
   * ```ts
   * {
   *   using select = new Select({ numbers, words });
   *   await select.ready();
   * } // select.stop() runs here; the receivers stay open
   * ```
   */
  [Symbol.dispose](): void;
  /** `stop()` when an `await using` scope ends. Idempotent. */
  [Symbol.asyncDispose](): Promise<void>;
  /** `Select:<names>`. */
  toString(): string;
}

/**
 * One property per receiver name: reading it is `get(name)`.
 *
 * @example
 * ```ts
 * type Props = SelectedByName<{ a: Receiver<number> }>; // { readonly a: Selected<number> | undefined }
 * ```
 */
export type SelectedByName<R extends NamedReceivers> = {
  readonly [K in keyof R]: Selected<MessageOf<R[K]>> | undefined;
};

/**
 * A {@link Select} over the receivers `R`: its methods and one typed property per name.
 *
 * @example
 * ```ts
 * const select: Select<{ a: Receiver<number> }> = new Select({ a: receiver });
 * ```
 */
export type Select<R extends NamedReceivers = NamedReceivers> = SelectMethods<R> & SelectedByName<R>;

/**
 * The constructor of {@link Select}: generic over the receivers, so that each name gets a typed
 * property.
 *
 * @example
 * ```ts
 * const make: SelectConstructor = Select;
 * ```
 */
export interface SelectConstructor {
  /**
   * @param receivers - the receivers by name, at least one.
   * @throws TypeError when `receivers` is empty or holds a non-receiver, or when a name is one of
   * {@link SelectReservedName}; `Partial<Record<SelectReservedName, never>>` makes such a name a type
   * error too.
   */
  new <const R extends NamedReceivers & Partial<Record<SelectReservedName, never>>>(receivers: R): Select<R>;
  /** The methods every Select has. */
  readonly prototype: SelectMethods<NamedReceivers>;
}

const STOP_DONE: Promise<void> = Promise.resolve();

/**
 * Property names that libraries probe on any object (`await` looks up `then`, JSON, Jest and
 * inspectors look up the others): reading them gives `undefined`, not the unknown-name error.
 */
const PROBED = new Set([
  'then',
  'toJSON',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  '@@__IMMUTABLE_ITERABLE__@@',
]);

class SelectImpl<R extends NamedReceivers> implements SelectMethods<R> {
  // #private fields: they are not properties, so they cannot collide with receiver names.
  /** Each receiver's index, by name. */
  readonly #indexOf = new Map<string, number>();
  /** The receivers, waited on together (the one fan-in). */
  readonly #fanIn: FanIn<unknown>;
  /** The receivers that had something to read when `ready()` last resolved `true`. */
  #round: number[] = [];
  /** Whether a read gave an item since that round. */
  #readSinceRound = false;
  /** `stop()`, for `using`; each instance gets it from `defineDisposal()` (lib/internal/dispose.ts). */
  declare readonly [Symbol.dispose]: () => void;
  /** `stop()`, for `await using`; each instance gets it from `defineDisposal()`. */
  declare readonly [Symbol.asyncDispose]: () => Promise<void>;

  constructor(receivers: R) {
    const names = checkNames(this, receivers);
    const entries = names.map((name) => [`receivers.${name}`, receivers[name]] as const);
    this.#fanIn = new FanIn(checkReceivers<unknown>(entries, '`Select`'));
    names.forEach((name, index) => this.#indexOf.set(name, index));
    defineDisposal(this, DISPOSE, stopNow);
    defineDisposal(this, ASYNC_DISPOSE, stopAsync);
    return nameProxy(this, names);
  }

  ready(options?: AbortOptions): Promise<boolean> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    this.#dropUnread();
    return new PendingWait(this.#fanIn, (_fanIn, state) => this.#startRound(state), signal).promise;
  }

  get<K extends keyof R & string>(name: K): Selected<MessageOf<R[K]>> | undefined {
    const index = this.#indexOf.get(name);
    if (index === undefined) {
      throw unknownName(this, name);
    }
    const fanIn = this.#fanIn;
    if (fanIn.stateAt(index) === PENDING) {
      return undefined;
    }
    this.#readSinceRound = true;
    return Selected._take(fanIn, index) as Selected<MessageOf<R[K]>>;
  }

  stop(): Promise<void> {
    this.#fanIn.stop();
    return STOP_DONE;
  }

  toString(): string {
    return `Select:${[...this.#indexOf.keys()].join(',')}`;
  }

  /** `true` and a new round when a receiver has something to read; `false` when over. */
  #startRound(state: PollState): boolean {
    if (state === STOPPED) {
      return false;
    }
    this.#round = this.#fanIn.readyIndices();
    this.#readSinceRound = false;
    return true;
  }

  /**
   * The seed's rule: when nothing at all was read since the last round, its unread items are
   * dropped, so that a loop that reads only some names cannot block on the others forever. A
   * stopped Select drops nothing: `stop()` takes nothing.
   */
  #dropUnread(): void {
    const round = this.#round;
    this.#round = [];
    const fanIn = this.#fanIn;
    if (this.#readSinceRound || round.length === 0 || fanIn.isOver) {
      return;
    }
    const dropped = round.filter((index) => fanIn.stateAt(index) !== PENDING);
    for (const index of dropped) {
      Selected._take(fanIn, index);
    }
    if (dropped.length > 0) {
      const names = [...this.#indexOf.keys()].filter((_, index) => dropped.includes(index));
      warn(
        `${this.toString()}.ready() dropped data from receiver(s): ${names.join(', ')}, because no messages have been fetched since the last call to ready()`,
      );
    }
  }
}

function unknownName(select: SelectImpl<NamedReceivers>, name: string): TypeError {
  const names = String(select).slice('Select:'.length).split(',').join(', ');
  return new TypeError(`${String(select)}: expected \`name\` to be one of ${names}, got ${name}`);
}

/**
 * The Select as users see it: reading a receiver's name is `get(name)`, and reading a name that
 * is neither a receiver's nor a member throws, as `get()` does. Methods are bound to the Select
 * itself, whose #private fields a Proxy cannot reach.
 */
function nameProxy<S extends SelectImpl<NamedReceivers>>(select: S, names: readonly string[]): S {
  const isName = (name: string): boolean => names.includes(name);
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(select, {
    get(target, property) {
      if (typeof property === 'string' && isName(property)) {
        return target.get(property);
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value === 'function') {
        let method = bound.get(property);
        if (method === undefined) {
          method = (value as (...args: unknown[]) => unknown).bind(target);
          bound.set(property, method);
        }
        return method;
      }
      if (value === undefined && typeof property === 'string' && !(property in target) && !PROBED.has(property)) {
        throw unknownName(target, property);
      }
      return value;
    },
    has(target, property) {
      return (typeof property === 'string' && isName(property)) || property in target;
    },
    ownKeys(target) {
      return [...Reflect.ownKeys(target), ...names];
    },
    getOwnPropertyDescriptor(target, property) {
      if (typeof property === 'string' && isName(property)) {
        return { configurable: true, enumerable: true, get: () => target.get(property) };
      }
      return Reflect.getOwnPropertyDescriptor(target, property);
    },
  });
}

/** The receiver names, checked against the Select's own members; validates first. */
function checkNames(select: object, receivers: unknown): string[] {
  checkReceiversByName(receivers);
  const names = Object.keys(receivers);
  const reserved = names.find((name) => name in select || name === 'then');
  if (reserved !== undefined) {
    throw new TypeError(`Expected receiver names not to collide with a member of Select, got \`${reserved}\``);
  }
  return names;
}

/**
 * The seed's `Select`: waits on several named receivers at once; after `await select.ready()`,
 * `select.name` (or `select.get('name')`) reads one of them. {@link select} is the successor API.
 *
 * ## Guarantees
 * - **Reading:** `select.a` is `undefined` when `a` has nothing to read, else a
 *   {@link Selected} whose `inner` is the message (taken from `a` by this read) or `undefined`
 *   when `a` has stopped. A stop is read once; after it `select.a` stays `undefined`.
 * - **Ready:** `ready()` resolves `true` while any receiver is active (or its stop is unread),
 *   `false` after that, or after `stop()`.
 * - **Buffer:** none: a message stays in its receiver until it is read.
 * - **When full:** nothing of its own fills up; an unread receiver keeps its own policy.
 * - **When unread:** when `ready()` is called again and nothing at all was read since the last
 *   round, the unread items of that round are dropped (consumed and discarded) and one warning
 *   names their receivers, as in the seed.
 * - **Closing:** `stop()` releases every pending `ready()` (it resolves `false`); the receivers
 *   are not closed.
 * - **Cancellation:** an aborted `ready()` rejects with the signal's reason and takes nothing.
 * - **Not guaranteed:** fairness between names: the reading code picks the order.
 *
 * @example
 * ```ts
 * const select = new Select({ numbers, words });
 * while (await select.ready()) {
 *   const number = select.numbers;
 *   if (number !== undefined) console.log(number.inner); // number | undefined
 *   const word = select.get('words');
 *   if (word !== undefined) console.log(word.inner); // string | undefined
 * }
 * ```
 */
export const Select: SelectConstructor = SelectImpl as unknown as SelectConstructor;
