/**
 * A real `nats-server -js` for the specs of rx-channels/nats: on 127.0.0.1, a free port, a
 * temporary store directory; stopped by its process id. No mocks of NATS. When the binary is
 * missing, `start()` throws (the specs fail, they do not skip): install Debian's `nats-server`
 * (`.ci/run` does, with apt-get) or set `NATS_SERVER` to the binary.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the binary is: `$NATS_SERVER`, else `nats-server` on the PATH, else Debian's /usr/sbin one. */
function findBinary(): string {
  const candidates = [process.env.NATS_SERVER, 'nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server'];
  for (const candidate of candidates) {
    if (candidate !== undefined && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) {
      return candidate;
    }
  }
  throw new Error(
    'nats-server was not found: the rx-channels/nats specs need a real NATS server with JetStream. ' +
      'Install it (Debian: `apt-get install -y nats-server`; .ci/run does) or set NATS_SERVER to its path.',
  );
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One nats-server process (restartable on the same port and store). */
export class NatsServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    private readonly binary: string,
    readonly port: number,
    readonly storeDir: string,
  ) {}

  /** `nats://127.0.0.1:<port>` */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The process id of the running server (undefined when stopped). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts a server and waits until JetStream is ready and it accepts connections. */
  static async start(): Promise<NatsServer> {
    const binary = findBinary();
    const server = new NatsServer(binary, await freePort(), mkdtempSync(join(tmpdir(), 'rxc-nats-')));
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    this.output = '';
    const child = spawn(this.binary, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`nats-server exited with ${child.exitCode}:\n${this.output}`);
      }
      if (this.output.includes('Server is ready') && (await canConnect(this.port))) {
        return;
      }
      await sleep(20);
    }
    await this.stop('SIGKILL');
    throw new Error(`nats-server did not become ready within 10 s:\n${this.output}`);
  }

  /** Stops the server by its pid (SIGTERM lets it flush its store; SIGKILL does not) and waits for it to exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid as number, signal);
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid as number, 'SIGKILL');
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops (by `signal`) and starts again on the same port and store directory. */
  async restart(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.launch();
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
