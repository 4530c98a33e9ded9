import { checkSignal } from '../internal/abortable';
import { readyOf } from '../internal/wait';
import { PROTOCOL_VERSION } from '../internal/protocol';
import { Receiver, type AbortOptions } from '../Receiver';
import { resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ReceiverError, ReceiverStoppedError } from '../errors';
import { Deque } from '../internal/Deque';
import { ASYNC_DISPOSE, defineDisposal, stopAsync } from '../internal/dispose';
import { PENDING, READY, STOPPED, type PollState } from '../internal/protocol';

/** The kinds of change a {@link FileWatcher} reports. */
export type FileWatcherEventType = 'create' | 'modify' | 'delete';

/** One change to a watched file. */
export interface FileWatcherEvent {
  /** What happened to the file. */
  readonly type: FileWatcherEventType;
  /** The file's absolute path. */
  readonly path: string;
}

/** Options of {@link FileWatcher}. */
export interface FileWatcherOptions {
  /**
   * The files and directories to watch (directories recursively). Relative paths are resolved
   * against the current directory. At least one non-empty string.
   */
  readonly paths: readonly string[];
  /**
   * The kinds of change to report; the others are ignored. At least one.
   * @defaultValue all of `'create'`, `'modify'` and `'delete'`
   */
  readonly eventTypes?: Iterable<FileWatcherEventType> | undefined;
}

const EVENT_TYPE = {
  /** A file appeared. */
  CREATE: 'create',
  /** A file's content changed. */
  MODIFY: 'modify',
  /** A file was removed. */
  DELETE: 'delete',
} as const;
const ALL_TYPES: ReadonlySet<FileWatcherEventType> = new Set(Object.values(EVENT_TYPE));
/** chokidar's file events, by our name for them; directory events (addDir, unlinkDir) are not listened to. */
const CHOKIDAR_EVENTS = [
  ['add', EVENT_TYPE.CREATE],
  ['change', EVENT_TYPE.MODIFY],
  ['unlink', EVENT_TYPE.DELETE],
] as const;

/** A queued item: a change, or an error chokidar reported. */
type Item = FileWatcherEvent | { readonly error: Error };

let watcherCount = 0;

