const KEY_STORAGE = 'jobcast.apiKey';
const THEME_STORAGE = 'jobcast.theme';

/**
 * A key handed over in a link: `./jobcast run` prints one with `#key=...`. The key is kept in
 * localStorage and removed from the address bar (a fragment never reaches the server, but it
 * would stay in history and in screenshots). Null when the address has no key.
 */
export function takeKeyFromLink(): string | null {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (!fromLink) return null;
  storeApiKey(fromLink);
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return fromLink;
}

/** The API key: from a link, else the one stored by an earlier visit, else none. */
export function initialApiKey(): string {
  return takeKeyFromLink() ?? localStorage.getItem(KEY_STORAGE) ?? '';
}

export function storeApiKey(key: string): void {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

export type Theme = 'system' | 'light' | 'dark';

export function storedTheme(): Theme {
  const theme = localStorage.getItem(THEME_STORAGE);
  return theme === 'light' || theme === 'dark' ? theme : 'system';
}

/** Applies the theme to the document (CSS reads data-theme) and remembers it. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') {
    document.documentElement.removeAttribute('data-theme');
    localStorage.removeItem(THEME_STORAGE);
  } else {
    document.documentElement.setAttribute('data-theme', theme);
    localStorage.setItem(THEME_STORAGE, theme);
  }
}
