// Consumer type check (`npm run typecheck:consumer`, after `npm run build`): type-checks a small
// program that imports the built package (dist/, through the `exports` map) and uses `using` and
// `await using` on its channels, receivers and utilities, under several consumer setups:
//
//   es2022 + dom, no @types/node   the lib has no `esnext.disposable`: the package's declarations
//                                  must give `Symbol.dispose` and `Disposable` themselves
//   esnext + dom, no @types/node   TypeScript's own declarations, merged with the package's
//   es2022, @types/node            @types/node's declarations, merged with the package's
//
// each with `skipLibCheck: false` (the package's .d.ts is checked too), as ESM and as CommonJS.
// Any type error fails the script.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

const consumer = `
import { Anycast, Bidirectional, Broadcast, Event, forEachConcurrent, Merge, Select, Timer } from 'rx-channels';
import { FileWatcher } from 'rx-channels/file-watcher';

export async function main(): Promise<number> {
  await using jobs = new Anycast<number>();
  await using events = new Broadcast<string>('events');
  await using pair = new Bidirectional<string, number>('client', 'service');
  using receiver = jobs.newReceiver();
  using listener = events.newReceiver();
  using timer = new Timer(1000, { autoStart: false });
  using event = new Event();
  await using merged = new Merge(jobs.newReceiver(), jobs.newReceiver());
  using select = new Select({ jobs: jobs.newReceiver(), events: events.newReceiver() });
  await using watcher = new FileWatcher({ paths: ['.'] });
  const disposables: Disposable[] = [receiver, listener, timer, event, merged, select, watcher];
  const asyncDisposables: AsyncDisposable[] = [jobs, events, pair, merged, select, watcher];
  await forEachConcurrent(jobs.newReceiver(), (job, { signal }) => signal.aborted || job > 0, { concurrency: 2 });
  return disposables.length + asyncDisposables.length;
}
`;

/** [label, compilerOptions] of each consumer setup. */
const setups = [
  ['es2022 + dom, no @types/node', { lib: ['es2022', 'dom'], types: [] }],
  ['esnext + dom, no @types/node', { lib: ['esnext', 'dom'], types: [] }],
  ['es2022, @types/node', { lib: ['es2022'], types: ['node'] }],
];

/** [file name, module, moduleResolution] for ESM and CommonJS consumers. */
const formats = [
  ['consumer.mts', 'nodenext', 'nodenext'],
  ['consumer.cts', 'nodenext', 'nodenext'],
];

const work = mkdtempSync(join(tmpdir(), 'rx-channels-consumer-'));
let failed = false;
try {
  // The package as a consumer installs it: node_modules/rx-channels is this checkout (its
  // package.json and dist/), beside the peer dependency and @types/node.
  mkdirSync(join(work, 'node_modules', '@types'), { recursive: true });
  symlinkSync(root, join(work, 'node_modules', 'rx-channels'), 'dir');
  symlinkSync(join(root, 'node_modules', 'rxjs'), join(work, 'node_modules', 'rxjs'), 'dir');
  symlinkSync(join(root, 'node_modules', 'chokidar'), join(work, 'node_modules', 'chokidar'), 'dir');
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(work, 'node_modules', '@types', 'node'), 'dir');
  symlinkSync(join(root, 'node_modules', 'undici-types'), join(work, 'node_modules', 'undici-types'), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  for (const [file] of formats) {
    writeFileSync(join(work, file), consumer);
  }
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [label, options] of setups) {
    for (const [file, module, moduleResolution] of formats) {
      const config = {
        compilerOptions: {
          target: 'es2022',
          module,
          moduleResolution,
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          preserveSymlinks: true,
          ...options,
        },
        files: [file],
      };
      writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(config, null, 2));
      try {
        execFileSync(process.execPath, [tsc, '-p', join(work, 'tsconfig.json')], { cwd: work, stdio: 'pipe' });
        console.log(`consumer types: ${label}, ${file}: ok`);
      } catch (error) {
        failed = true;
        console.error(`consumer types: ${label}, ${file}: FAILED`);
        console.error(String(error.stdout) + String(error.stderr));
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
