const STORAGE_KEY = 'jobcast.apiKey';

/**
 * The API key: `./jobcast run` prints a link with `#key=...`; the key is kept in localStorage and
 * removed from the address bar (a fragment never reaches the server, but it would stay in history).
 */
export function initialApiKey(): string {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (fromLink) {
    localStorage.setItem(STORAGE_KEY, fromLink);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromLink;
  }
  return localStorage.getItem(STORAGE_KEY) ?? '';
}

export function storeApiKey(key: string): void {
  localStorage.setItem(STORAGE_KEY, key);
}
