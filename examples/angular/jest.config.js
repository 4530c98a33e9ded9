// `npm test`: the TestBed specs, in two Jest projects: `*.zone.spec.ts` with zone.js loaded
// (fakeAsync, tick, flushMicrotasks) and `*.zoneless.spec.ts` without it (provideZonelessChangeDetection,
// await fixture.whenStable()). jsdom, no browser.
const { createCjsPreset } = require('jest-preset-angular/presets');

// rx-channels comes from `file:../..`, a symlink: its dist/index.cjs is really in the repository,
// and its `require('rxjs')` would find the repository's node_modules/rxjs, a second copy. Two
// copies break what needs one: `instanceof` checks (VirtualClock takes a VirtualTimeScheduler),
// and RxJS's own schedulers and config. Everyone, the package included, gets this app's rxjs.
// (Installed from the registry, rx-channels has rxjs as a peer dependency and there is one copy.)
const rxjs = ['rxjs', 'rxjs/operators', 'rxjs/testing'];
const moduleNameMapper = Object.fromEntries(rxjs.map((name) => [`^${name}$`, require.resolve(name)]));

/** @param {'zone' | 'zoneless'} kind */
const project = (kind) => ({
  // jest-preset-angular's own jsdom environment: no jest-environment-jsdom package needed.
  ...createCjsPreset({ testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env' }),
  displayName: kind,
  roots: ['<rootDir>/src'],
  testMatch: [`**/*.${kind}.spec.ts`],
  setupFilesAfterEnv: [`<rootDir>/src/test-setup.${kind}.ts`],
  moduleNameMapper,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [project('zone'), project('zoneless')],
};
