/**
 * rx-channels as users get it: the BUILT package (`dist/*.mjs`), loaded at run time. The types
 * come from the sources (`rx-channels` maps to lib/ in tsconfig), so that the bench type-checks
 * on a clean clone before anything is built.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type RxChannels = typeof import('rx-channels');
export type RxChannelsUtil = typeof import('rx-channels/util');
export type RxChannelsWorker = typeof import('rx-channels/worker');

const distDirectory = fileURLToPath(new URL('../dist/', import.meta.url));

async function loadBuilt<T>(file: string): Promise<T> {
  const path = `${distDirectory}${file}`;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` first (\`npm run bench\` does)`);
  }
  return (await import(pathToFileURL(path).href)) as T;
}

export const rx = await loadBuilt<RxChannels>('index.mjs');
export const rxUtil = await loadBuilt<RxChannelsUtil>('util.mjs');
export const rxWorker = await loadBuilt<RxChannelsWorker>('worker.mjs');
