/**
 * Broadcast against a reference model: random command sequences (fc.commands) run on a real
 * channel and on a model of one drop-oldest window per receiver, with `resendLatest`, `peek()`,
 * `receiverCount`, `size`, `dropped`, overflow warnings, `intoPeekable()`, aborted waits, and
 * receiver and channel close. Broadcast is deterministic, so the model predicts every outcome.
 */
import fc from 'fast-check';
import {
  Broadcast,
  ChannelClosedError,
  ReceiverError,
  ReceiverInvalidatedError,
  ReceiverStoppedError,
  SenderError,
  type BroadcastReceiver,
  type Peekable,
  type Sender,
} from 'rx-channels';
import { flushMicrotasks, thrownBy, track } from '../helpers/async';
import {
  abortController,
  abortedBy,
  abortMode,
  command as worldCommand,
  fulfilled,
  PENDING,
  rejected,
  settledAsExpected,
  type AbortMode,
  type Expectation,
  type Operation,
  type ReceiveKind,
} from '../helpers/model';
import { captureWarnings } from '../helpers/logger';
import { propertyParameters, propertyTimeout } from '../helpers/properties';

interface BroadcastOperation extends Operation {
  readonly kind: ReceiveKind | 'send';
}

/** One receiver, real and modelled. */
interface ReceiverSlot {
  readonly receiver: BroadcastReceiver<number>;
  readonly maxsize: number;
  readonly warnOnOverflow: boolean;
  /** Model: its window, oldest first. */
  buffer: number[];
  dropped: number;
  /** Model: a warning was logged for the current overflow episode. */
  warned: boolean;
  /** Model: `ready()` said a message is ready, and no `consume()` has taken one since. */
  announced: boolean;
  closedByUser: boolean;
  invalidated: boolean;
  pending: BroadcastOperation[];
}

function invalidatedError(reason: unknown): void {
  expect(reason).toBeInstanceOf(ReceiverInvalidatedError);
}

class BroadcastWorld {
  readonly channel: Broadcast<number>;
  readonly sender: Sender<number>;
  readonly peekable: Peekable<number>;
  readonly slots: ReceiverSlot[] = [];
  /** Model: the latest message sent, while the channel is open. */
  latest: number | undefined;
  hasLatest = false;
  closed = false;
  /** Model: how many overflow warnings were logged. */
  warningCount = 0;
  /** What the channel's hot Observable emitted, and whether it completed. */
  readonly hubSeen: number[] = [];
  hubCompleted = false;
  readonly sent: number[] = [];
  private watched: BroadcastOperation[] = [];
  private nextId = 0;

  constructor(
    readonly resendLatest: boolean,
    readonly warnings: readonly string[],
  ) {
    this.channel = new Broadcast<number>('model', { resendLatest });
    this.sender = this.channel.newSender();
    this.peekable = this.channel.newPeekable();
    this.channel.asObservable().subscribe({
      next: (message) => this.hubSeen.push(message),
      complete: () => {
        this.hubCompleted = true;
      },
    });
  }

  async addReceiver(maxsize: number, warnOnOverflow: boolean): Promise<void> {
    const receiver = this.channel.newReceiver({ maxsize, warnOnOverflow });
    const slot: ReceiverSlot = {
      receiver,
      maxsize,
      warnOnOverflow,
      buffer: [],
      dropped: 0,
      warned: false,
      announced: false,
      closedByUser: false,
      invalidated: false,
      pending: [],
    };
    this.slots.push(slot);
    if (this.resendLatest && this.hasLatest) {
      this.push(slot, this.latest as number);
    }
    await this.verify();
  }

  async send(abort: AbortMode): Promise<void> {
    const id = this.nextId++;
    const controller = abortController(abort);
    const promise = this.sender.send(id, { signal: controller.signal });
    const operation = this.watch(`send ${id}`, 'send', promise, controller);
    if (this.closed) {
      operation.expectation = rejected((reason) => this.expectSenderClosed(reason, controller));
    } else if (abort === 'before') {
      operation.expectation = abortedBy(controller);
    } else {
      operation.expectation = fulfilled(undefined);
      this.deliver(id);
    }
    await this.verify();
  }

