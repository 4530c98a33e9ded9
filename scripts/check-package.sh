#!/usr/bin/env bash
# Package correctness (`npm run lint:package`, after `npm run build`): packs the package once and
# runs publint and arethetypeswrong (attw) on that tarball, for every entry point of `exports`
# under node10, node16 (CommonJS and ESM) and bundler resolution. Any problem fails the script.
#
# node10 resolution (TypeScript's `moduleResolution: "node"`) ignores `exports`; package.json
# `typesVersions` maps each subpath (`rx-channels/util`, ...) to its `.d.cts` for it. Runtimes that
# ignore `exports` are out of scope: `engines` asks for Node.js 20.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"

echo "== publint (strict: warnings fail)"
npx --no-install publint run --strict "$tarball"

echo "== arethetypeswrong (profile strict: node10, node16-cjs, node16-esm, bundler)"
npx --no-install attw "$tarball" --profile strict --format table --no-emoji --no-color

echo "lint:package: publint and attw found no problems"
