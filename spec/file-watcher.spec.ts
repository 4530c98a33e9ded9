import { expectTypeOf } from 'expect-type';
import * as root from 'rx-channels';
import type { FileWatcher, FileWatcherEvent, FileWatcherEventType, FileWatcherOptions } from 'rx-channels/file-watcher';
import * as util from 'rx-channels/util';

/** Records whether anything loaded chokidar, which only `rx-channels/file-watcher` may do. */
const mockLoads = { chokidar: 0 };
jest.mock('chokidar', () => {
  mockLoads.chokidar++;
  return jest.requireActual<typeof import('chokidar')>('chokidar');
});

describe('rx-channels/file-watcher', () => {
  it('exports FileWatcher, and is the only entry that loads chokidar', () => {
    expect(mockLoads.chokidar).toBe(0);
    expect(Object.keys(root)).not.toContain('FileWatcher');
    expect(Object.keys(util)).not.toContain('FileWatcher');

    const entry = jest.requireActual<typeof import('rx-channels/file-watcher')>('rx-channels/file-watcher');
    expect(Object.keys(entry)).toEqual(['FileWatcher']);
    expect(typeof entry.FileWatcher).toBe('function');
    expect(mockLoads.chokidar).toBe(1);
  });

  it('exports the types of its options and events', () => {
    expectTypeOf<FileWatcherEvent>().toEqualTypeOf<{
      readonly type: 'create' | 'modify' | 'delete';
      readonly path: string;
    }>();
    expectTypeOf<FileWatcherEventType>().toEqualTypeOf<FileWatcherEvent['type']>();
    expectTypeOf<FileWatcherOptions['paths']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<FileWatcher>().toMatchTypeOf<root.Receiver<FileWatcherEvent>>();
    expectTypeOf<FileWatcher['stop']>().returns.toEqualTypeOf<Promise<void>>();
  });
});
