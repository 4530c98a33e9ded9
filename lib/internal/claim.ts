import type { Selected } from '../util/Selected';

/**
 * Whether `selected` came from `receiver`; a match marks the item handled (see
 * `UnhandledSelectedError`). The one implementation behind `selectedFrom()` and
 * `receiver.triggered()`.
 *
 * @internal
 */
export function claimSelected(selected: Selected<unknown>, receiver: object): boolean {
  const matches = selected._receiver === receiver;
  if (matches) {
    selected._handled = true;
  }
  return matches;
}
