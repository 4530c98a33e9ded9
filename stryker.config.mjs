// Mutation testing (`npm run mutation`, not in CI): Stryker mutates lib/, runs the Jest specs
// that cover each mutant, and type-checks mutants with the TypeScript checker so that those
// that do not compile are not counted. The machine is shared: one test process at a time.
//
// Narrow a run to some files with --mutate, and for the core files run only their own specs
// (every spec touches Anycast, so each core mutant would otherwise run most of the suite):
//   RX_CHANNELS_MUTATION_SPECS=core npm run mutation -- --mutate lib/Anycast.ts,lib/errors.ts
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const baseJestConfig = require('./jest.config.js');

/** The specs of the channels, receivers, errors, logger and lib/internal/. */
const CORE_SPECS = [
  '**/spec/{Anycast,Broadcast,BroadcastReceiver,Bidirectional,Peekable,Receiver,Receiver.protocol,MappedReceiver,FilteredReceiver,Sender,errors,logger}.spec.ts',
  '**/spec/internal/*.spec.ts',
  '**/spec/properties/{anycast,broadcast,protocol}.model.spec.ts',
  '**/spec/properties/attacks*.spec.ts',
  '**/spec/reliability/badInput.spec.ts',
];
const testMatch = process.env.RX_CHANNELS_MUTATION_SPECS === 'core' ? CORE_SPECS : baseJestConfig.testMatch;

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
      testMatch,
      // The volume and heap rounds (`*.reliability.ts`) are not in testMatch: they take seconds per
      // run and kill no mutant that faster specs do not (they check the whole, not a branch). The
      // light resource specs stay out as before.
      testPathIgnorePatterns: ['/node_modules/', '/spec/reliability/resources'],
      collectCoverage: false,
    },
  },
  timeoutMS: 5_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 85, low: 70, break: null },
  // Generated folders stay out of the sandbox copy (others may be rewriting them meanwhile).
  ignorePatterns: ['/docs', '/coverage', '/reports', '/dist', '/.ci'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
