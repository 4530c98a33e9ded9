import { ReceiverStoppedError } from '../errors';
import { checkSignal, listenForAbort } from '../internal/abortable';
import { checkCount, checkFunction, checkOptions } from '../internal/validate';
import type { Receiver } from '../Receiver';

/** Options of {@link forEachConcurrent}. */
export interface ForEachConcurrentOptions {
  /**
   * How many jobs may run at once. An integer from 1 and up, or `Infinity` (a job per message as
   * soon as it arrives, with no back-pressure from the pool).
   * @defaultValue `1`
   */
  readonly concurrency?: number;
  /**
   * Stops the pool: it takes no more messages (a pending take is cancelled and takes nothing),
   * the running jobs see this signal aborted, and once they have settled the pool rejects with
   * `signal.reason` (or with the error that stopped it before the abort). A signal already
   * aborted rejects at once and takes nothing.
   */
  readonly signal?: AbortSignal;
}

/** What a job gets besides its message. */
export interface JobContext {
  /**
   * The pool's signal: aborted when the caller aborts the pool (never aborted when the caller
   * gave none). A job that can stop early listens to it.
   */
  readonly signal: AbortSignal;
}

/**
 * Runs `handler(message, { signal })` for every message of `receiver`, with up to `concurrency`
 * jobs at once: a worker pool. It resolves once the receiver has stopped (a closed channel that
 * was drained, a completed source) and every job has settled.
 *
 * Our own loop over the receiver's `receive()` (the pull protocol); nothing of RxJS. It is the
 * pull counterpart of RxJS `mergeMap(handler, concurrency)`, which subscribes to a source that
 * pushes: here a message is taken from the receiver only when a job slot is free.
 *
 * ## Guarantees
 * - **Each message once:** every message taken from the receiver is handed to `handler` exactly
 *   once, the taking order being the receiver's order; jobs may finish in any order.
 * - **Concurrency:** at most `concurrency` jobs are running (started and not yet settled) at
 *   any time. A job is a call of `handler`; one that returns a promise (or thenable) runs until
 *   that settles, one that returns anything else has settled when it returns.
 * - **Back-pressure:** a message is taken only when a slot is free, one at a time, so a busy pool
 *   holds no message beyond its running jobs: an Anycast sender waits while the pool is
 *   saturated, and other receivers of an Anycast channel get the messages the pool did not take.
 * - **Errors:** the first error (a job throws or rejects, or the receiver's `receive()` throws
 *   something other than its stop) stops the taking; the running jobs are left to settle (their
 *   signal is not aborted), then the pool rejects with that error. Later errors are dropped;
 *   nothing is logged.
 * - **Cancellation:** see {@link ForEachConcurrentOptions.signal}. A pending take is cancelled
 *   and loses nothing: the message stays in the receiver (an Anycast channel keeps it for other
 *   receivers). A message taken in the same tick as the abort is still handed to `handler`,
 *   which then sees the signal aborted.
 * - **Not guaranteed:** the order in which jobs finish; that the receiver is closed afterwards
 *   (the pool never closes it).
 *
 * @param receiver - the receiver to take messages from; the pool is its only consumer while it runs.
 * @param handler - the job: called with each message and a {@link JobContext}.
 * @throws TypeError (at the call, not as a rejection) when `receiver` is not a Receiver,
 * `handler` not a function, or `options`, `options.signal` or `concurrency` of the wrong type.
 * @throws RangeError (at the call) when `concurrency` is not an integer from 1 and up, nor `Infinity`.
 *
 * @example
 * ```ts
 * const jobs = new Anycast<string>({ name: 'jobs' });
 * const pool = forEachConcurrent(jobs.newReceiver(), (url, { signal }) => fetch(url, { signal }), {
 *   concurrency: 4,
 * });
 * await jobs.newSender().send('https://example.com/');
 * // Graceful shutdown: no new jobs, the buffered ones are processed, then the pool resolves.
 * await jobs.close();
 * await pool;
 * ```
 */
export function forEachConcurrent<T>(
  receiver: Receiver<T>,
  handler: (message: T, context: JobContext) => unknown,
  options: ForEachConcurrentOptions = {},
): Promise<void> {
  checkTaker(receiver);
  checkFunction('handler', handler);
  checkOptions('options', options);
  const { concurrency = 1, signal } = options;
  checkCount('concurrency', concurrency, 1, true);
  checkSignal(signal);
  if (signal?.aborted === true) {
    return Promise.reject(signal.reason);
  }
  return new Promise<void>((resolve, reject) => {
    new WorkerPool(receiver, handler, concurrency, signal, resolve, reject).takeNext();
  });
}

