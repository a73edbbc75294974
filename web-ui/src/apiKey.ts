const STORAGE_KEY = 'jobcast.apiKey';

/**
 * A key handed over in a link: `./jobcast run` prints one with `#key=...`. The key is kept in
 * localStorage and removed from the address bar (a fragment never reaches the server, but it
 * would stay in history and in screenshots). Null when the address has no key.
 */
export function takeKeyFromLink(): string | null {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (!fromLink) {
    return null;
  }
  storeApiKey(fromLink);
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return fromLink;
}

/** The API key: from a link, else the one stored by an earlier visit, else none. */
export function initialApiKey(): string {
  return takeKeyFromLink() ?? localStorage.getItem(STORAGE_KEY) ?? '';
}

export function storeApiKey(key: string): void {
  localStorage.setItem(STORAGE_KEY, key);
}
