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
    '^rx-channels/(util|file-watcher|testing)$': '<rootDir>/lib/$1.ts',
  },
  collectCoverageFrom: ['lib/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
};
