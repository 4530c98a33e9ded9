// Mutation testing (`npm run mutation`, not in CI): Stryker mutates lib/, runs the Jest specs
// that cover each mutant, and type-checks mutants with the TypeScript checker so that those
// that do not compile are not counted. The machine is shared: one test process at a time.
//
// Narrow a run to some files with --mutate, e.g.
//   npm run mutation -- --mutate lib/Anycast.ts,lib/internal/WaitQueue.ts
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const baseJestConfig = require('./jest.config.js');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--expose-gc'],
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Entry files only re-export; testing/ and file-watcher are not core (run them with --mutate).
  mutate: ['lib/**/*.ts', '!lib/index.ts', '!lib/util.ts', '!lib/testing.ts', '!lib/file-watcher.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  jest: {
    projectType: 'custom',
    enableFindRelatedTests: false,
    config: {
      ...baseJestConfig,
      // Volume and heap rounds take seconds per run and kill no mutant that faster specs do not:
      // they check the whole, not a branch.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/spec/reliability/volume',
        '<rootDir>/spec/reliability/resources',
      ],
      collectCoverage: false,
    },
  },
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
