import { isTerminal, type JobEvent, type OutputEnd, type Target } from '../types';
import type { Env, Link, LinkFailure, LinkHandlers } from './link';
import { apiUrl, failureOf, unsupported } from './link';

/**
 * Server-Sent Events: `GET /api/v1/jobs/{id}/events` for a job, `GET /api/v1/events` for all jobs.
 *
 * To tell a working stream from one a proxy buffers, the stream is opened one event early
 * (`after` − 1): that event arrives at once on a working path and is dropped as a duplicate.
 */
export function openSse(target: Target, after: number, handlers: LinkHandlers, env: Env): Link {
  if (target.kind === 'output') return unsupported(handlers, 'outputs are followed with openOutputSse');
  const from = after > 0 ? after - 1 : 0;
  return openStream<JobEvent>({
    url: (token) => target.kind === 'job'
      ? apiUrl(env, `/api/v1/jobs/${encodeURIComponent(target.jobId)}/events`, { token, after: from })
      : apiUrl(env, '/api/v1/events', { token, after: from, type: target.type, tag: target.tag }),
    // A job's stream always starts with an event (its history); all jobs from 0 may have none to show.
    probes: target.kind === 'job' || after > 0,
    itemEvents: ['state', 'progress'],
    // The server ends a job's stream after its terminal event; EventSource would otherwise reconnect.
    isLast: (event) => target.kind === 'job' && isTerminal(event),
  }, handlers, env);
}

/** One kind of event stream: where it is, which SSE events carry its items, and how it ends. */
export interface Stream<T> {
  url(token: string): URL;
  /** Whether a working path shows an item at once, so that silence within the probe time means buffered. */
  probes: boolean;
  itemEvents: string[];
  /** The item after which the server ends the stream. */
  isLast?(item: T): boolean;
  /** The SSE event that ends the stream with the end of an output, and how to read its data. */
  end?: { event: string; read(data: unknown): OutputEnd };
  /**
   * Nothing came within the probe time: whether the stream is merely quiet (true) rather than
   * held back by a proxy (false), or a failure that says why it cannot be followed.
   */
  quiet?(): Promise<boolean | LinkFailure>;
}

/**
 * An EventSource for a feed. The browser's own reconnection is not used: it would resend the
 * URL's token (which may have expired) and cannot fall back. On any error the link reports, and
 * the feed reconnects from its position (the `?after=` of the next stream is its Last-Event-ID).
 */
export function openStream<T>(stream: Stream<T>, handlers: LinkHandlers<T>, env: Env): Link {
  let source: EventSource | null = null;
  let confirmed = false;
  let closed = false;
  let probe: ReturnType<typeof setTimeout> | undefined;

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
  const silent = async () => {
    if (confirmed || closed) return;
    const quiet = stream.quiet ? await stream.quiet().catch(() => false) : false;
    if (confirmed || closed) return;
    if (quiet === true) {
      confirm();
      return;
    }
    stop();
    handlers.failed(quiet === false
      ? { kind: 'refused', detail: `no event on the stream within ${env.probeTimeoutMs} ms (buffered?)` }
      : quiet);
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
    url = stream.url(token);
    source = new env.EventSource(url);
    const receive = (message: MessageEvent) => {
      if (closed) return;
      const item = JSON.parse(String(message.data)) as T;
      confirm();
      handlers.events([item]);
      if (stream.isLast?.(item)) {
        stop();
        handlers.ended();
      }
    };
    stream.itemEvents.forEach((name) => source!.addEventListener(name, receive as EventListener));
    const { end } = stream;
    if (end) {
      source.addEventListener(end.event, ((message: MessageEvent) => {
        if (closed) return;
        confirm();
        stop();
        handlers.ended(end.read(JSON.parse(String(message.data))));
      }) as EventListener);
    }
    source.onopen = () => {
      if (!stream.probes) confirm();
    };
    source.onerror = () => void fail();
    probe = setTimeout(() => void silent(), env.probeTimeoutMs);
  })();

  return { close: stop };
}
