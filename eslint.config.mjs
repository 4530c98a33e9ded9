// ESLint flat config: typescript-eslint's type-aware rules over every TypeScript file that
// tsconfig.json covers (lib, spec, examples, bench), TSDoc syntax checks, and plain JS rules for
// the config and helper scripts. Run with `npm run lint`.
import eslint from '@eslint/js';
import tsdoc from 'eslint-plugin-tsdoc';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // examples/angular is its own project (own package.json, node_modules and tsconfig); its
    // `npm test` type-checks it (tsc and ngc) and CI runs that (.ci/extra).
    ignores: ['dist/', 'docs/', 'coverage/', 'reports/', 'etc/', '.stryker-tmp/', 'node_modules/', 'examples/angular/'],
  },
  eslint.configs.recommended,
  {
    files: ['**/*.{ts,mts,cts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { tsdoc },
    rules: {
      // The two rules this library cares most about: a forgotten promise hides a lost message or an
      // unhandled rejection, and a promise passed where a void callback is expected does the same.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'tsdoc/syntax': 'error',
      // `_poll`, `_park` and similar internal members, and deliberately unused parameters, start with `_`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // STYLE.md rule 10: write `if (x) { ... }`, never `x && doSomething()`.
      '@typescript-eslint/no-unused-expressions': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
      // Every channel, sender and receiver overrides `toString()` (`Kind:name`, STYLE.md rule 12), but the
      // abstract Peekable and the `object` that errors keep as `channel`/`receiver` do not declare it.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'object', 'Peekable'] },
      ],
      // Re-rejecting what was caught, or an AbortSignal's `reason`, passes the caller's value on unchanged.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },
  {
    // No native async functions in the shipped code: zone.js (Angular's fakeAsync, whenStable)
    // cannot see the continuations of a native `await`. lib/ uses promise chains.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':function[async=true]',
          message: 'No async functions in lib/: zone.js cannot track native await; write a promise chain.',
        },
      ],
    },
  },
  {
    // Tests use Jest's `expect(object.method)`, spies and asymmetric matchers (`expect.any()` is
    // typed `any`), and feed deliberately ill-typed values; lib/ keeps every rule.
    files: ['spec/**', 'spec-browser/**', 'bench/**', 'examples/**'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        module: 'writable',
        require: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    // The browser test's runner hands functions to the page (`page.evaluate`).
    files: ['spec-browser/**/*.mjs'],
    languageOptions: { globals: { navigator: 'readonly', document: 'readonly' } },
  },
);
