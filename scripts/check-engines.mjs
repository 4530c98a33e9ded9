// Is package.json `engines.node` truthful? The CI smoke check (.ci/smoke-package.sh) loads both
// builds with the Node.js that runs CI; that proves the stated minimum only when it is that
// major version. Fails when this Node is below the minimum; says so when it is above it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const { engines } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
const minimum = Number(/^>=\s*(\d+)/.exec(engines?.node ?? '')?.[1]);
const running = Number(process.versions.node.split('.')[0]);
if (!Number.isInteger(minimum)) {
  console.error(`engines: expected engines.node like ">=20", got ${JSON.stringify(engines?.node)}`);
  process.exit(1);
}
if (running < minimum) {
  console.error(`engines: this is Node ${process.version}, below engines.node ${engines.node}`);
  process.exit(1);
}
const proof =
  running === minimum
    ? 'the smoke check ran on the minimum itself'
    : `note: the smoke check ran on Node ${running}, not ${minimum}`;
console.log(`engines: node ${engines.node}; Node ${process.version} here: ok (${proof})`);
