#!/usr/bin/env bash
# Packs the built package, installs the tarball into an empty project, and loads every entry
# point through the exports map with require() and import(); then checks that the CommonJS and
# ESM builds recognise each other's errors (scripts/smoke-dual-package.mjs).
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$root/node_modules/rxjs" "$work/$tarball" >/dev/null
entries=$(node -e "console.log(Object.keys(require('rx-channels/package.json').exports).filter(k => k !== './package.json').map(k => k === '.' ? 'rx-channels' : 'rx-channels/' + k.slice(2)).join(' '))")
for entry in $entries; do
  node -e "const m = require('$entry'); if (Object.keys(m).length === 0) throw new Error('$entry: require() gave no exports'); console.log('require $entry:', Object.keys(m).length, 'exports')"
  node --input-type=module -e "const m = await import('$entry'); if (Object.keys(m).length === 0) throw new Error('$entry: import() gave no exports'); console.log('import  $entry:', Object.keys(m).length, 'exports')"
done
node -e "
const { Anycast } = require('rx-channels');
const channel = new Anycast({ maxsize: 2 });
const receiver = channel.newReceiver();
channel.newSender().send(42).then(() => receiver.receive()).then((message) => {
  if (message !== 42) throw new Error('round trip gave ' + message);
  console.log('CommonJS round trip: ok');
});
"
node --input-type=module -e "
import { Broadcast } from 'rx-channels';
const channel = new Broadcast('smoke');
const receiver = channel.newReceiver();
await channel.newSender().send('hi');
if ((await receiver.receive()) !== 'hi') throw new Error('ESM round trip failed');
console.log('ESM round trip: ok');
"
# The dual-package hazard: errors made by the CommonJS build are instanceof the ESM build's classes.
cp "$root/scripts/smoke-dual-package.mjs" "$work/"
node "$work/smoke-dual-package.mjs"
