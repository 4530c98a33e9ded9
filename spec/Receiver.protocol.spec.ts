/**
 * The pull protocol every built-in receiver inherits from `Receiver` (lib/Receiver.ts, its
 * invariants in lib/internal/protocol.ts): atomic park, wake rounds, the hooks.
 */
import { Receiver, type AbortOptions } from 'rx-channels';
import { checkSignal } from '../lib/internal/abortable';
import {
  PENDING,
  PROTOCOL_VERSION,
  READY,
  STOPPED,
  isPollable,
  type PollState,
  type Waker,
} from '../lib/internal/protocol';
import { readyOf } from '../lib/internal/wait';
import { flushMicrotasks, reasonOf, track } from './helpers/async';

/** A receiver driven by hand, with hooks that log. */
class Manual extends Receiver<number> {
  state: PollState = PENDING;
  readonly log: string[] = [];
  onParked: (() => void) | undefined;

  constructor() {
    super(PROTOCOL_VERSION);
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  override _poll(): PollState {
    return this.state;
  }

  consume(): number {
    if (this.state !== READY) throw this._notReady();
    this.state = PENDING;
    return 1;
  }

  becomeReady(): void {
    this.state = READY;
    this._wake();
  }

  wakeSpuriously(): void {
    this._wake();
  }

  get waited(): boolean {
    return this._waited;
  }

  override _parked(): boolean {
    this.log.push('parked');
    const hook = this.onParked;
    this.onParked = undefined;
    hook?.();
    // The hook may make it ready: registration must poll again.
    return hook !== undefined;
  }

  protected override _idle(): void {
    this.log.push('idle');
  }
}

function recorder(name: string, log: string[], onWake?: () => void): Waker {
  return {
    wake: () => {
      log.push(name);
      onWake?.();
    },
  };
}

describe('Receiver: the pull protocol of built-in receivers', () => {
  it('is branded as a pollable', () => {
    expect(isPollable(new Manual())).toBe(true);
  });

  it('_park() returns the state without registering when it is not PENDING', () => {
    const receiver = new Manual();
    receiver.state = STOPPED;
    const log: string[] = [];
    expect(receiver._park(recorder('a', log))).toBe(STOPPED);
    expect(receiver.waited).toBe(false);
    expect(receiver.log).toEqual([]);
  });

  it('a _parked hook that makes it ready synchronously: _park() returns READY and the waker is never called', () => {
    const receiver = new Manual();
    receiver.onParked = () => receiver.becomeReady();
    const log: string[] = [];
    expect(receiver._park(recorder('a', log))).toBe(READY);
    expect(log).toEqual([]);
    expect(receiver.waited).toBe(false);
    expect(receiver.log).toEqual(['parked', 'idle']);
  });

  it('a wake round during registration calls the others and leaves the registering waker parked', () => {
    const receiver = new Manual();
    const log: string[] = [];
    receiver._park(recorder('first', log));
    receiver.onParked = () => receiver.wakeSpuriously();
    const second = recorder('second', log);
    expect(receiver._park(second)).toBe(PENDING);
    expect(log).toEqual(['first']);
    expect(receiver.waited).toBe(true);
    receiver.becomeReady();
    expect(log).toEqual(['first', 'second']);
  });

  // Was a bug, now fixed (latent, invariant 2): `registering` is one field, and a nested _park() (a waker woken by
  // a round during the hook parks again) resets it to undefined in its `finally`. A second round
  // in the same hook then calls the outer registering waker from inside its own _park(). No
  // built-in hook wakes twice today. Fix: save and restore the previous `registering` (or keep
  // a set of registering wakers).
  it('a nested _park() during registration does not expose the outer registering waker', () => {
    const receiver = new Manual();
    const log: string[] = [];
    const first: Waker = recorder('first', log, () => receiver._park(first));
    receiver._park(first);
    receiver.onParked = () => {
      receiver.wakeSpuriously();
      receiver.becomeReady();
    };
    const outer = recorder('outer', log);
    expect(receiver._park(outer)).toBe(READY);
    expect(log).not.toContain('outer');
  });

  it('a receive() in the slot woken spuriously registers again, as a parked waker re-parks: the _parked hook runs again', async () => {
    const receiver = new Manual();
    const received = receiver.receive();
    expect(receiver.log).toEqual(['parked']);
    receiver.wakeSpuriously();
    // A hook whose effect a wake may use up (a timer's alarm) is renewed.
    expect(receiver.log).toEqual(['parked', 'parked']);
    expect(receiver.waited).toBe(true);
    receiver.becomeReady();
    await expect(received).resolves.toBe(1);
    expect(receiver.log).toEqual(['parked', 'parked', 'idle']);
  });

  it('a receive() in the slot woken spuriously, whose renewed hook makes it ready, takes the message once', async () => {
    const receiver = new Manual();
    const received = receiver.receive();
    receiver.onParked = () => receiver.becomeReady();
    receiver.wakeSpuriously();
    const settled = track(received);
    await flushMicrotasks();
    expect(settled.current()).toEqual({ state: 'fulfilled', value: 1 });
    expect(receiver.state).toBe(PENDING);
    expect(receiver.waited).toBe(false);
  });

  it('_idle() runs after the last unpark, not before', () => {
    const receiver = new Manual();
    const log: string[] = [];
    const a = recorder('a', log);
    const b = recorder('b', log);
    receiver._park(a);
    receiver._park(b);
    receiver._unpark(a);
    expect(receiver.log).toEqual(['parked', 'parked']);
    receiver._unpark(b);
    expect(receiver.log).toEqual(['parked', 'parked', 'idle']);
    expect(receiver.waited).toBe(false);
  });

  it('_idle() runs after a wake round that leaves nobody parked, not after one that re-parks', () => {
    const receiver = new Manual();
    const log: string[] = [];
    receiver._park(recorder('once', log));
    receiver.wakeSpuriously();
    expect(receiver.log).toEqual(['parked', 'idle']);
    const again: Waker = recorder('again', log, () => receiver._park(again));
    receiver._park(again);
    receiver.wakeSpuriously();
    expect(receiver.log).toEqual(['parked', 'idle', 'parked', 'parked']);
    expect(receiver.waited).toBe(true);
  });

  it('ready() resolves when it turns ready, false when stopped; consume() before ready throws ReceiverError', async () => {
    const receiver = new Manual();
    expect(() => receiver.consume()).toThrow(/consume\(\) was called before ready\(\) resolved true/);
    const ready = receiver.ready();
    receiver.becomeReady();
    expect(await ready).toBe(true);
    receiver.state = STOPPED;
    expect(await receiver.ready()).toBe(false);
  });

  it('ready() checks its signal option', async () => {
    const receiver = new Manual();
    expect(() => receiver.ready({ signal: 'no' as never })).toThrow(TypeError);
    expect(await reasonOf(receiver.ready({ signal: AbortSignal.abort('r') }))).toBe('r');
  });
});
