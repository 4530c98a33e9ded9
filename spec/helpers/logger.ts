/**
 * Capturing the library's warnings in specs.
 */
import { setLogger } from 'rx-channels';

/**
 * Routes the library's warnings into the returned array until `restore()` is called (call it in
 * `afterEach`).
 */
export function captureWarnings(): { readonly warnings: string[]; restore(): void } {
  const warnings: string[] = [];
  setLogger({ warn: (message) => warnings.push(message) });
  return { warnings, restore: () => setLogger(undefined) };
}
