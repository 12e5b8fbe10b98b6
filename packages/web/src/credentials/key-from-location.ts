/** The parts of `window.location` and `window.history` that taking a key from the URL needs. */
export interface AddressBar {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
}

/**
 * Takes an API key out of the URL fragment (`#key=...`, as `npm start` prints it) and removes it from
 * the address bar at once, so that it is neither bookmarked, shared, nor kept in the history. The
 * fragment never reaches a server; other fragment parameters are left in place.
 *
 * @example
 * ```ts
 * const key = takeKeyFromAddressBar(window); // 'sg-dev-...' or undefined
 * ```
 */
export function takeKeyFromAddressBar(addressBar: AddressBar): string | undefined {
  const { location, history } = addressBar;
  const parameters = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (!parameters.has('key')) return undefined;
  const key = parameters.get('key')?.trim() ?? '';
  parameters.delete('key');
  const rest = parameters.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return key.length > 0 ? key : undefined;
}
