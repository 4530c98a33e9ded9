/**
 * `npm run test:reliability` (and `npm run soak`): the heavy reliability files, bounded by counts,
 * not by time: a million messages through the channels (`volume.reliability.ts`) and the heap over
 * thousands of rounds with forced collections (`heap.reliability.ts`). Node runs with
 * `--expose-gc`; no coverage.
 *
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/spec/**/*.reliability.ts'],
  collectCoverage: false,
};
