import { isTerminal, type Job, type JobEvent, type LongPollAnswer, type OutputEnd, type Target } from '../types';
import type { Env, Link, LinkFailure, LinkHandlers } from './link';
import { apiUrl, failureOf, isFailure, unsupported } from './link';

/**
 * Long polling: `GET /api/v1/jobs/{id}/progress?after=SEQ&wait=S` answers at once with every event
 * after SEQ, or holds the request until one comes or `wait` runs out. Each answer's `lastSeq` is
 * the next request's `after`, so nothing falls between two polls. Jobs only: the all-jobs feed has
 * no polling endpoint.
 */
export function openLongPoll(target: Target, after: number, handlers: LinkHandlers, env: Env): Link {
  if (target.kind !== 'job') return unsupported(handlers, 'long polling follows one job at a time');
  return pollLoop(handlers, after, async (position, signal) => {
    const url = progressUrl(env, target.jobId, position, env.longPollWaitSeconds, await env.tokens.get());
    return fetchAnswer(env, url, position, signal, (env.longPollWaitSeconds + 15) * 1000);
  }, () => 0);
}

/**
 * Short polling: `GET /api/v1/jobs/{id}` with `If-None-Match` every interval; an unchanged job
 * costs a `304`. The job is a snapshot, so when it changed the events since the last poll are
 * fetched from the log (a long poll that does not wait): the timeline misses nothing.
 */
export function openShortPoll(target: Target, after: number, handlers: LinkHandlers, env: Env): Link {
  if (target.kind !== 'job') return unsupported(handlers, 'short polling follows one job at a time');
  let etag: string | null = null;
  return pollLoop(handlers, after, async (position, signal) => {
    const token = await env.tokens.get();
    const headers: Record<string, string> = etag ? { 'If-None-Match': etag } : {};
    const response = await withTimeout(signal, 15_000, (s) =>
      env.fetch(apiUrl(env, `/api/v1/jobs/${encodeURIComponent(target.jobId)}`, { token }), { headers, cache: 'no-store', signal: s }));
    if (response.status === 304) return { items: [], next: position, done: false };
    if (!response.ok) throw await failureOf(response, env);
    etag = response.headers.get('ETag');
    const job = (await response.json()) as Job;
    if (job.lastSeq <= position) return { items: [], next: position, done: false };
    const missed = await fetchAnswer(env, progressUrl(env, target.jobId, position, 0, token), position, signal, 15_000);
    return missed;
  }, () => env.pollIntervalMs);
}

/** One poll's answer: the items after the position asked for, the next position to ask from, and whether it ended. */
export interface PollAnswer<T> {
  items: T[];
  next: number;
  done: boolean;
  /** How an output ended (output polls). */
  end?: OutputEnd;
}

/** Polls until the feed is done or the link is closed; failures end the loop and go to the feed. */
export function pollLoop<T>(
  handlers: LinkHandlers<T>,
  after: number,
  poll: (position: number, signal: AbortSignal) => Promise<PollAnswer<T>>,
  pauseMs: () => number,
): Link {
  const abort = new AbortController();
  let position = after;
  let confirmed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const step = async () => {
    let answer: PollAnswer<T>;
    try {
      answer = await poll(position, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      const failure: LinkFailure = isFailure(error) ? error
        : { kind: 'refused', detail: error instanceof Error ? error.message : String(error) };
      // Once polls were answered, a failure is a drop to resume from, not a blocked transport.
      handlers.failed(confirmed && failure.kind === 'refused' ? { ...failure, kind: 'dropped' } : failure);
      return;
    }
    if (abort.signal.aborted) return;
    if (!confirmed) {
      confirmed = true;
      handlers.confirmed();
    }
    if (answer.items.length > 0) handlers.events(answer.items);
    if (abort.signal.aborted) return; // the feed closed the link on what it was handed
    position = Math.max(position, answer.next);
    if (answer.done) {
      handlers.ended(answer.end);
      return;
    }
    timer = setTimeout(() => void step(), pauseMs());
  };
  void step();
  return {
    close: () => {
      clearTimeout(timer);
      abort.abort();
    },
  };
}

function progressUrl(env: Env, jobId: string, after: number, wait: number, token: string): URL {
  return apiUrl(env, `/api/v1/jobs/${encodeURIComponent(jobId)}/progress`, { after, wait, token });
}

async function fetchAnswer(env: Env, url: URL, after: number, signal: AbortSignal, timeoutMs: number): Promise<PollAnswer<JobEvent>> {
  const response = await withTimeout(signal, timeoutMs, (s) => env.fetch(url, { cache: 'no-store', signal: s }));
  if (!response.ok) throw await failureOf(response, env);
  const answer = (await response.json()) as LongPollAnswer;
  const fresh = (answer.events as JobEvent[]).filter((event) => event.seq > after);
  return { items: fresh, next: answer.lastSeq, done: answer.done || fresh.some(isTerminal) };
}

/** A request that does not answer in time is taken for one held back by a proxy. */
export async function withTimeout<T>(outer: AbortSignal, timeoutMs: number, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  outer.addEventListener('abort', onAbort);
  const timer = setTimeout(() => inner.abort(), timeoutMs);
  try {
    return await request(inner.signal);
  } catch (error) {
    if (inner.signal.aborted && !outer.aborted) {
      throw { kind: 'refused', detail: `no answer within ${timeoutMs} ms` } satisfies LinkFailure;
    }
    throw error;
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}