  async startReceive(index: number, kind: ReceiveKind, abort: AbortMode): Promise<void> {
    const slot = this.slots[index] as ReceiverSlot;
    const controller = abortController(abort);
    const options = { signal: controller.signal };
    const promise: Promise<unknown> = kind === 'ready' ? slot.receiver.ready(options) : slot.receiver.receive(options);
    const operation = this.watch(`${kind} #${index}`, kind, promise, controller);
    if (abort === 'before') {
      operation.expectation = abortedBy(controller);
    } else if (slot.buffer.length > 0 || slot.invalidated) {
      slot.announced = true;
      operation.expectation = kind === 'ready' ? fulfilled(true) : this.consumeOutcome(slot);
    } else if (this.isStopped(slot)) {
      operation.expectation = kind === 'ready' ? fulfilled(false) : this.stoppedOutcome(slot);
    } else {
      slot.pending.push(operation);
    }
    await this.verify();
  }

  async consume(index: number): Promise<void> {
    const slot = this.slots[index] as ReceiverSlot;
    let value: number | undefined;
    const outcome = thrownBy(() => {
      value = slot.receiver.consume();
    });
    const expected = this.consumeOutcome(slot);
    if (expected.state === 'fulfilled') {
      expect(outcome).not.toBeInstanceOf(Error);
      expect(value).toBe(expected.value);
    } else if (expected.state === 'rejected') {
      expected.check(outcome);
    }
    await this.verify();
  }

  async closeReceiver(index: number): Promise<void> {
    const slot = this.slots[index] as ReceiverSlot;
    slot.receiver.close();
    if (!slot.closedByUser) {
      slot.closedByUser = true;
      this.settlePendingOnStop(slot);
    }
    await this.verify();
  }

  async intoPeekable(index: number): Promise<void> {
    const slot = this.slots[index] as ReceiverSlot;
    const peekable = slot.receiver.intoPeekable();
    slot.invalidated = true;
    for (const operation of slot.pending) {
      slot.announced = true;
      // Pending waits had an empty buffer: ready() says "consume() will throw", receive() throws.
      operation.expectation = operation.kind === 'ready' ? fulfilled(true) : rejected(invalidatedError);
    }
    slot.pending = [];
    expect(peekable.peek()).toBe(this.latest);
    await this.verify();
  }

  async closeChannel(): Promise<void> {
    const wasClosed = this.closed;
    this.closed = true;
    this.latest = undefined;
    this.hasLatest = false;
    await this.channel.close();
    if (!wasClosed) {
      for (const slot of this.slots) {
        this.settlePendingOnStop(slot);
      }
    }
    await this.verify();
  }

  async abortPending(choice: number): Promise<void> {
    const candidates = this.slots.flatMap((slot) => slot.pending);
    const operation = candidates[choice % candidates.length] as BroadcastOperation;
    for (const slot of this.slots) {
      slot.pending = slot.pending.filter((candidate) => candidate !== operation);
    }
    operation.expectation = abortedBy(operation.controller);
    operation.controller.abort();
    await this.verify();
  }

  pendingCount(): number {
    return this.slots.reduce((count, slot) => count + slot.pending.length, 0);
  }

  /** Closes the channel and drains every receiver: each gets exactly its model window. */
  async finish(): Promise<void> {
    await this.closeChannel();
    for (const [index, slot] of this.slots.entries()) {
      while (slot.buffer.length > 0) {
        await this.startReceive(index, 'receive', 'none');
      }
      await this.startReceive(index, 'ready', 'none');
    }
    expect(this.watched).toEqual([]);
    expect(this.hubSeen).toEqual(this.sent);
    expect(this.hubCompleted).toBe(true);
  }

