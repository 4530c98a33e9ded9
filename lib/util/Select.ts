import { checkSignal, listenForAbort } from '../internal/abortable';
import type { AnyWaker } from '../internal/AnyWaker';
import { PENDING } from '../internal/readiness';
import { checkReceivers, SourceSet } from '../internal/SourceSet';
import { warn } from '../logger';
import type { AbortOptions, Receiver } from '../Receiver';
import type { MessageOf } from './Merge';
import { Selected } from './Selected';

/**
 * The receivers of a {@link Select}, by name.
 *
 * @example
 * ```ts
 * const receivers = { numbers: numbers.newReceiver(), words: words.newReceiver() } satisfies SelectReceivers;
 * ```
 */
export type SelectReceivers = { readonly [name: string]: Receiver<unknown> };

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
export interface SelectMethods<R extends SelectReceivers> {
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
  /** Releases every pending `ready()` (it resolves `false`); takes and closes nothing. */
  stop(): Promise<void>;
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
export type SelectedByName<R extends SelectReceivers> = {
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
export type Select<R extends SelectReceivers = SelectReceivers> = SelectMethods<R> & SelectedByName<R>;

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
  new <const R extends SelectReceivers & Partial<Record<SelectReservedName, never>>>(receivers: R): Select<R>;
  /** The methods every Select has. */
  readonly prototype: SelectMethods<SelectReceivers>;
}

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
const STOP_DONE: Promise<void> = Promise.resolve();

/** A pending `ready()`: parked on every active receiver, settled by a wake, an abort or `stop()`. */
interface ReadyWait {
  fanIn: AnyWaker;
  readonly resolve: (ready: boolean) => void;
  readonly reject: (reason: unknown) => void;
  stopListening: (() => void) | undefined;
}

class SelectImpl<R extends SelectReceivers> implements SelectMethods<R> {
  // #private fields: they are not properties, so they cannot collide with receiver names.
  /** Each receiver's index, by name. */
  readonly #indexOf = new Map<string, number>();
  readonly #sources: SourceSet<unknown>;
  /** The receivers that had something to read when `ready()` last resolved `true`. */
  #round: number[] = [];
  /** Whether a read gave an item since that round. */
  #readSinceRound = false;
  /** Set once by `stop()`; never unset. */
  #stopped = false;
  /** The pending `ready()` calls, which `stop()` releases. */
  readonly #waits = new Set<ReadyWait>();

  constructor(receivers: R) {
    const names = checkNames(this, receivers);
    const entries = names.map((name) => [`receivers.${name}`, receivers[name]] as const);
    this.#sources = new SourceSet(checkReceivers<unknown>(entries, '`Select`'));
    names.forEach((name, index) => {
      this.#indexOf.set(name, index);
      Object.defineProperty(this, name, { get: () => this.get(name), enumerable: true });
    });
  }

  ready(options?: AbortOptions): Promise<boolean> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    this.#dropUnread();
    const ready = this.#check();
    if (ready !== undefined) {
      return ready ? TRUE : FALSE;
    }
    return new Promise<boolean>((resolve, reject) => this.#wait(resolve, reject, signal));
  }

  get<K extends keyof R & string>(name: K): Selected<MessageOf<R[K]>> | undefined {
    const index = this.#indexOf.get(name);
    if (index === undefined) {
      throw new TypeError(
        `Expected \`name\` to be one of ${[...this.#indexOf.keys()].join(', ')}, got ${String(name)}`,
      );
    }
    const sources = this.#sources;
    if (this.#stopped || sources.isFinished(index) || sources.stateAt(index) === PENDING) {
      return undefined;
    }
    this.#readSinceRound = true;
    return Selected._take(sources, index) as Selected<MessageOf<R[K]>>;
  }

  stop(): Promise<void> {
    this.#stopped = true;
    const waits = [...this.#waits];
    this.#waits.clear();
    for (const wait of waits) {
      this.#settle(wait);
      wait.resolve(false);
    }
    return STOP_DONE;
  }

  toString(): string {
    return `Select:${[...this.#indexOf.keys()].join(',')}`;
  }

  /**
   * The seed's rule: when nothing at all was read since the last round, its unread items are
   * dropped, so that a loop that reads only some names cannot block on the others forever.
   */
  #dropUnread(): void {
    const round = this.#round;
    this.#round = [];
    if (this.#readSinceRound || round.length === 0) {
      return;
    }
    const sources = this.#sources;
    const dropped = round.filter((index) => !sources.isFinished(index) && sources.stateAt(index) !== PENDING);
    for (const index of dropped) {
      Selected._take(sources, index);
    }
    if (dropped.length > 0) {
      const names = [...this.#indexOf.keys()].filter((_, index) => dropped.includes(index));
      warn(
        `${this.toString()}.ready() dropped data from receiver(s): ${names.join(', ')}, because no messages have been fetched since the last call to ready()`,
      );
    }
  }

  /** `true` and a new round when a receiver has something to read; `false` when over; else `undefined`. */
  #check(): boolean | undefined {
    if (this.#stopped) {
      return false;
    }
    const round = this.#sources.readyIndices();
    if (round.length > 0) {
      this.#round = round;
      this.#readSinceRound = false;
      return true;
    }
    return this.#sources.allFinished ? false : undefined;
  }

  #wait(resolve: (ready: boolean) => void, reject: (reason: unknown) => void, signal: AbortSignal | undefined): void {
    const wait: ReadyWait = { fanIn: this.#park(() => this.#woken(wait)), resolve, reject, stopListening: undefined };
    this.#waits.add(wait);
    if (signal !== undefined) {
      wait.stopListening = listenForAbort(signal, () => {
        this.#waits.delete(wait);
        this.#settle(wait);
        reject(signal.reason);
      });
    }
  }

  #woken(wait: ReadyWait): void {
    const ready = this.#check();
    if (ready === undefined) {
      wait.fanIn = this.#park(() => this.#woken(wait));
      return;
    }
    this.#waits.delete(wait);
    this.#settle(wait);
    wait.resolve(ready);
  }

  #park(onWake: () => void): AnyWaker {
    return this.#sources.parkOnActive({ wake: onWake });
  }

  /** Takes the wait's waker back from every receiver and stops listening to its signal. */
  #settle(wait: ReadyWait): void {
    wait.fanIn.cancel();
    wait.stopListening?.();
  }
}

/** The receiver names, checked against the Select's own members; validates first. */
function checkNames(select: object, receivers: unknown): string[] {
  if (typeof receivers !== 'object' || receivers === null) {
    throw new TypeError(
      `Expected \`receivers\` to be an object of receivers by name, got ${receivers === null ? 'null' : typeof receivers}`,
    );
  }
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