/** Duck typing, as for the other utilities: a receiver of another copy of the library is one too. */
function checkTaker(receiver: unknown): void {
  const candidate = receiver as Partial<Receiver<unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.receive !== 'function') {
    throw new TypeError(
      `Expected \`receiver\` to be a Receiver, got ${candidate === null ? 'null' : typeof candidate}`,
    );
  }
}

/** A signal that is never aborted: the jobs' signal when the caller gave none. */
function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

/**
 * One run of {@link forEachConcurrent}. Its state only moves forward: taking, then (receiver
 * stopped, first failure or abort) no longer taking, then settled once no take is pending and no
 * job runs.
 */
class WorkerPool<T> {
  /** Jobs started and not yet settled; never above `concurrency`. */
  private running = 0;
  /** Whether a `receive()` is pending: at most one, so that messages are taken one at a time. */
  private taking = false;
  /** Set when the receiver has stopped: there is nothing more to take. */
  private drained = false;
  /** The first failure (a job's error, the receiver's error, the abort reason); later ones are dropped. */
  private failure: { readonly reason: unknown } | undefined;
  /** Set once the pool's promise is settled. */
  private settled = false;
  /** Cancels the pending `receive()` when the pool stops taking (first failure or abort). */
  private readonly stopTaking = new AbortController();
  /** What every job gets: the caller's signal, or one that never aborts. */
  private readonly context: JobContext;
  /** Stops listening to the caller's signal; called when the pool settles. */
  private readonly stopListening: () => void;

  constructor(
    private readonly receiver: Receiver<T>,
    private readonly handler: (message: T, context: JobContext) => unknown,
    private readonly concurrency: number,
    signal: AbortSignal | undefined,
    private readonly resolve: () => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    this.context = { signal: signal ?? neverAborted() };
    this.stopListening =
      signal === undefined ? () => {} : listenForAbort(signal, () => this.fail(signal.reason as unknown));
  }

  /** Takes the next message when a slot is free and the pool still takes; else settles if it is done. */
  takeNext(): void {
    if (this.taking || this.running >= this.concurrency || this.drained || this.failure !== undefined) {
      this.settleIfDone();
      return;
    }
    this.taking = true;
    this.receiver.receive({ signal: this.stopTaking.signal }).then(
      (message) => {
        this.taking = false;
        // Taken, so handed on even if the pool stopped taking in the meantime: never lost.
        this.start(message);
        this.takeNext();
      },
      (error: unknown) => {
        this.taking = false;
        if (error instanceof ReceiverStoppedError && !this.stopTaking.signal.aborted) {
          this.drained = true;
        } else {
          this.fail(error);
        }
        this.settleIfDone();
      },
    );
  }

  /** Runs one job; a handler that throws at once fails the pool as one that rejects does. */
  private start(message: T): void {
    this.running++;
    let result: unknown;
    try {
      result = this.handler(message, this.context);
    } catch (error) {
      this.fail(error);
      this.finish();
      return;
    }
    // A plain value settles the job in the next microtask, as a thenable's adoption would.
    Promise.resolve(result).then(
      () => this.finish(),
      (error: unknown) => {
        this.fail(error);
        this.finish();
      },
    );
  }

  /** A job has settled: its slot is free. */
  private finish(): void {
    this.running--;
    this.takeNext();
  }

  /** Records the first failure and stops taking (a pending take is cancelled and takes nothing). */
  private fail(reason: unknown): void {
    if (this.failure !== undefined) {
      return;
    }
    this.failure = { reason };
    this.stopTaking.abort(reason);
  }

  /** Settles the pool's promise once it no longer takes, no take is pending and no job runs. */
  private settleIfDone(): void {
    if (this.settled || this.taking || this.running > 0 || (!this.drained && this.failure === undefined)) {
      return;
    }
    this.settled = true;
    this.stopListening();
    const failure = this.failure;
    if (failure === undefined) {
      this.resolve();
    } else {
      this.reject(failure.reason);
    }
  }
}
