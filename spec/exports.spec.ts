import { readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import * as root from 'rx-channels';
import * as util from 'rx-channels/util';

/** Every runtime name API.md puts in the package root. */
const ROOT_NAMES = [
  // Errors
  'ChannelsError',
  'ChannelError',
  'ChannelClosedError',
  'SenderClosedError',
  'SenderError',
  'ReceiverError',
  'ReceiverStoppedError',
  'ReceiverInvalidatedError',
  // Sender and Receiver
  'Sender',
  'Receiver',
  'Peekable',
  // Channels
  'Anycast',
  'Broadcast',
  'BroadcastReceiver',
  'Bidirectional',
  'BidirectionalHandle',
  // Logging
  'setLogger',
  // Utilities
  'Timer',
  'TriggerAllMissed',
  'SkipMissedAndResync',
  'SkipMissedAndDrift',
  'Merge',
  'merge',
  'MergeNamed',
  'Select',
  'select',
  'selectedFrom',
  'Selected',
  'SelectError',
  'UnhandledSelectedError',
  'Event',
  'fromObservable',
  'forEachConcurrent',
  'NopReceiver',
  'withPrevious',
  'RelaySender',
  'oneshot',
  'OneshotSender',
  'Pipe',
  'LatestValueCache',
  'GroupingLatestValueCache',
] as const;

/** The utilities, which `rx-channels/util` exports too. */
const UTIL_NAMES = ROOT_NAMES.slice(ROOT_NAMES.indexOf('Timer'));

const LIB = resolve(__dirname, '..', 'lib');

/** Every module specifier `source` imports or re-exports, type-only ones included; comments are skipped. */
function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...code.matchAll(pattern)].map((match) => match[1] as string);
}

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
  if (candidate === undefined) {
    throw new Error(`Cannot resolve ${specifier} from ${relative(LIB, fromFile)}`);
  }
  return candidate;
}

/** The files and the bare packages reachable from `entry` through imports and re-exports. */
function importGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) {
      continue;
    }
    files.add(file);
    for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        pending.push(resolveRelative(file, specifier));
      } else {
        packages.set(specifier, relative(LIB, file));
      }
    }
  }
  return { files, packages };
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] as string);
}

describe('exports', () => {
  describe("'rx-channels'", () => {
    it.each(ROOT_NAMES)('exports %s', (name) => {
      expect(root).toHaveProperty(name);
      expect(typeof (root as Record<string, unknown>)[name]).toBe('function');
    });

    it('does not export FileWatcher, which is Node-only', () => {
      expect(root).not.toHaveProperty('FileWatcher');
    });

    it('exports Bidirectional.Handle as BidirectionalHandle', () => {
      expect(root.Bidirectional.Handle).toBe(root.BidirectionalHandle);
    });

    it('its module graph imports no Node built-in module, directly or through a re-export', () => {
      const { files, packages } = importGraph(join(LIB, 'index.ts'));
      expect(files.size).toBeGreaterThan(5);
      const builtins = [...packages].filter(([specifier]) => isNodeBuiltin(specifier));
      expect(builtins).toEqual([]);
    });

    it('its module graph imports no package but its peer dependency rxjs', () => {
      const { packages } = importGraph(join(LIB, 'index.ts'));
      const others = [...packages].filter(([specifier]) => specifier !== 'rxjs' && !specifier.startsWith('rxjs/'));
      expect(others).toEqual([]);
    });
  });

  describe("'rx-channels/util'", () => {
    it.each(UTIL_NAMES)('exports %s, the same binding as the root', (name) => {
      expect(util).toHaveProperty(name);
      expect((util as Record<string, unknown>)[name]).toBe((root as Record<string, unknown>)[name]);
    });

    it('exports nothing the root does not', () => {
      const missing = Object.keys(util).filter((name) => !(name in root));
      expect(missing).toEqual([]);
    });

    it('does not export FileWatcher, and its module graph imports no Node built-in module', () => {
      expect(util).not.toHaveProperty('FileWatcher');
      const { packages } = importGraph(join(LIB, 'util.ts'));
      expect([...packages].filter(([specifier]) => isNodeBuiltin(specifier))).toEqual([]);
    });
  });

  describe('the import graph check', () => {
    it('sees imports, type imports, re-exports and dynamic imports, and skips comments', () => {
      const source = [
        "import { a } from './a';",
        "import type { Stats } from 'fs';",
        'export { b } from "node:path";',
        "const c = await import('node:os');",
        "// import 'node:events';",
        "/** import { d } from 'node:http' */",
      ].join('\n');
      expect(specifiersOf(source)).toEqual(['./a', 'fs', 'node:path', 'node:os']);
      expect(specifiersOf(source).filter(isNodeBuiltin)).toEqual(['fs', 'node:path', 'node:os']);
    });
  });
});
