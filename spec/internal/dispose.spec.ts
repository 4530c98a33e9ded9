/**
 * `using` and `await using` on every class that has a `close()` or `stop()` (lib/internal/dispose.ts
 * holds the keys): disposal does what `close()`/`stop()` does, is idempotent, and releases a pending
 * wait as `close()` does. ts-jest compiles `using` down for the ES2022 target (TypeScript's
 * `__addDisposableResource` helpers), so these blocks run the way a user's downlevelled code does.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { asyncScheduler } from 'rxjs';
import {
  Anycast,
  Bidirectional,
  Broadcast,
  Event,
  fromObservable,
  Merge,
  MergeNamed,
  ReceiverStoppedError,
  Select,
  Timer,
  type Receiver,
} from 'rx-channels';
import { Subject } from 'rxjs';
import { FileWatcher } from 'rx-channels/file-watcher';
import { ASYNC_DISPOSE, DISPOSE } from '../../lib/internal/dispose';
import { settlementOf, track } from '../helpers/async';

describe('dispose', () => {
  describe('the keys', () => {
    it('are the runtime’s well-known symbols where it has them', () => {
      expect(DISPOSE).toBe(Symbol.dispose);
      expect(ASYNC_DISPOSE).toBe(Symbol.asyncDispose);
    });

    it('fall back to the registry symbols a polyfill installs (core-js) where the runtime lacks them', () => {
      const symbol = Symbol as unknown as Record<string, symbol | undefined>;
      const saved = { dispose: symbol.dispose, asyncDispose: symbol.asyncDispose };
      try {
        Object.defineProperty(Symbol, 'dispose', { value: undefined, configurable: true });
        Object.defineProperty(Symbol, 'asyncDispose', { value: undefined, configurable: true });
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the module
          const fresh = require('../../lib/internal/dispose') as typeof import('../../lib/internal/dispose');
          expect(fresh.DISPOSE).toBe(Symbol.for('Symbol.dispose'));
          expect(fresh.ASYNC_DISPOSE).toBe(Symbol.for('Symbol.asyncDispose'));
          // The classes of that copy are keyed by the fallback.
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the package
          const root = require('../../lib/index') as typeof import('rx-channels');
          const receiver = new root.Anycast<number>().newReceiver() as unknown as Record<symbol, () => void>;
          expect(typeof receiver[Symbol.for('Symbol.dispose')]).toBe('function');
          const channel = new root.Anycast<number>() as unknown as Record<symbol, () => Promise<void>>;
          expect(typeof channel[Symbol.for('Symbol.asyncDispose')]).toBe('function');
        });
      } finally {
        Object.defineProperty(Symbol, 'dispose', { value: saved.dispose, configurable: true });
        Object.defineProperty(Symbol, 'asyncDispose', { value: saved.asyncDispose, configurable: true });
      }
    });
  });

  it('the methods are not enumerable (as class methods are not), and shared by every instance', () => {
    const first = new Anycast<number>();
    const second = new Anycast<number>();
    expect(Object.getOwnPropertyDescriptor(first, Symbol.asyncDispose)?.enumerable).toBe(false);
    expect(first[Symbol.asyncDispose]).toBe(second[Symbol.asyncDispose]);
    expect(Object.getOwnPropertySymbols({ ...first })).not.toContain(Symbol.asyncDispose);
  });

  describe('receivers (using calls close())', () => {
    it('a channel receiver is closed at the end of the block, also on a throw', async () => {
      const channel = new Anycast<number>({ maxsize: 4 });
      let outside: Receiver<number> | undefined;
      expect(() => {
        using receiver = channel.newReceiver();
        outside = receiver;
        throw new Error('boom');
      }).toThrow('boom');
      await expect(outside?.ready()).resolves.toBe(false);
    });

    it('releases a pending receive() as close() does, and loses no message', async () => {
      const channel = new Anycast<number>();
      const sender = channel.newSender();
      let pending: ReturnType<typeof track<number>>;
      {
        using receiver = channel.newReceiver();
        pending = track(receiver.receive());
        await settlementOf(Promise.resolve());
        expect(pending.current().state).toBe('pending');
      }
      await settlementOf(Promise.resolve());
      const settled = pending.current();
      expect(settled.state).toBe('rejected');
      expect(settled.state === 'rejected' && settled.reason).toBeInstanceOf(ReceiverStoppedError);
      await sender.send(1);
      await expect(channel.newReceiver().receive()).resolves.toBe(1);
    });

    it('a message announced by ready() but not consumed goes back to the channel', async () => {
      const channel = new Anycast<string>();
      await channel.newSender().send('kept');
      {
        using receiver = channel.newReceiver();
        await expect(receiver.ready()).resolves.toBe(true);
      }
      await expect(channel.newReceiver().receive()).resolves.toBe('kept');
    });

    it('is idempotent, and disposing after close() is harmless', async () => {
      const channel = new Broadcast<number>('events');
      const receiver = channel.newReceiver();
      receiver.close();
      receiver[Symbol.dispose]();
      receiver[Symbol.dispose]();
      expect(channel.receiverCount).toBe(0);
      await expect(receiver.ready()).resolves.toBe(false);
    });

    it('a Broadcast receiver leaves its channel', () => {
      const channel = new Broadcast<number>('events');
      {
        using _receiver = channel.newReceiver();
        expect(channel.receiverCount).toBe(1);
      }
      expect(channel.receiverCount).toBe(0);
    });

    it('map() and filter() receivers close the receiver they wrap', async () => {
      const channel = new Anycast<number>();
      const source = channel.newReceiver();
      {
        using _doubled = source.map((value) => value * 2).filter((value) => value > 0);
      }
      await expect(source.ready()).resolves.toBe(false);
    });

    it('a receiver of fromObservable() unsubscribes from its source', () => {
      const subject = new Subject<number>();
      {
        using _receiver = fromObservable(subject);
        expect(subject.observed).toBe(true);
      }
      expect(subject.observed).toBe(false);
    });

    it('a Bidirectional handle closes its receiving side', async () => {
      const channel = new Bidirectional<string, number>('client', 'service');
      {
        using _handle = channel.serviceHandle;
      }
      await expect(channel.serviceHandle.ready()).resolves.toBe(false);
    });
  });

  describe('utilities', () => {
    it('a Timer stops', async () => {
      let outside: Timer | undefined;
      {
        using timer = new Timer(60_000, { scheduler: asyncScheduler });
        outside = timer;
      }
      await expect(outside.ready()).resolves.toBe(false);
    });

    it('an Event stops, and a pending ready() resolves false', async () => {
      const event = new Event();
      let pending: Promise<boolean>;
      {
        using disposed = event;
        pending = disposed.ready();
      }
      await expect(pending).resolves.toBe(false);
      expect(event.isStopped).toBe(true);
    });

    it('Merge and MergeNamed: using calls close(), await using calls stop(); the sources stay open', async () => {
      const channel = new Anycast<number>();
      const first = channel.newReceiver();
      const second = channel.newReceiver();
      let pending: Promise<boolean>;
      {
        using merged = new Merge(first, second);
        pending = merged.ready();
      }
      await expect(pending).resolves.toBe(false);
      {
        await using named = new MergeNamed({ first, second });
        pending = named.ready();
      }
      await expect(pending).resolves.toBe(false);
      await channel.newSender().send(7);
      await expect(first.receive()).resolves.toBe(7);
    });

    it('Select: using and await using call stop(); a pending ready() resolves false', async () => {
      const channel = new Anycast<number>();
      const receivers = { numbers: channel.newReceiver() };
      let pending: Promise<boolean>;
      {
        using select = new Select(receivers);
        pending = select.ready();
      }
      await expect(pending).resolves.toBe(false);
      {
        await using select = new Select(receivers);
        pending = select.ready();
      }
      await expect(pending).resolves.toBe(false);
      const select = new Select(receivers);
      select[Symbol.dispose]();
      select[Symbol.dispose]();
      await expect(select[Symbol.asyncDispose]()).resolves.toBeUndefined();
    });

    it('a FileWatcher: await using waits until chokidar has released its handles', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'rx-channels-dispose-'));
      try {
        let outside: FileWatcher | undefined;
        {
          await using watcher = new FileWatcher({ paths: [directory] });
          outside = watcher;
          await watcher.started;
        }
        await expect(outside.ready()).resolves.toBe(false);
        await expect(outside[Symbol.asyncDispose]()).resolves.toBeUndefined();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });
  });

  describe('channels (await using calls close())', () => {
    it.each([
      ['Anycast', () => new Anycast<number>()],
      ['Broadcast', () => new Broadcast<number>('events')],
    ] as const)('%s is closed at the end of the block; senders fail and receivers drain', async (_name, make) => {
      let outside: Anycast<number> | Broadcast<number> | undefined;
      let receiver: Receiver<number> | undefined;
      {
        await using channel = make();
        outside = channel;
        receiver = channel.newReceiver();
        await channel.newSender().send(1);
      }
      expect(outside.isClosed).toBe(true);
      await expect(receiver.receive()).resolves.toBe(1);
      await expect(receiver.ready()).resolves.toBe(false);
      await expect(outside[Symbol.asyncDispose]()).resolves.toBeUndefined();
    });

    it('a blocked sender is released when the block ends', async () => {
      let blocked: Promise<void> | undefined;
      {
        await using channel = new Anycast<number>({ maxsize: 1 });
        const sender = channel.newSender();
        await sender.send(1);
        blocked = sender.send(2);
      }
      await expect(blocked).rejects.toThrow('The channel was closed');
    });

    it('Bidirectional closes both directions', async () => {
      const channel = new Bidirectional<string, number>('client', 'service');
      {
        await using _disposed = channel;
      }
      await expect(channel.clientHandle.ready()).resolves.toBe(false);
      await expect(channel.serviceHandle.ready()).resolves.toBe(false);
      await expect(channel.clientHandle.send('late')).rejects.toThrow();
    });
  });
});
