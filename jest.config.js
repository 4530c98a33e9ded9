/**
 * `npm test`: the unit, marble, model (property), type and bad-input specs (`*.spec.ts`), with
 * coverage. The heavy volume and heap files (`*.reliability.ts`) run in `npm run test:reliability`
 * (jest.reliability.config.js).
 *
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^rx-channels$': '<rootDir>/lib/index.ts',
    '^rx-channels/(util|file-watcher|testing|worker|nats)$': '<rootDir>/lib/$1.ts',
  },
  // A hang guard, not a speed check: a spec takes milliseconds (the slowest, a property, a few
  // seconds), but on a loaded 2-core machine it can take several times longer than Jest's default
  // 5 s allows. A spec that needs more sets its own limit.
  testTimeout: 30_000,
  // Jest's default is one worker per core but one: a single worker on a 2-core machine, which
  // runs the suite serially (47 s against 31 s with two, measured here). The open-handle check
  // (serial by nature) runs in `npm run test:reliability`.
  maxWorkers: 2,
  collectCoverageFrom: ['lib/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
};
