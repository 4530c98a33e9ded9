// Bundle size budget (`npm run size`, after `npm run build`): bundles each import of
// .size-limit.json from the built dist/index.mjs (or dist/<entry>.mjs for a case with `entry`,
// e.g. `"entry": "worker"` for rx-channels/worker) with esbuild (minified, ESM, `rxjs` external, as a
// browser app would), and checks its gzipped size against `limit`. A case with `mustNotBundle`
// also bundles unminified and fails if any of those classes or functions got in: importing one
// channel must not pull the others or the utilities (tree-shaking).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const entryOf = (name = 'index') => join(root, 'dist', `${name}.mjs`);
const cases = JSON.parse(readFileSync(join(root, '.size-limit.json'), 'utf8'));

/** Bundles `import <what> from rx-channels[/entry]`, re-exported so that nothing is dropped as unused. */
async function bundle(what, minify, entryName) {
  const entry = entryOf(entryName);
  const contents =
    what === '*' ? `export * from ${JSON.stringify(entry)};` : `export ${what} from ${JSON.stringify(entry)};`;
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['rxjs', 'rxjs/*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].contents;
}

/** `1234` bytes → `1.23 kB` (size-limit's decimal units). */
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
const parseLimit = (limit) => Number.parseFloat(limit) * (limit.endsWith('kB') ? 1000 : 1);

/** Names of `mustNotBundle` that the unminified bundle declares as a class or function. */
async function leakedNames({ import: what, entry, mustNotBundle = [] }) {
  const code = new TextDecoder().decode(await bundle(what, false, entry));
  return mustNotBundle.filter((name) =>
    new RegExp(`\\b(class|function\\*?|var|let|const) ${name}(\\$\\d+)?\\b`).test(code),
  );
}

let failed = false;
for (const sizeCase of cases) {
  const minified = await bundle(sizeCase.import, true, sizeCase.entry);
  const gzipped = gzipSync(minified, { level: 9 }).length;
  const leaks = await leakedNames(sizeCase);
  const overBudget = gzipped > parseLimit(sizeCase.limit);
  const verdict = overBudget || leaks.length > 0 ? 'FAILED' : 'ok';
  console.log(
    `size: ${sizeCase.name}: ${kB(gzipped)} min+gzip (${kB(minified.length)} minified), limit ${sizeCase.limit}: ${verdict}`,
  );
  if (leaks.length > 0) {
    console.error(`size: ${sizeCase.name} also bundles ${leaks.join(', ')}: tree-shaking is broken`);
  }
  failed ||= verdict !== 'ok';
}
process.exit(failed ? 1 : 0);