  private watch(
    label: string,
    kind: BroadcastOperation['kind'],
    promise: Promise<unknown>,
    controller: AbortController,
  ): BroadcastOperation {
    const operation: BroadcastOperation = { label, kind, tracker: track(promise), controller, expectation: PENDING };
    this.watched.push(operation);
    return operation;
  }

  private deliver(id: number): void {
    this.sent.push(id);
    this.latest = id;
    this.hasLatest = true;
    for (const slot of this.slots) {
      if (!slot.closedByUser && !slot.invalidated) {
        this.push(slot, id);
      }
    }
  }

  /** A message enters a window: the oldest is dropped when full; pending waits settle. */
  private push(slot: ReceiverSlot, id: number): void {
    if (slot.buffer.length >= slot.maxsize) {
      slot.buffer.shift();
      slot.dropped++;
      if (slot.warnOnOverflow && !slot.warned) {
        slot.warned = true;
        this.warningCount++;
      }
    }
    slot.buffer.push(id);
    const pending = slot.pending;
    slot.pending = [];
    for (const operation of pending) {
      slot.announced = true;
      operation.expectation = operation.kind === 'ready' ? fulfilled(true) : this.consumeOutcome(slot);
    }
  }

  /** What `consume()` does now, applied to the model. */
  private consumeOutcome(slot: ReceiverSlot): Expectation {
    if (slot.announced && slot.buffer.length > 0) {
      slot.announced = false;
      const id = slot.buffer.shift() as number;
      if (slot.buffer.length === 0) {
        slot.warned = false;
      }
      return fulfilled(id);
    }
    if (slot.invalidated) {
      return rejected(invalidatedError);
    }
    if (this.isStopped(slot)) {
      return this.stoppedOutcome(slot);
    }
    return rejected((reason) => {
      expect(reason).toBeInstanceOf(ReceiverError);
      expect(reason).not.toBeInstanceOf(ReceiverStoppedError);
    });
  }

  private isStopped(slot: ReceiverSlot): boolean {
    return slot.buffer.length === 0 && (slot.closedByUser || this.closed);
  }

  private stoppedOutcome(slot: ReceiverSlot): Expectation {
    return rejected((reason) => {
      expect(reason).toBeInstanceOf(ReceiverStoppedError);
      const cause = (reason as ReceiverStoppedError).cause;
      if (slot.closedByUser) {
        expect(cause).toBeUndefined();
      } else {
        expect(cause).toBeInstanceOf(ChannelClosedError);
        expect((cause as ChannelClosedError).channel).toBe(this.channel);
      }
    });
  }

  /** Pending waits had an empty window: once the receiver stops they see it stopped. */
  private settlePendingOnStop(slot: ReceiverSlot): void {
    if (slot.invalidated) {
      return;
    }
    for (const operation of slot.pending) {
      operation.expectation = operation.kind === 'ready' ? fulfilled(false) : this.stoppedOutcome(slot);
    }
    slot.pending = [];
  }

  private expectSenderClosed(reason: unknown, controller: AbortController): void {
    if (controller.signal.aborted && reason === controller.signal.reason) {
      return;
    }
    expect(reason).toBeInstanceOf(SenderError);
    expect((reason as SenderError<number>).sender).toBe(this.sender);
    expect((reason as SenderError<number>).cause).toBeInstanceOf(ChannelClosedError);
  }

