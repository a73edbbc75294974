import type { TokenSource } from '../tokens';
import type { JobEvent, OutputEnd, Problem, Target } from '../types';

/**
 * Why a link stopped before its feed ended.
 * - refused: it never proved it delivers (connection refused, upgrade blocked, or a proxy that
 *   buffers the stream so nothing arrives in time): try the next transport.
 * - dropped: it delivered, then broke (server restart, network change): reconnect and resume.
 * - expired: too late to resume from the feed's position (the server no longer keeps those
 *   events): start again from a snapshot.
 * - fatal: the server said no for good (unknown job, a token that does not cover it).
 */
export interface LinkFailure {
  kind: 'refused' | 'dropped' | 'expired' | 'fatal';
  detail: string;
  problem?: Problem;
  /** The server asked to wait this long before trying again (429, 503, close 1013). */
  retryAfterMs?: number;
}

export function isFailure(error: unknown): error is LinkFailure {
  return typeof error === 'object' && error !== null && 'kind' in error && 'detail' in error;
}

/** What a transport reports to the feed that opened it; items are a job's events or an output's frames. */
export interface LinkHandlers<T = JobEvent> {
  /** The transport proved it delivers: an acknowledgement, an event or an answer arrived. */
  confirmed(): void;
  /** Items in feed order; the feed drops any it already had. */
  events(items: T[]): void;
  /** The job (or the output, which then says how long it is) ended: nothing more will come on this link. */
  ended(end?: OutputEnd): void;
  failed(failure: LinkFailure): void;
}

/** An open subscription on one transport. */
export interface Link {
  close(): void;
  /** Ask again from an earlier position (another tab joined with older events missing); reopens when absent. */
  rewind?(after: number): void;
}

/** What transports need from their surroundings; tests substitute each part. */
export interface Env {
  /** The gateway's origin (and path prefix, if any). */
  baseUrl: URL;
  tokens: TokenSource;
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  EventSource: typeof EventSource;
  /** How long a new link may take to prove it delivers before it counts as blocked or buffered. */
  probeTimeoutMs: number;
  /** Seconds a long poll is held by the server when nothing happens. */
  longPollWaitSeconds: number;
  /** Interval of short polling. */
  pollIntervalMs: number;
}

export type OpenLink<T = JobEvent> = (target: Target, after: number, handlers: LinkHandlers<T>, env: Env) => Link;

/** A link for what a transport cannot carry: it fails for good, on the next task (the feed holds it by then). */
export function unsupported<T>(handlers: LinkHandlers<T>, detail: string): Link {
  const timer = setTimeout(() => handlers.failed({ kind: 'fatal', detail }), 0);
  return { close: () => clearTimeout(timer) };
}

export function apiUrl(env: Env, path: string, params: Record<string, string | number | undefined>): URL {
  const url = new URL(path.replace(/^\//, ''), env.baseUrl.href.endsWith('/') ? env.baseUrl : new URL(env.baseUrl.href + '/'));
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

/** Reads a problem document from a failed answer; a stand-in when the body is not one. */
export async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = await response.json();
    if (body && typeof body.title === 'string') return body as Problem;
  } catch {
    // not JSON: described below
  }
  return { type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status };
}

/** The problem type of a resume from before what the server's logs keep (410). */
export const HISTORY_EXPIRED = '/problems/history-expired';

/** The failure a problem from a WebSocket error frame or an HTTP answer means for a feed. */
export function failureOfProblem(problem: Problem, retryAfterMs?: number): LinkFailure {
  const detail = `${problem.title}${problem.detail ? ': ' + problem.detail : ''}`;
  if (problem.type === HISTORY_EXPIRED) return { kind: 'expired', detail, problem };
  if (problem.status === 429 || problem.status >= 500) return { kind: 'dropped', detail: `${problem.title} (${problem.status})`, problem, retryAfterMs };
  return { kind: 'fatal', detail, problem };
}

/** Turns an HTTP error answer into the failure it means for a feed. */
export async function failureOf(response: Response, env: Env): Promise<LinkFailure> {
  const problem = await problemOf(response);
  const retryAfter = Number(response.headers.get('Retry-After'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  if (response.status === 401) {
    // An expired token: the next attempt asks for a new one.
    env.tokens.invalidate();
    return { kind: 'dropped', detail: 'stream token refused; renewing it', problem };
  }
  return failureOfProblem({ ...problem, status: response.status }, retryAfterMs);
}
