// The browser test (`npm run test:browser`, after `npm run build`): bundles page.ts and the Web
// Worker it starts (worker.ts) with esbuild against the built dist/index.mjs and dist/worker.mjs
// (the package's root and worker entries, rxjs bundled in as an app would), serves them on 127.0.0.1, opens it in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download) and asserts what the page shows. The `nats ...` checks use
// dist/nats.mjs with the `nats.ws` client on a real `nats-server -js` (Debian's, or `$NATS_SERVER`)
// that this script starts with a WebSocket listener on free ports and a temporary store, passes to
// the page as `?nats=ws://...`, and stops by its pid at the end (also on failure). Prints one line per
// check and `browser: N passed, M failed`; exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..');
const EXPECTED_CHECKS = [
  'anycast',
  'broadcast',
  'timer',
  'select',
  'worker anycast',
  'worker broadcast',
  'worker terminate',
  'worker close',
  'nats anycast',
  'nats broadcast',
];
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TIMEOUT_MS = 30_000;

/**
 * `nats.ws` bundles tweetnacl, whose guarded `require('crypto')` (only reached where there is no
 * `globalThis.crypto`) esbuild cannot resolve for a browser: for that importer alone it resolves
 * to an empty module, as an app's bundler is set up for nats.ws (webpack: `fallback: { crypto:
 * false }`). Anything else importing `crypto` still fails the build.
 */
const natsWsCrypto = {
  name: 'nats.ws-crypto',
  setup(build) {
    build.onResolve({ filter: /^crypto$/ }, (args) =>
      /[\\/]node_modules[\\/]nats\.ws[\\/]/.test(args.importer) ? { path: 'crypto', namespace: 'empty' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/**
 * The page's script or its worker's (`name`.ts); `platform: 'browser'` also makes any `node:*`
 * import in the root, worker or nats entry fail here.
 */
async function bundle(name) {
  const entries = { 'rx-channels': 'index.mjs', 'rx-channels/worker': 'worker.mjs', 'rx-channels/nats': 'nats.mjs' };
  const alias = {};
  for (const [specifier, file] of Object.entries(entries)) {
    alias[specifier] = join(root, 'dist', file);
    if (!existsSync(alias[specifier])) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
    }
  }
  const result = await build({
    entryPoints: [join(import.meta.dirname, `${name}.ts`)],
    alias,
    plugins: [natsWsCrypto],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `$NATS_SERVER`, else `nats-server` on the PATH, else Debian's /usr/sbin one. */
function natsBinary() {
  const candidates = [process.env.NATS_SERVER, 'nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server'];
  const found = candidates.find(
    (candidate) => candidate !== undefined && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  if (found === undefined) {
    throw new Error('nats-server was not found (Debian: `apt-get install -y nats-server`, or set NATS_SERVER)');
  }
  return found;
}

/**
 * Starts `nats-server -js` with a WebSocket listener (no TLS) on free ports of 127.0.0.1 and a
 * temporary store; resolves when both listeners accept connections. `stop()` kills it by its pid,
 * waits for it to exit and removes its directory.
 */
async function startNats() {
  const dir = mkdtempSync(join(tmpdir(), 'rxc-browser-nats-'));
  const [port, wsPort] = [await freePort(), await freePort()];
  const config = join(dir, 'nats.conf');
  writeFileSync(
    config,
    [
      `listen: 127.0.0.1:${port}`,
      `jetstream { store_dir: "${join(dir, 'store')}" }`,
      `websocket { host: 127.0.0.1, port: ${wsPort}, no_tls: true }`,
      '',
    ].join('\n'),
  );
  const child = spawn(natsBinary(), ['-js', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nats-server exited with ${child.exitCode}:\n${output}`);
    }
    if (output.includes('Server is ready') && (await canConnect(port)) && (await canConnect(wsPort))) {
      return { url: `ws://127.0.0.1:${wsPort}`, pid: child.pid, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await stop();
  throw new Error(`nats-server did not become ready within 10 s:\n${output}`);
}

/** Serves the page, its script and its worker's on an ephemeral port of 127.0.0.1. */
function serve(script, workerScript) {
  const files = {
    '/': ['text/html', readFileSync(join(import.meta.dirname, 'index.html'))],
    '/page.js': ['text/javascript', script],
    '/worker.js': ['text/javascript', workerScript],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
    response.writeHead(file ? 200 : 404, { 'content-type': file ? file[0] : 'text/plain' });
    response.end(file ? file[1] : 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Opens the page, waits until it says it is done, and returns what it shows. */
async function readPage(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: TIMEOUT_MS });
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        pageErrors.push(message.text());
      }
    });
    await page.goto(url);
    await page.waitForSelector('#status[data-done="true"]', { timeout: TIMEOUT_MS });
    const results = await page.locator('#results li').allTextContents();
    const status = await page.locator('#status').textContent();
    mkdirSync(join(root, 'reports'), { recursive: true });
    await page.screenshot({ path: join(root, 'reports', 'browser-test.png') });
    return { results, status, pageErrors, userAgent: await page.evaluate(() => navigator.userAgent) };
  } finally {
    await browser.close();
  }
}

/**
 * The assertions on what the page shows: each expected check passed, the status line counts them
 * all, and the page logged no error. Each gives `[name, problem or undefined]`.
 */
function assertions({ results, status, pageErrors }) {
  const expectedStatus = `${EXPECTED_CHECKS.length}/${EXPECTED_CHECKS.length} checks passed`;
  return [
    ...EXPECTED_CHECKS.map((name) => [
      name,
      results.some((line) => line.startsWith(`${name}: pass`)) ? undefined : 'did not pass',
    ]),
    ['status', status === expectedStatus ? undefined : `is "${status}", expected "${expectedStatus}"`],
    ['no page errors', pageErrors.length === 0 ? undefined : pageErrors.join(' | ')],
  ];
}

async function main() {
  const started = performance.now();
  const server = await serve(await bundle('page'), await bundle('worker'));
  let nats;
  try {
    nats = await startNats();
    const { port } = server.address();
    const shown = await readPage(`http://127.0.0.1:${port}/?nats=${encodeURIComponent(nats.url)}`);
    console.log(`browser: ${shown.userAgent}`);
    console.log(`browser: nats-server pid ${nats.pid}, ${nats.url}`);
    for (const line of shown.results) {
      console.log(`browser:   ${line}`);
    }
    const outcomes = assertions(shown);
    const failed = outcomes.filter(([, problem]) => problem !== undefined);
    for (const [name, problem] of failed) {
      console.error(`browser: FAIL ${name}: ${problem}`);
    }
    console.log(`browser: ${outcomes.length - failed.length} passed, ${failed.length} failed`);
    console.log(`browser: took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(failed.length === 0 ? 'browser test: PASS' : 'browser test: FAIL');
    return failed.length === 0;
  } finally {
    server.close();
    await nats?.stop();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(`browser: FAIL ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