/** The `await using` face of {@link FileWatcher}, merged into the class (`using` calls `close()`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- declares the method each instance gets under ASYNC_DISPOSE (lib/internal/dispose.ts)
export interface FileWatcher {
  /**
   * Stops the watcher when an `await using` scope ends: the same as {@link FileWatcher.stop}.
   * Idempotent.
   *
   * @example
   * ```ts
   * {
   *   await using watcher = new FileWatcher({ paths: ['config.json'] });
   *   console.log(await watcher.receive());
   * } // await watcher.stop() runs here: chokidar's handles are released
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A receiver of the changes to files under the given paths (Node only; import it from
 * `rx-channels/file-watcher`). It watches through chokidar from construction on; `started`
 * resolves once the initial scan is done and changes are being reported.
 *
 * ## Guarantees
 * - **Ordering:** events in the order chokidar reports them. Only files are reported, never
 *   directories; `path` is absolute. Files present before `started` resolved are not reported.
 * - **Buffer:** unbounded: events wait in the receiver until consumed (the file system cannot
 *   be made to wait).
 * - **When full:** never full; stop the watcher when you no longer read it.
 * - **Closing:** `stop()` (or `close()`) takes effect at once: a pending `ready()` resolves
 *   `false`, subscribers complete, buffered events are dropped, and `consume()` throws
 *   `ReceiverStoppedError`; the promise it returns resolves once chokidar has released
 *   every file handle.
 * - **Errors:** an error chokidar reports is queued in order; `consume()` throws it as a
 *   `ReceiverError` whose `cause` is that error, and the watcher goes on watching.
 * - **Cancellation:** an aborted `ready()`/`receive()` takes nothing.
 * - **Not guaranteed:** one event per write: the file system may report a write as several
 *   changes, and a quick delete-and-recreate (an editor's atomic save) as one `modify`.
 *
 * @example
 * ```ts
 * import { FileWatcher } from 'rx-channels/file-watcher';
 *
 * const watcher = new FileWatcher({ paths: ['./config'], eventTypes: ['create', 'modify'] });
 * await watcher.started;
 * for await (const event of watcher) {
 *   console.log(event.type, event.path); // Logs: modify /app/config/app.json
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class FileWatcher extends Receiver<FileWatcherEvent> {
  /** The event type names: `FileWatcher.EventType.CREATE`, `.MODIFY` and `.DELETE`. */
  static readonly EventType = EVENT_TYPE;

  /**
   * Resolves once the watcher has scanned the paths and reports changes, or once it was
   * stopped before that. It never rejects: a failure to watch is consumed as an error.
   */
  readonly started: Promise<void>;
  /** The kinds of change reported. */
  readonly eventTypes: ReadonlySet<FileWatcherEventType>;
  /** The name used in `toString()`. */
  private readonly name: string;
  /** Events and errors not consumed yet, oldest first. */
  private readonly items = new Deque<Item>();
  /** Set once by `stop()`; never unset. */
  private stopped = false;
  /** The chokidar watcher; its close() promise is kept so that every `stop()` awaits the same one. */
  private readonly watcher: FSWatcher;
  private closing: Promise<void> | undefined;
  /** Resolves `started`; stop() calls it too, since chokidar never emits 'ready' once closed. */
  private readonly markStarted: () => void;

  /** @throws TypeError when `paths` is not a non-empty array of non-empty strings, or `eventTypes` is not a non-empty list of event types. */
  constructor(options: FileWatcherOptions) {
    const paths = checkPaths((options as Partial<FileWatcherOptions> | undefined)?.paths);
    const eventTypes = checkEventTypes(options.eventTypes ?? ALL_TYPES);
    super(PROTOCOL_VERSION);
    this.eventTypes = eventTypes;
    this.name = `file-watcher-${++watcherCount}`;
    this.watcher = watch(paths, { ignoreInitial: true });
    this.listen();
    let markStarted = (): void => {};
    this.started = new Promise<void>((resolveStarted) => {
      markStarted = resolveStarted;
    });
    this.markStarted = markStarted;
    this.watcher.once('ready', markStarted);
    defineDisposal(this, ASYNC_DISPOSE, stopAsync);
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * The oldest change not consumed yet.
   *
   * @throws `ReceiverError` whose `cause` is the error chokidar reported, in its place
   * among the events.
   * @throws `ReceiverStoppedError` when the watcher was stopped.
   */
  consume(): FileWatcherEvent {
    if (this.stopped) {
      throw new ReceiverStoppedError(this);
    }
    if (this.items.length === 0) {
      throw this._notReady();
    }
    const item = this.items.shift();
    if ('error' in item) {
      throw new ReceiverError(`${String(this)} failed: ${item.error.message}`, this, { cause: item.error });
    }
    return item;
  }

  /**
   * Stops the watcher at once, before it returns (see the Closing guarantee), and starts
   * releasing chokidar's watchers. Idempotent.
   *
   * @returns a promise that resolves when every file handle is released (the same promise for
   * every call); the one `stop()` of the library that has something to wait for.
   */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.items.clear();
      this.closing = this.watcher.close();
      this.markStarted();
      this._wake();
    }
    return this.closing ?? Promise.resolve();
  }

  /** `stop()` without waiting for the release. */
  override close(): void {
    void this.stop();
  }

  override toString(): string {
    return `FileWatcher:${this.name}`;
  }

  /** @internal */
  override _poll(): PollState {
    if (this.stopped) {
      return STOPPED;
    }
    return this.items.length > 0 ? READY : PENDING;
  }

  private listen(): void {
    for (const [chokidarEvent, type] of CHOKIDAR_EVENTS) {
      if (this.eventTypes.has(type)) {
        this.watcher.on(chokidarEvent, (path: string) => this.enqueue({ type, path: resolve(path) }));
      }
    }
    this.watcher.on('error', (error: unknown) => {
      this.enqueue({ error: error instanceof Error ? error : new Error(String(error)) });
    });
  }

  private enqueue(item: Item): void {
    if (this.stopped) {
      return;
    }
    this.items.push(item);
    this._wake();
  }
}

function checkPaths(paths: unknown): string[] {
  const isValid =
    Array.isArray(paths) && paths.length > 0 && paths.every((path) => typeof path === 'string' && path.length > 0);
  if (!isValid) {
    throw new TypeError('Expected `paths` to be a non-empty array of non-empty strings');
  }
  return (paths as string[]).map((path) => resolve(path));
}

function checkEventTypes(eventTypes: unknown): ReadonlySet<FileWatcherEventType> {
  const isIterable = typeof (eventTypes as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] === 'function';
  const types = isIterable && typeof eventTypes !== 'string' ? [...(eventTypes as Iterable<unknown>)] : [];
  const unknown = types.filter((type) => !ALL_TYPES.has(type as FileWatcherEventType));
  if (types.length === 0 || unknown.length > 0) {
    throw new TypeError(
      `Expected \`eventTypes\` to list some of 'create', 'modify', 'delete', got ${String(eventTypes)}`,
    );
  }
  return new Set(types as FileWatcherEventType[]);
}
