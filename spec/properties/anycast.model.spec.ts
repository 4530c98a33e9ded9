/**
 * Anycast against a reference model: random command sequences (fc.commands) run on a real
 * channel and on a model of its buffer, its line of blocked senders and its receivers, and
 * random promise interleavings of concurrent senders and receivers (fc.scheduler).
 *
 * The model predicts every outcome exactly, except which of several waiting receivers is handed
 * a message (the contract leaves that open): the spec observes it and checks that exactly one
 * of them got it. Because every message id is predicted, the invariants of the issue follow:
 * each message is received once or still buffered, per-sender order, blocked senders served in
 * arrival order, aborts change nothing, close drains then stops with the right errors.
 */
import fc from 'fast-check';
import {
  Anycast,
  ChannelClosedError,
  ReceiverError,
  ReceiverStoppedError,
  SenderError,
  type Receiver,
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
import { propertyParameters, propertyTimeout } from '../helpers/properties';

interface SendOperation extends Operation {
  readonly id: number;
  readonly sender: Sender<number>;
}

interface ReceiveOperation extends Operation {
  readonly kind: ReceiveKind;
}

/** One receiver, real and modelled. */
interface ReceiverSlot {
  readonly receiver: Receiver<number>;
  /** The message the model says it holds (its `ready()` resolved true, not yet consumed). */
  holding: number | undefined;
  closed: boolean;
  /** It reported that it stopped (its channel closed and drained); a stopped receiver stays stopped. */
  stopped: boolean;
  /** Its calls that wait: at most one `receive()`, or any number of `ready()`. */
  pending: ReceiveOperation[];
}

/** The real channel and its model, side by side. */
class AnycastWorld {
  readonly channel: Anycast<number>;
  readonly senders: Sender<number>[];
  readonly slots: ReceiverSlot[] = [];
  /** Model: the channel's buffer of message ids, oldest first. */
  readonly buffer: number[] = [];
  /** Model: senders blocked on a full buffer, in arrival order. */
  pendingSends: SendOperation[] = [];
  /** Model: set once by closing the channel. */
  closed = false;
  /** Every message id the channel accepted, and the receiver that consumed it. */
  readonly placed = new Set<number>();
  readonly consumed = new Map<number, number>();
  /** Operations whose promise has not yet been seen to settle as the model said. */
  private watched: Operation[] = [];
  private nextId = 0;

  constructor(
    readonly maxsize: number,
    senderCount: number,
    receiverCount: number,
  ) {
    this.channel = new Anycast<number>({ name: 'model', maxsize });
    this.senders = Array.from({ length: senderCount }, () => this.channel.newSender());
    for (let index = 0; index < receiverCount; index++) {
      this.addReceiver();
    }
  }

  addReceiver(): void {
    this.slots.push({
      receiver: this.channel.newReceiver(),
      holding: undefined,
      closed: false,
      stopped: false,
      pending: [],
    });
  }

  /** Receivers the channel hands a message to directly: waiting, holding nothing. */
  waitingSlots(): ReceiverSlot[] {
    if (this.closed) {
      return [];
    }
    return this.slots.filter((slot) => !slot.closed && slot.holding === undefined && slot.pending.length > 0);
  }

  pendingOperations(): Operation[] {
    return [...this.pendingSends, ...this.slots.flatMap((slot) => slot.pending)];
  }

  async send(senderIndex: number, abort: AbortMode): Promise<void> {
    const sender = this.senders[senderIndex] as Sender<number>;
    const id = this.nextId++;
    const controller = abortController(abort);
    const promise = sender.send(id, { signal: controller.signal });
    const operation: SendOperation = {
      label: `send ${id}`,
      tracker: track(promise),
      controller,
      id,
      sender,
      expectation: PENDING,
    };
    this.watched.push(operation);
    if (this.closed) {
      operation.expectation = rejected((reason) => this.expectSenderClosed(reason, sender, controller));
    } else if (abort === 'before') {
      operation.expectation = abortedBy(controller);
    } else {
      await this.placeOrBlock(operation);
    }
    await this.verify();
  }

  async startReceive(slotIndex: number, kind: ReceiveKind, abort: AbortMode): Promise<void> {
    const slot = this.slots[slotIndex] as ReceiverSlot;
    const controller = abortController(abort);
    const options = { signal: controller.signal };
    const promise: Promise<unknown> = kind === 'ready' ? slot.receiver.ready(options) : slot.receiver.receive(options);
    const operation: ReceiveOperation = {
      label: `${kind} #${slotIndex}`,
      tracker: track(promise),
      controller,
      kind,
      expectation: PENDING,
    };
    this.watched.push(operation);
    if (abort === 'before') {
      operation.expectation = abortedBy(controller);
    } else {
      this.settleOrWait(slotIndex, slot, operation);
    }
    await this.verify();
  }

  /** `trySend()`: places like a send that finds room, else `false`; never waits nor jumps the line. */
  async trySend(senderIndex: number): Promise<void> {
    const sender = this.senders[senderIndex] as Sender<number>;
    const id = this.nextId++;
    let outcome: unknown;
    const waiting = this.waitingSlots();
    const thrown = thrownBy(() => (outcome = sender.trySend(id)));
    if (this.closed) {
      this.expectSenderClosed(thrown, sender, undefined);
    } else if (this.pendingSends.length > 0 || (waiting.length === 0 && this.buffer.length >= this.maxsize)) {
      expect(outcome).toBe(false);
    } else {
      expect(outcome).toBe(true);
      this.placed.add(id);
      if (waiting.length > 0) {
        await this.handOff(id, waiting);
      } else {
        this.buffer.push(id);
      }
    }
    await this.verify();
  }

  /** `tryReceive()`: what the receiver holds, else the oldest buffered message, else why none. */
  async tryReceive(slotIndex: number): Promise<void> {
    const slot = this.slots[slotIndex] as ReceiverSlot;
    const result = slot.receiver.tryReceive();
    if (slot.holding !== undefined) {
      expect(result).toEqual({ ok: true, message: slot.holding });
      this.recordConsumed(slot.holding, slotIndex);
      slot.holding = undefined;
    } else if (slot.closed || slot.stopped || (this.closed && this.buffer.length === 0)) {
      expect(result).toEqual({ ok: false, stopped: true });
      slot.stopped = true;
    } else if (this.hasMessage()) {
      const id = this.take();
      expect(result).toEqual({ ok: true, message: id });
      this.recordConsumed(id, slotIndex);
    } else {
      expect(result).toEqual({ ok: false, stopped: false });
    }
    await this.verify();
  }

  async consume(slotIndex: number): Promise<void> {
    const slot = this.slots[slotIndex] as ReceiverSlot;
    const outcome = thrownBy(() => this.recordConsumed(slot.receiver.consume(), slotIndex));
    if (slot.holding !== undefined) {
      expect(outcome).not.toBeInstanceOf(Error);
      expect(this.consumed.get(slot.holding)).toBe(slotIndex);
      slot.holding = undefined;
    } else if (slot.closed || slot.stopped || (this.closed && this.buffer.length === 0)) {
      expect(outcome).toBeInstanceOf(ReceiverStoppedError);
      slot.stopped = true;
    } else {
      expect(outcome).toBeInstanceOf(ReceiverError);
      expect(outcome).not.toBeInstanceOf(ReceiverStoppedError);
    }
    await this.verify();
  }

  async closeReceiver(slotIndex: number): Promise<void> {
    const slot = this.slots[slotIndex] as ReceiverSlot;
    const held = slot.holding;
    const wasClosed = slot.closed;
    slot.holding = undefined;
    slot.closed = true;
    const othersWaiting = this.waitingSlots();
    slot.receiver.close();
    if (!wasClosed) {
      this.stopPending(slot, (reason) => expectStopped(reason, undefined));
      if (held !== undefined) {
        await this.giveBack(held, othersWaiting);
      }
    }
    await this.verify();
  }

  async closeChannel(): Promise<void> {
    const waiting = this.waitingSlots();
    const wasClosed = this.closed;
    this.closed = true;
    await this.channel.close();
    if (!wasClosed) {
      for (const operation of this.pendingSends) {
        operation.expectation = rejected((reason) => this.expectSenderClosed(reason, operation.sender, undefined));
      }
      this.pendingSends = [];
      for (const slot of waiting) {
        slot.stopped = true;
        this.stopPending(slot, (reason) => expectStopped(reason, this.channel));
      }
    }
    expect(this.channel.isClosed).toBe(true);
    await this.verify();
  }

  async abortPending(choice: number): Promise<void> {
    const candidates = this.pendingOperations();
    const operation = candidates[choice % candidates.length] as Operation;
    this.pendingSends = this.pendingSends.filter((candidate) => candidate !== operation);
    for (const slot of this.slots) {
      slot.pending = slot.pending.filter((candidate) => candidate !== operation);
    }
    operation.expectation = abortedBy(operation.controller);
    operation.controller.abort();
    await this.verify();
  }

  /**
   * Closes the channel, consumes what receivers hold and drains the rest through a new
   * receiver: then every accepted message must have been consumed exactly once.
   */
  async finish(): Promise<void> {
    await this.closeChannel();
    for (const [index, slot] of this.slots.entries()) {
      if (slot.holding !== undefined) {
        await this.consume(index);
      }
    }
    this.addReceiver();
    const drainIndex = this.slots.length - 1;
    while (this.buffer.length > 0) {
      await this.startReceive(drainIndex, 'receive', 'none');
    }
    await this.startReceive(drainIndex, 'ready', 'none');
    expect(this.watched).toEqual([]);
    expect([...this.consumed.keys()].sort(byNumber)).toEqual([...this.placed].sort(byNumber));
  }

  private async placeOrBlock(operation: SendOperation): Promise<void> {
    const waiting = this.waitingSlots();
    if (waiting.length > 0) {
      this.accept(operation);
      await this.handOff(operation.id, waiting);
    } else if (this.buffer.length < this.maxsize) {
      this.accept(operation);
      this.buffer.push(operation.id);
    } else {
      this.pendingSends.push(operation);
    }
  }

  private accept(operation: SendOperation): void {
    this.placed.add(operation.id);
    operation.expectation = fulfilled(undefined);
  }

  private settleOrWait(slotIndex: number, slot: ReceiverSlot, operation: ReceiveOperation): void {
    if (slot.holding !== undefined) {
      operation.expectation = this.deliver(slotIndex, slot, operation.kind, slot.holding);
    } else if (slot.closed) {
      operation.expectation = stoppedOutcome(operation.kind, undefined);
    } else if (slot.stopped) {
      operation.expectation = stoppedOutcome(operation.kind, this.channel);
    } else if (this.hasMessage()) {
      operation.expectation = this.deliver(slotIndex, slot, operation.kind, this.take());
    } else if (this.closed) {
      slot.stopped = true;
      operation.expectation = stoppedOutcome(operation.kind, this.channel);
    } else {
      slot.pending.push(operation);
    }
  }

  /** A message reaches a receiver: `ready()` makes it hold it, `receive()` consumes it. */
  private deliver(slotIndex: number, slot: ReceiverSlot, kind: ReceiveKind, id: number): Expectation {
    if (kind === 'ready') {
      slot.holding = id;
      return fulfilled(true);
    }
    slot.holding = undefined;
    this.recordConsumed(id, slotIndex);
    return fulfilled(id);
  }

  /** A message to take: buffered, or (rendezvous, `maxsize: 0`) offered by a blocked sender. */
  private hasMessage(): boolean {
    return this.buffer.length > 0 || this.pendingSends.length > 0;
  }

  /**
   * The oldest buffered message leaves the buffer, and blocked senders fill the room in order;
   * with nothing buffered (rendezvous), the oldest blocked send's message is taken and it resolves.
   */
  private take(): number {
    if (this.buffer.length === 0) {
      const offered = this.pendingSends.shift() as SendOperation;
      this.accept(offered);
      return offered.id;
    }
    const id = this.buffer.shift() as number;
    while (this.buffer.length < this.maxsize && this.pendingSends.length > 0) {
      const admitted = this.pendingSends.shift() as SendOperation;
      this.accept(admitted);
      this.buffer.push(admitted.id);
    }
    return id;
  }

  /** A message given to waiting receivers: exactly one of them must have been handed it. */
  private async handOff(id: number, waiting: ReceiverSlot[]): Promise<void> {
    await flushMicrotasks();
    const woken = waiting.filter((slot) =>
      slot.pending.some((operation) => operation.tracker.current().state !== 'pending'),
    );
    expect(woken).toHaveLength(1);
    const slot = woken[0] as ReceiverSlot;
    const slotIndex = this.slots.indexOf(slot);
    for (const operation of slot.pending) {
      operation.expectation = this.deliver(slotIndex, slot, operation.kind, id);
    }
    slot.pending = [];
  }

  private async giveBack(id: number, waiting: ReceiverSlot[]): Promise<void> {
    if (waiting.length > 0) {
      await this.handOff(id, waiting);
    } else {
      this.buffer.unshift(id);
    }
  }

  private stopPending(slot: ReceiverSlot, check: (reason: unknown) => void): void {
    for (const operation of slot.pending) {
      operation.expectation = operation.kind === 'ready' ? fulfilled(false) : rejected(check);
    }
    slot.pending = [];
  }

  private recordConsumed(id: number, slotIndex: number): void {
    expect(this.placed.has(id)).toBe(true);
    expect(this.consumed.has(id)).toBe(false);
    this.consumed.set(id, slotIndex);
  }

  private expectSenderClosed(reason: unknown, sender: Sender<number>, controller: AbortController | undefined): void {
    // An already-aborted send on a closed channel may report either; both reject at once.
    if (controller?.signal.aborted === true && reason === controller.signal.reason) {
      return;
    }
    expect(reason).toBeInstanceOf(SenderError);
    const error = reason as SenderError<number>;
    expect(error.message).toBe('The channel was closed');
    expect(error.sender).toBe(sender);
    expect(error.cause).toBeInstanceOf(ChannelClosedError);
    expect((error.cause as ChannelClosedError).channel).toBe(this.channel);
  }

  /** Flushes promise jobs, then checks every watched operation and the model's invariants. */
  private async verify(): Promise<void> {
    await flushMicrotasks();
    const stillWatched: Operation[] = [];
    for (const operation of this.watched) {
      if (!settledAsExpected(operation)) {
        stillWatched.push(operation);
      }
    }
    this.watched = stillWatched;
    if (this.pendingSends.length > 0) {
      expect(this.buffer.length).toBeGreaterThanOrEqual(this.maxsize);
    }
    expect(this.channel.isClosed).toBe(this.closed);
    expect(this.channel.size).toBe(this.buffer.length);
    const open = this.closed ? 0 : this.slots.filter((slot) => !slot.closed).length;
    expect(this.channel.receiverCount).toBe(open);
  }
}

function stoppedOutcome(kind: ReceiveKind, channel: Anycast<number> | undefined): Expectation {
  return kind === 'ready' ? fulfilled(false) : rejected((reason) => expectStopped(reason, channel));
}

/** A `ReceiverStoppedError`; its cause names the channel when the channel was closed. */
function expectStopped(reason: unknown, channel: Anycast<number> | undefined): void {
  expect(reason).toBeInstanceOf(ReceiverStoppedError);
  const cause = (reason as ReceiverStoppedError).cause;
  if (channel === undefined) {
    expect(cause).toBeUndefined();
  } else {
    expect(cause).toBeInstanceOf(ChannelClosedError);
    expect((cause as ChannelClosedError).channel).toBe(channel);
  }
}

function byNumber(left: number, right: number): number {
  return left - right;
}

const SENDERS = 3;
const MAX_RECEIVERS = 4;

type Command = fc.AsyncCommand<AnycastWorld, AnycastWorld>;
const command = worldCommand<AnycastWorld>;

/** A receiver may start a wait unless that would make two consumers of one receiver. */
function canStart(world: AnycastWorld, index: number, kind: ReceiveKind): boolean {
  const slot = world.slots[index];
  if (slot === undefined) {
    return false;
  }
  return (
    slot.pending.length === 0 || (kind === 'ready' && slot.pending.every((operation) => operation.kind === 'ready'))
  );
}

/** Weighted so that buffers fill, senders block and receivers wait before the channel is closed. */
const commands = [
  fc.oneof(
    {
      arbitrary: fc.tuple(fc.nat(SENDERS - 1), abortMode).map(([sender, abort]) =>
        command(
          `send(${sender}, ${abort})`,
          () => true,
          (world) => world.send(sender, abort),
        ),
      ),
      weight: 8,
    },
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
    { arbitrary: onReceiver('consume', (world, index) => world.consume(index)), weight: 3 },
    { arbitrary: onReceiver('tryReceive', (world, index) => world.tryReceive(index)), weight: 3 },
    {
      arbitrary: fc.nat(SENDERS - 1).map((sender) =>
        command(
          `trySend(${sender})`,
          () => true,
          (world) => world.trySend(sender),
        ),
      ),
      weight: 3,
    },
    { arbitrary: onReceiver('closeReceiver', (world, index) => world.closeReceiver(index)), weight: 1 },
    {
      arbitrary: fc.nat(20).map((choice) =>
        command(
          `abort(${choice})`,
          (world) => world.pendingOperations().length > 0,
          (world) => world.abortPending(choice),
        ),
      ),
      weight: 3,
    },
    {
      arbitrary: fc.constant(
        command(
          'newReceiver',
          (world) => world.slots.length < MAX_RECEIVERS,
          async (world) => world.addReceiver(),
        ),
      ),
      weight: 1,
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

function onReceiver(name: string, act: (world: AnycastWorld, index: number) => Promise<void>): fc.Arbitrary<Command> {
  return fc.nat(MAX_RECEIVERS - 1).map((index) =>
    command(
      `${name}(${index})`,
      (world) => world.slots[index] !== undefined,
      (world) => act(world, index),
    ),
  );
}

type Message = readonly [sender: number, seq: number];
type ReceiverStyle = 'receive' | 'readyThenConsume' | 'abortedReceive' | 'leave';

/**
 * One receiver's loop: waits at scheduled points, receives in the given styles, and stops when
 * the channel does (or, for style `leave`, closes its receiver between two messages).
 */
async function receiverLoop(
  s: fc.Scheduler,
  receiver: Receiver<Message>,
  styles: ReceiverStyle[],
  canLeave: boolean,
): Promise<Message[]> {
  const received: Message[] = [];
  for (let step = 0; ; step++) {
    await s.schedule(Promise.resolve(), 'receiver turn');
    const style = styles[step % styles.length] as ReceiverStyle;
    if (style === 'leave' && canLeave) {
      receiver.close();
      return received;
    }
    const message = await receiveInStyle(s, receiver, style);
    if (message === STOPPED) {
      return received;
    }
    if (message !== ABORTED) {
      received.push(message);
    }
  }
}

const STOPPED = Symbol('stopped');
const ABORTED = Symbol('aborted');

async function receiveInStyle(
  s: fc.Scheduler,
  receiver: Receiver<Message>,
  style: ReceiverStyle,
): Promise<Message | typeof STOPPED | typeof ABORTED> {
  if (style === 'readyThenConsume') {
    if (!(await receiver.ready())) {
      return STOPPED;
    }
    // Others run between ready() and consume(): the reserved message must wait for this one.
    await s.schedule(Promise.resolve(), 'between ready and consume');
    return receiver.consume();
  }
  const controller = new AbortController();
  if (style === 'abortedReceive') {
    void s.schedule(Promise.resolve(), 'abort').then(() => controller.abort());
  }
  try {
    return await receiver.receive({ signal: controller.signal });
  } catch (error) {
    if (error === controller.signal.reason) {
      return ABORTED;
    }
    expect(error).toBeInstanceOf(ReceiverStoppedError);
    return STOPPED;
  }
}

async function senderLoop(s: fc.Scheduler, sender: Sender<Message>, senderIndex: number, count: number): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    await s.schedule(Promise.resolve(), `sender ${senderIndex} turn`);
    await sender.send([senderIndex, seq]);
  }
}

function expectPerSenderOrder(received: readonly Message[]): void {
  const lastSeq = new Map<number, number>();
  for (const [sender, seq] of received) {
    expect(seq).toBeGreaterThan(lastSeq.get(sender) ?? -1);
    lastSeq.set(sender, seq);
  }
}

describe('Anycast (model)', () => {
  const runs = 300;

  it(
    'matches the model: each message once, per-sender order, blocked senders in order, aborts change nothing, close drains',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(Infinity)),
          fc.commands(commands, { maxCommands: 60, size: 'medium' }),
          async (maxsize, cmds) => {
            const world = new AnycastWorld(maxsize, SENDERS, 2);
            await fc.asyncModelRun(() => ({ model: world, real: world }), cmds);
            await world.finish();
          },
        ),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );

  it(
    'under any interleaving of senders and receivers, hands every message to exactly one receiver in per-sender order',
    async () => {
      const style = fc.constantFrom<ReceiverStyle>('receive', 'readyThenConsume', 'abortedReceive', 'leave');
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(Infinity)),
          fc.array(fc.nat(8), { minLength: 1, maxLength: 4 }),
          fc.array(fc.array(style, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
          async (s, maxsize, counts, receiverStyles) => {
            const channel = new Anycast<Message>({ maxsize });
            const senders = counts.map((count, index) => senderLoop(s, channel.newSender(), index, count));
            // The first receiver never leaves, so that someone is always there to drain.
            const receivers = receiverStyles.map((styles, index) =>
              receiverLoop(s, channel.newReceiver(), styles, index > 0),
            );
            const closed = Promise.all(senders).then(() => channel.close());
            const [, ...receivedLists] = await s.waitFor(Promise.all([closed, ...receivers]));
            for (const received of receivedLists) {
              expectPerSenderOrder(received);
            }
            const all = receivedLists.flat().map(([sender, seq]) => `${sender}:${seq}`);
            const sent = counts.flatMap((count, sender) =>
              Array.from({ length: count }, (_, seq) => `${sender}:${seq}`),
            );
            expect(all.sort()).toEqual(sent.sort());
          },
        ),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );
});
