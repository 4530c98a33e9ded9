import { existsSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

/** One entry point per subpath of the package's `exports` map. */
const entries = Object.fromEntries(
  [
    ['index', 'lib/index.ts'],
    ['util', 'lib/util.ts'],
    ['file-watcher', 'lib/file-watcher.ts'],
    ['testing', 'lib/testing.ts'],
    ['worker', 'lib/worker.ts'],
    ['nats', 'lib/nats.ts'],
  ].filter(([, file]) => existsSync(file)),
);

/** Dependencies and optional peer dependencies (the NATS client) are never bundled. */
const external = (id) =>
  id === 'rxjs' ||
  id.startsWith('rxjs/') ||
  id === 'chokidar' ||
  id === 'nats' ||
  id.startsWith('nats/') ||
  id.startsWith('node:');

/**
 * Receiver.ts and the map()/filter() receivers import each other on purpose: the wrappers' classes
 * are made at the first map()/filter() call, never at load time, so the cycle is safe.
 */
const knownCycle = (warning) =>
  warning.code === 'CIRCULAR_DEPENDENCY' &&
  warning.ids?.length === 3 &&
  warning.ids[0].endsWith('lib/Receiver.ts') &&
  /lib\/(Mapped|Filtered)Receiver\.ts$/.test(warning.ids[1]);

const onwarn = (warning, warn) => {
  if (!knownCycle(warning)) {
    warn(warning);
  }
};

const javascript = {
  input: entries,
  external,
  onwarn,
  plugins: [typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationMap: false })],
  output: [
    { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'shared/[name]-[hash].mjs' },
    { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'shared/[name]-[hash].cjs' },
  ],
};

const declarations = {
  input: entries,
  external,
  onwarn,
  plugins: [dts({ tsconfig: './tsconfig.build.json' })],
  output: [
    { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'shared/[name]-[hash].d.mts' },
    { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'shared/[name]-[hash].d.cts' },
  ],
};

export default [javascript, declarations];