  private async verify(): Promise<void> {
    await flushMicrotasks();
    this.watched = this.watched.filter((operation) => !settledAsExpected(operation));
    const attached = this.slots.filter((slot) => !this.closed && !slot.closedByUser && !slot.invalidated);
    const actual = {
      receiverCount: this.channel.receiverCount,
      peek: this.peekable.peek(),
      warnings: this.warnings.length,
    };
    const modelled = { receiverCount: attached.length, peek: this.latest, warnings: this.warningCount };
    if (
      actual.receiverCount !== modelled.receiverCount ||
      actual.peek !== modelled.peek ||
      actual.warnings !== modelled.warnings
    ) {
      expect(actual).toEqual(modelled);
    }
    for (const slot of this.slots) {
      if (slot.receiver.size !== slot.buffer.length || slot.receiver.dropped !== slot.dropped) {
        expect({ size: slot.receiver.size, dropped: slot.receiver.dropped }).toEqual({
          size: slot.buffer.length,
          dropped: slot.dropped,
        });
      }
    }
  }
}

const MAX_RECEIVERS = 4;

type Command = fc.AsyncCommand<BroadcastWorld, BroadcastWorld>;
const command = worldCommand<BroadcastWorld>;

function canStart(world: BroadcastWorld, index: number, kind: ReceiveKind): boolean {
  const slot = world.slots[index];
  if (slot === undefined) {
    return false;
  }
  return (
    slot.pending.length === 0 || (kind === 'ready' && slot.pending.every((operation) => operation.kind === 'ready'))
  );
}

function onReceiver(name: string, act: (world: BroadcastWorld, index: number) => Promise<void>): fc.Arbitrary<Command> {
  return fc.nat(MAX_RECEIVERS - 1).map((index) =>
    command(
      `${name}(${index})`,
      (world) => world.slots[index] !== undefined,
      (world) => act(world, index),
    ),
  );
}

const sendCommand = abortMode.map((abort) =>
  command(
    `send(${abort})`,
    () => true,
    (world) => world.send(abort),
  ),
);

/** Weighted so that windows overflow and drain again before the channel is closed. */
const commands = [
  fc.oneof(
    { arbitrary: sendCommand, weight: 10 },
    {
      arbitrary: fc
        .tuple(fc.nat(MAX_RECEIVERS - 1), fc.constantFrom<ReceiveKind>('ready', 'receive'), abortMode)
        .map(([index, kind, abort]) =>
          command(
            `${kind}(${index}, ${abort})`,
            (world) => canStart(world, index, kind),
            (world) => world.startReceive(index, kind, abort),
          ),
        ),
      weight: 8,
    },
    { arbitrary: onReceiver('consume', (world, index) => world.consume(index)), weight: 4 },
    {
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([maxsize, warn]) =>
        command(
          `newReceiver(${maxsize}, ${warn})`,
          (world) => world.slots.length < MAX_RECEIVERS,
          (world) => world.addReceiver(maxsize, warn),
        ),
      ),
      weight: 2,
    },
    { arbitrary: onReceiver('closeReceiver', (world, index) => world.closeReceiver(index)), weight: 1 },
    { arbitrary: onReceiver('intoPeekable', (world, index) => world.intoPeekable(index)), weight: 1 },
    {
      arbitrary: fc.nat(20).map((choice) =>
        command(
          `abort(${choice})`,
          (world) => world.pendingCount() > 0,
          (world) => world.abortPending(choice),
        ),
      ),
      weight: 2,
    },
    {
      arbitrary: fc.constant(
        command(
          'closeChannel',
          () => true,
          (world) => world.closeChannel(),
        ),
      ),
      weight: 1,
    },
  ),
];

describe('Broadcast (model)', () => {
  const runs = 300;
  let capture: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    capture = captureWarnings();
  });

  afterEach(() => {
    capture.restore();
  });

  it(
    'matches the model: drop-oldest windows, resendLatest, peek(), receiverCount, size, dropped, warnings, close',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          fc.commands(commands, { maxCommands: 60, size: 'medium' }),
          async (resendLatest, cmds) => {
            capture.warnings.length = 0;
            const world = new BroadcastWorld(resendLatest, capture.warnings);
            await world.addReceiver(2, true);
            await fc.asyncModelRun(() => ({ model: world, real: world }), cmds);
            await world.finish();
          },
        ),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );
});
