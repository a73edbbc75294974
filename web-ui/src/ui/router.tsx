import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * Routes live under /ui/ (and / for the jobs list). Real paths rather than hash routes: the hash
 * already carries the API key of a `./jobcast run` link, and paths give shareable, bookmarkable
 * addresses. The prefix keeps clear of the gateway's own pages (/jobs/{id} is progress-service's
 * page that works without JavaScript) and of /api/; the gateway answers every /ui/ path with
 * index.html.
 */
export type Route =
  | { page: 'jobs' }
  | { page: 'job'; id: string }
  | { page: 'submit' }
  | { page: 'operations' }
  | { page: 'not-found' };

export function routeOf(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/ui' || path === '/ui/jobs' || path === '/index.html') return { page: 'jobs' };
  const job = /^\/ui\/jobs\/([^/]+)$/.exec(path);
  if (job) return { page: 'job', id: decodeURIComponent(job[1]) };
  if (path === '/ui/submit') return { page: 'submit' };
  if (path === '/ui/operations') return { page: 'operations' };
  return { page: 'not-found' };
}

export const paths = {
  jobs: (query?: URLSearchParams) => `/ui/jobs${query && query.toString() ? '?' + query : ''}`,
  job: (id: string) => `/ui/jobs/${encodeURIComponent(id)}`,
  submit: () => '/ui/submit',
  operations: () => '/ui/operations',
};

const NAVIGATED = 'jobcast:navigated';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

/** The current address (path and query), re-read whenever it changes. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.search };
}

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** An ordinary link that the app follows without reloading (modified clicks open tabs as usual). */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return <a href={to} onClick={follow} {...rest} />;
}
