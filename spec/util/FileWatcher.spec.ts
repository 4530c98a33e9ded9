import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { take, toArray, firstValueFrom } from 'rxjs';
import { ReceiverError, ReceiverStoppedError } from 'rx-channels';
import { FileWatcher, type FileWatcherEvent } from 'rx-channels/file-watcher';
import { settlementOf, thrownBy } from '../helpers/async';

/**
 * chokidar, with a switch: while `mockChokidar.fake` is set, `watch()` returns it instead of a
 * real watcher, so that the tests of errors and of the release can drive the watcher by hand.
 */
const mockChokidar: { fake: (EventEmitter & { close(): Promise<void> }) | undefined } = { fake: undefined };
jest.mock('chokidar', () => {
  const actual = jest.requireActual<typeof import('chokidar')>('chokidar');
  return { ...actual, watch: (...args: Parameters<typeof actual.watch>) => mockChokidar.fake ?? actual.watch(...args) };
});

/** Receives events until one matches, or fails when none did within `timeoutMs`. */
async function nextEvent(
  watcher: FileWatcher,
  matches: (event: FileWatcherEvent) => boolean,
  timeoutMs = 5_000,
): Promise<FileWatcherEvent> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    const event = await watcher.receive({ signal });
    if (matches(event)) {
      return event;
    }
  }
}

function isAbout(path: string): (event: FileWatcherEvent) => boolean {
  return (event) => event.path === path;
}

// chokidar reports a change within milliseconds; the waits give up after 5 s, before the test does.
jest.setTimeout(15_000);

