// Runs a TypeScript fixture inside a real worker thread: tsx compiles it (the worker does not go
// through Jest's transform). The package is CommonJS, so the fixture is loaded through tsx's
// CommonJS hook and require(): importing it through the ESM hook fails with
// ERR_REQUIRE_CYCLE_MODULE on Node 20 (lib/ is CommonJS-compiled TypeScript).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)(fileURLToPath(workerData.file));
