/**
 * Watches a temporary directory, writes a file into it, prints the event and exits:
 * `npx tsx examples/file-watcher.ts`.
 *
 * `started` resolves once chokidar watches, so the write cannot be missed; the receive gives
 * up after 5 s; `stop()` releases the watcher, and Node exits on its own.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWatcher } from 'rx-channels/file-watcher';

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'rx-channels-example-'));
  const watcher = new FileWatcher({ paths: [directory], eventTypes: [FileWatcher.EventType.CREATE] });
  try {
    await watcher.started;
    await writeFile(join(directory, 'hello.txt'), 'hello');
    const event = await watcher.receive({ signal: AbortSignal.timeout(5000) });
    console.log(`  ${event.type}: ${event.path.slice(directory.length + 1)}`);
  } finally {
    await watcher.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
