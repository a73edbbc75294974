import { isTerminal, type JobEvent, type Target } from '../types';
import type { Env, Link, LinkHandlers } from './link';
import { apiUrl, failureOf } from './link';

/**
 * Server-Sent Events: `GET /api/v1/jobs/{id}/events` for a job, `GET /api/v1/events` for all jobs.
 *
 * The browser's own reconnection is not used: it would resend the URL's token (which may have
 * expired) and cannot fall back. On any error the link reports and the feed reconnects from its
 * position. To tell a working stream from one a proxy buffers, the stream is opened one event
 * early (`after` − 1): that event arrives at once on a working path and is dropped as a duplicate.
 */
export function openSse(target: Target, after: number, handlers: LinkHandlers, env: Env): Link {
  let source: EventSource | null = null;
  let confirmed = false;
  let closed = false;
  let probe: ReturnType<typeof setTimeout> | undefined;
  // A job's stream always starts with an event (its history); all jobs from 0 may have none to show.
  const canProbe = target.kind === 'job' || after > 0;
  const from = after > 0 ? after - 1 : 0;

  const confirm = () => {
    if (confirmed) return;
    confirmed = true;
    clearTimeout(probe);
    handlers.confirmed();
  };
  const stop = () => {
    closed = true;
    clearTimeout(probe);
    source?.close();
  };
  let url: URL | null = null;
  const fail = async () => {
    if (closed) return;
    stop();
    if (!confirmed && url !== null) {
      // EventSource hides the status of a refused stream (a wrong job, too late to resume): ask once more to learn it.
      const asked = new AbortController();
      const patience = setTimeout(() => asked.abort(), env.probeTimeoutMs);
      try {
        const check = await env.fetch(url, { headers: { Accept: 'text/event-stream' }, cache: 'no-store', signal: asked.signal });
        if (!check.ok) {
          handlers.failed(await failureOf(check, env));
          return;
        }
      } catch {
        // the API itself is unreachable: a drop like any other
      } finally {
        clearTimeout(patience);
        asked.abort();
      }
    }
    handlers.failed({ kind: confirmed ? 'dropped' : 'refused', detail: confirmed ? 'the event stream broke' : 'the event stream did not open' });
  };

  void (async () => {
    let token: string;
    try {
      token = await env.tokens.get();
    } catch (error) {
      handlers.failed({ kind: 'dropped', detail: `no stream token: ${error}` });
      return;
    }
    if (closed) return;
    url = target.kind === 'job'
      ? apiUrl(env, `/api/v1/jobs/${encodeURIComponent(target.jobId)}/events`, { token, after: from })
      : apiUrl(env, '/api/v1/events', { token, after: from, type: target.type, tag: target.tag });
    source = new env.EventSource(url);
    const receive = (message: MessageEvent) => {
      if (closed) return;
      const event = JSON.parse(String(message.data)) as JobEvent;
      confirm();
      handlers.events([event]);
      if (target.kind === 'job' && isTerminal(event)) {
        stop(); // the server ends the stream; EventSource would otherwise reconnect
        handlers.ended();
      }
    };
    source.addEventListener('state', receive as EventListener);
    source.addEventListener('progress', receive as EventListener);
    source.onopen = () => {
      if (!canProbe) confirm();
    };
    source.onerror = () => void fail();
    probe = setTimeout(() => {
      if (confirmed || closed) return;
      stop();
      handlers.failed({ kind: 'refused', detail: `no event on the stream within ${env.probeTimeoutMs} ms (buffered?)` });
    }, env.probeTimeoutMs);
  })();

  return { close: stop };
}
