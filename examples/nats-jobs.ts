/**
 * Recipe: one Anycast across two OS processes, on NATS JetStream: `npx tsx examples/nats-jobs.ts`.
 *
 * The parent process sends jobs; a child process (this same file, forked with the argument
 * `worker`) takes them with `for await`, each acknowledged when the loop gets it. `close()` in
 * the parent seals the stream: the child's loop ends once it has every job that was sent.
 * Uses `$NATS_URL` if set, else starts a throwaway `nats-server -js` (it must be installed,
 * Debian: `apt-get install nats-server`) on a free port and stops it at the end.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { NatsAnycast } from 'rx-channels/nats';

interface Job {
  readonly id: number;
}

/** The child process: takes jobs until the channel is closed and drained. */
async function worker(url: string): Promise<void> {
  const connection = await connect({ servers: url, maxReconnectAttempts: -1 });
  const jobs = await NatsAnycast.open<Job>(connection, { name: 'example-jobs', maxsize: 4 });
  let count = 0;
  for await (const job of jobs.newReceiver()) {
    count++;
    console.log(`  worker ${process.pid}: job ${job.id}`);
  }
  console.log(`  worker ${process.pid}: channel closed after ${count} jobs`);
  await connection.close();
}

/** The parent process: sends 8 jobs (waiting while 4 are unacknowledged), then closes. */
async function main(): Promise<void> {
  let server: ChildProcess | undefined;
  let store: string | undefined;
  let url = process.env['NATS_URL'];
  if (url === undefined) {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 4222));
      });
    });
    store = mkdtempSync(join(tmpdir(), 'rxc-example-'));
    const binary = process.env['NATS_SERVER'] ?? '/usr/sbin/nats-server';
    server = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: 'ignore' });
    url = `nats://127.0.0.1:${port}`;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const connection = await connect({ servers: url, maxReconnectAttempts: -1, waitOnFirstConnect: true });
  try {
    const jobs = await NatsAnycast.open<Job>(connection, { name: 'example-jobs', maxsize: 4 });
    const child = fork(__filename, ['worker', url], { execArgv: ['--import', 'tsx'] });
    const sender = jobs.newSender();
    for (let id = 1; id <= 8; id++) {
      await sender.send({ id }); // resolves once the server stored it
    }
    await jobs.close();
    await new Promise((resolve) => child.once('exit', resolve));
    const jsm = await connection.jetstreamManager();
    await jsm.streams.delete('RXC_example-jobs');
  } finally {
    await connection.close();
    server?.kill('SIGTERM');
    if (store !== undefined) rmSync(store, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.argv[2] === 'worker') {
    void worker(process.argv[3] as string);
  } else {
    void main();
  }
}
