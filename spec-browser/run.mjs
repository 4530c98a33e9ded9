// The browser test (`npm run test:browser`, after `npm run build`): bundles page.ts and the Web
// Worker it starts (worker.ts) with esbuild against the built dist/index.mjs and dist/worker.mjs
// (the package's root and worker entries, rxjs bundled in as an app would), serves them on 127.0.0.1, opens it in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser download) and asserts what the page shows. Prints one line per
// check and `browser: N passed, M failed`; exits non-zero on any failure.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
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
 * The page's script or its worker's (`name`.ts); `platform: 'browser'` also makes any `node:*`
 * import in the root or worker entry fail here.
 */
async function bundle(name) {
  const entries = { 'rx-channels': 'index.mjs', 'rx-channels/worker': 'worker.mjs' };
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
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
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
  try {
    const { port } = server.address();
    const shown = await readPage(`http://127.0.0.1:${port}/`);
    console.log(`browser: ${shown.userAgent}`);
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
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(`browser: FAIL ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
