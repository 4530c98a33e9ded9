// Public API reports: runs api-extractor on the built `dist/<entry>.d.mts` of every entry point
// of package.json `exports`, and writes or checks `etc/<report>.api.md`.
//
//   node scripts/api-report.mjs --check   fails when the API differs from the committed report,
//                                         or when a report mentions the type `any`
//   node scripts/api-report.mjs --update  rewrites the reports (run `npm run api:update`)
//
// Needs `npm run build` first. rollup-plugin-dts writes the `.d.cts` files from the same bundle as
// the `.d.mts` ones, so one report per entry covers both; `sameAsCjs` checks that this still holds.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(import.meta.dirname, '..');
const update = process.argv.includes('--update');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** `exports` subpath → [entry file in dist, report name]: `.` → index / rx-channels. */
function entryPoints() {
  return Object.keys(packageJson.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => {
      const name = subpath === '.' ? 'index' : subpath.slice(2);
      return { subpath, dts: `dist/${name}.d.mts`, report: subpath === '.' ? 'rx-channels' : `rx-channels-${name}` };
    });
}

function runExtractor({ dts, report }) {
  const configFile = join(root, 'api-extractor.json');
  const configObject = ExtractorConfig.loadFile(configFile);
  configObject.mainEntryPointFilePath = `<projectFolder>/${dts}`;
  configObject.apiReport = { ...configObject.apiReport, reportFileName: report };
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: configFile,
    packageJsonFullPath: join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  // The report just generated (before any copy to etc/): what the code's API is now.
  return { result, reportPath: join(root, 'reports', 'api', `${report}.api.md`) };
}

/** Lines of a report that use `any` as a type (not inside a word or a comment). */
function anyLeaks(reportPath) {
  const lines = readFileSync(reportPath, 'utf8').split('\n');
  return lines
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => !line.trimStart().startsWith('//') && /(?<![\w$.'"`])any(?![\w$'"`])/.test(line));
}

/**
 * A declaration file and the chunks it imports, depth first, with chunk hashes and `.mjs`/`.cjs`
 * extensions taken out of the import paths: equal for the `.d.mts` and `.d.cts` of an entry
 * exactly when they declare the same API.
 */
function declarationTree(file, seen = new Set()) {
  if (seen.has(file)) {
    return '';
  }
  seen.add(file);
  const text = readFileSync(join(root, file), 'utf8');
  const imports = [...text.matchAll(/from '(\.[^']+)'|import '(\.[^']+)'/g)].map((match) => match[1] ?? match[2]);
  const children = imports.map((path) => {
    const dts = path.replace(/\.mjs$/, '.d.mts').replace(/\.cjs$/, '.d.cts');
    return declarationTree(join(dirname(file), dts), seen);
  });
  const normalised = text.replace(/(-[\w-]{8})?\.[mc]js'/g, "'");
  return [normalised, ...children].join('\n');
}

/** The `.d.cts` of an entry declares what its `.d.mts` declares. */
function sameAsCjs(dts) {
  const cjs = dts.replace(/\.d\.mts$/, '.d.cts');
  return existsSync(join(root, cjs)) && declarationTree(cjs) === declarationTree(dts);
}

/** Names a report exports (`export class X`, `export type X`, ...). */
function exportedNames(reportPath) {
  const text = readFileSync(reportPath, 'utf8');
  return [
    ...text.matchAll(
      /^export (?:declare )?(?:abstract )?(?:class|interface|type|function|const|namespace|enum) (\w+)/gm,
    ),
  ].map((match) => match[1]);
}

/**
 * Types a report uses but its entry does not export (api-extractor's ae-forgotten-export). One
 * entry may use another's types (FileWatcher extends the root's Receiver); each must be exported
 * by some entry, or users cannot name it.
 */
function forgottenNames(reportPath) {
  const text = readFileSync(reportPath, 'utf8');
  return [...text.matchAll(/\(ae-forgotten-export\) The symbol "(\w+)"/g)].map((match) => match[1]);
}

let failed = false;
const reports = [];
for (const entry of entryPoints()) {
  if (!existsSync(join(root, entry.dts))) {
    console.error(
      `api: ${entry.subpath}: ${entry.dts} is missing (run \`npm run build\`, or remove the subpath from exports)`,
    );
    failed = true;
    continue;
  }
  const { result, reportPath } = runExtractor(entry);
  const leaks = existsSync(reportPath) ? anyLeaks(reportPath) : [];
  for (const { line, number } of leaks) {
    console.error(`api: ${reportPath}:${number}: \`any\` in the public API: ${line.trim()}`);
  }
  const changed = result.apiReportChanged && !update;
  if (changed) {
    console.error(
      `api: ${entry.subpath}: the public API differs from etc/${entry.report}.api.md; run \`npm run api:update\` and commit it`,
    );
  }
  // Warnings (TSDoc, unresolved links) are printed for the docs' sake; they do not fail the check.
  const cjsOk = sameAsCjs(entry.dts);
  if (!cjsOk) {
    console.error(`api: ${entry.subpath}: the .d.cts differs from ${entry.dts}; the report covers only the .d.mts`);
  }
  reports.push(reportPath);
  const ok = result.errorCount === 0 && !changed && leaks.length === 0 && cjsOk;
  console.log(`api: ${entry.subpath} -> etc/${entry.report}.api.md: ${ok ? 'ok' : 'FAILED'}`);
  failed ||= !ok;
}
const exported = new Set(reports.flatMap(exportedNames));
const unreachable = new Set(reports.flatMap(forgottenNames).filter((name) => !exported.has(name)));
for (const name of unreachable) {
  console.error(`api: \`${name}\` is part of the public API but no entry point exports it`);
}
process.exit(failed || unreachable.size > 0 ? 1 : 0);