describe('FileWatcher', () => {
  let directory: string;
  const watchers: FileWatcher[] = [];

  /** A watcher of `paths`, started, and stopped after the test. */
  async function startWatcher(options: ConstructorParameters<typeof FileWatcher>[0]): Promise<FileWatcher> {
    const watcher = new FileWatcher(options);
    watchers.push(watcher);
    await watcher.started;
    return watcher;
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'rx-channels-watch-'));
  });

  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()));
    rmSync(directory, { recursive: true, force: true });
  });

  describe('constructor', () => {
    it.each([undefined, [], 'dir', [''], [5]])('refuses paths %p with a TypeError', (paths) => {
      expect(() => new FileWatcher({ paths: paths as unknown as string[] })).toThrow(/`paths`/);
    });

    it('refuses unknown or no event types with a TypeError', () => {
      expect(() => new FileWatcher({ paths: [directory], eventTypes: [] })).toThrow(TypeError);
      const eventTypes = ['rename'] as unknown as ['create'];
      expect(() => new FileWatcher({ paths: [directory], eventTypes })).toThrow(/`eventTypes`/);
    });

    it('names the event types in FileWatcher.EventType', () => {
      expect(FileWatcher.EventType).toEqual({ CREATE: 'create', MODIFY: 'modify', DELETE: 'delete' });
    });

    it('reports all event types by default', async () => {
      const watcher = await startWatcher({ paths: [directory] });
      expect([...watcher.eventTypes].sort()).toEqual(['create', 'delete', 'modify']);
    });
  });

  describe('on a real directory', () => {
    it('reports a created file with its absolute path', async () => {
      const watcher = await startWatcher({ paths: [directory] });
      const file = join(directory, 'new.txt');
      writeFileSync(file, 'hello');
      expect(await nextEvent(watcher, isAbout(file))).toEqual({ type: 'create', path: file });
    });

    it('reports a modified file', async () => {
      const file = join(directory, 'existing.txt');
      writeFileSync(file, 'one');
      const watcher = await startWatcher({ paths: [directory] });
      writeFileSync(file, 'two, longer');
      expect(await nextEvent(watcher, isAbout(file))).toEqual({ type: 'modify', path: file });
    });

    it('reports a deleted file', async () => {
      const file = join(directory, 'doomed.txt');
      writeFileSync(file, 'bye');
      const watcher = await startWatcher({ paths: [directory] });
      unlinkSync(file);
      expect(await nextEvent(watcher, isAbout(file))).toEqual({ type: 'delete', path: file });
    });

    it('reports a file in a subdirectory, and never the directory itself', async () => {
      const watcher = await startWatcher({ paths: [directory] });
      const subdirectory = join(directory, 'nested');
      mkdirSync(subdirectory);
      const file = join(subdirectory, 'deep.txt');
      writeFileSync(file, 'deep');
      // The first event: the directory's creation is not one.
      const event = await nextEvent(watcher, () => true);
      expect(event).toEqual({ type: 'create', path: file });
    });

    it('reports nothing of the excluded types', async () => {
      const onlyDeletes = await startWatcher({ paths: [directory], eventTypes: [FileWatcher.EventType.DELETE] });
      // A second watcher of every type paces the changes, so each one is seen before the next.
      const everything = await startWatcher({ paths: [directory] });
      const file = join(directory, 'short-lived.txt');
      writeFileSync(file, 'one');
      await nextEvent(everything, (event) => event.path === file && event.type === 'create');
      writeFileSync(file, 'two, longer');
      await nextEvent(everything, (event) => event.path === file && event.type === 'modify');
      unlinkSync(file);
      expect(await nextEvent(onlyDeletes, () => true)).toEqual({ type: 'delete', path: file });
    });

    it('resolves relative paths against the current directory', async () => {
      const watcher = await startWatcher({ paths: [relative(process.cwd(), directory)] });
      const file = join(directory, 'relative.txt');
      writeFileSync(file, 'x');
      expect((await nextEvent(watcher, isAbout(file))).path).toBe(file);
    });
  });

  describe('as a Receiver', () => {
    it('works with for await, map() and filter()', async () => {
      const watcher = await startWatcher({ paths: [directory], eventTypes: ['create'] });
      const names = watcher
        .map((event) => event.path.slice(directory.length + 1))
        .filter((name) => name.endsWith('.md'));
      writeFileSync(join(directory, 'a.txt'), '');
      writeFileSync(join(directory, 'b.md'), '');
      const seen: string[] = [];
      for await (const name of names) {
        seen.push(name);
        break;
      }
      expect(seen).toEqual(['b.md']);
    });

    it('works as an Observable', async () => {
      const watcher = await startWatcher({ paths: [directory], eventTypes: ['create'] });
      const events = firstValueFrom(watcher.asObservable().pipe(take(2), toArray()));
      writeFileSync(join(directory, 'one.txt'), '');
      writeFileSync(join(directory, 'two.txt'), '');
      expect((await events).map((event) => event.type)).toEqual(['create', 'create']);
    });
  });

  describe('stop()', () => {
    it('resolves a pending ready() with false, drops buffered events, and releases the watcher', async () => {
      const watcher = await startWatcher({ paths: [directory] });
      const ready = watcher.ready();
      await watcher.stop();
      expect(await ready).toBe(false);
      expect(thrownBy(() => watcher.consume())).toBeInstanceOf(ReceiverStoppedError);
      writeFileSync(join(directory, 'after.txt'), '');
      expect(await watcher.ready()).toBe(false);
    });

    it('resolves started when stopped before chokidar was ready, and is idempotent', async () => {
      const watcher = new FileWatcher({ paths: [directory] });
      const first = watcher.stop();
      expect(watcher.stop()).toBe(first);
      await first;
      await watcher.started;
      expect(await watcher.ready()).toBe(false);
    });

    it('is what close() does', async () => {
      const watcher = await startWatcher({ paths: [directory] });
      watcher.close();
      expect(await watcher.ready()).toBe(false);
    });
  });

  describe('with a chokidar watcher driven by hand', () => {
    let fake: EventEmitter & { close: jest.Mock<Promise<void>, []> };

    beforeEach(() => {
      fake = Object.assign(new EventEmitter(), { close: jest.fn(() => Promise.resolve()) });
      mockChokidar.fake = fake;
    });

    afterEach(() => {
      mockChokidar.fake = undefined;
    });

    it('maps add, change and unlink, and ignores directory events', async () => {
      const watcher = new FileWatcher({ paths: [directory] });
      fake.emit('addDir', join(directory, 'dir'));
      fake.emit('add', join(directory, 'f'));
      fake.emit('change', join(directory, 'f'));
      fake.emit('unlinkDir', join(directory, 'dir'));
      fake.emit('unlink', join(directory, 'f'));
      const types: string[] = [];
      for (let index = 0; index < 3; index++) {
        types.push((await watcher.receive()).type);
      }
      expect(types).toEqual(['create', 'modify', 'delete']);
      expect((await settlementOf(watcher.ready())).state).toBe('pending');
      await watcher.stop();
    });

    it('queues an error in its place and throws it from consume() as a ReceiverError with the cause, then goes on', async () => {
      const watcher = new FileWatcher({ paths: [directory] });
      const failure = new Error('EACCES');
      fake.emit('add', join(directory, 'a'));
      fake.emit('error', failure);
      fake.emit('add', join(directory, 'b'));
      expect((await watcher.receive()).path).toBe(join(directory, 'a'));
      const error = await watcher.receive().catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(ReceiverError);
      expect((error as ReceiverError).cause).toBe(failure);
      expect((await watcher.receive()).path).toBe(join(directory, 'b'));
      await watcher.stop();
    });

    it('resolves started on chokidar ready, and stop() waits for chokidar to close', async () => {
      const watcher = new FileWatcher({ paths: [directory] });
      expect((await settlementOf(watcher.started)).state).toBe('pending');
      fake.emit('ready');
      await watcher.started;
      let release = (): void => {};
      fake.close.mockReturnValueOnce(new Promise<void>((resolve) => (release = resolve)));
      const stopping = watcher.stop();
      expect((await settlementOf(stopping)).state).toBe('pending');
      release();
      await stopping;
      expect(fake.close).toHaveBeenCalledTimes(1);
    });
  });
});
