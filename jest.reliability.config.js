/**
 * `npm run test:reliability` (and `npm run soak`): the heavy reliability files, bounded by counts,
 * not by time: a million messages through the channels (`volume.reliability.ts`), the heap over
 * thousands of rounds with forced collections (`heap.reliability.ts`), and the model and property
 * specs at their full run counts (`npm test` runs them at a share of these). Node runs with
 * `--expose-gc`; no coverage.
 *
 * @type {import('jest').Config}
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/spec/**/*.reliability.ts', '<rootDir>/spec/properties/**/*.spec.ts'],
  // Read by spec/helpers/properties.ts: run each property its full count.
  globals: { RX_CHANNELS_RELIABILITY: true },
  collectCoverage: false,
};
