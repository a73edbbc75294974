/**
 * The wire format, as the API's generated OpenAPI description defines it (src/api/schema.ts is
 * generated from src/api/openapi.json at build time), plus the client's own vocabulary.
 */
import type { components } from '../api/schema';

type Schemas = components['schemas'];

/** One event of a job, identical on every transport. */
export type JobEvent = Schemas['JobEvent'];
export type JobState = Schemas['JobState'];
/** A job as `GET /api/v1/jobs/{id}` answers it (short polling reads it). */
export type Job = Schemas['Job'];
/** An RFC 9457 problem document, the body of every error answer. */
export type Problem = Schemas['Problem'];
export type LongPollAnswer = Schemas['LongPollAnswer'];

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['SUCCEEDED', 'CANCELLED', 'DEAD']);

/** The last event of a job: nothing follows it but a retry by request. */
export function isTerminal(event: JobEvent): boolean {
  return event.type === 'state' && TERMINAL_STATES.has(event.state);
}

/** The four ways to follow a job, best first. */
export type TransportName = 'websocket' | 'sse' | 'long-poll' | 'poll';
export const TRANSPORTS: readonly TransportName[] = ['websocket', 'sse', 'long-poll', 'poll'];

/**
 * What a subscription follows: one job (positions are its `seq`), all of the tenant's jobs
 * (`tseq`), or one output of a job (byte offsets).
 */
export type Target =
  | { kind: 'job'; jobId: string }
  | { kind: 'all'; type?: string; tag?: string }
  | { kind: 'output'; jobId: string; output: string };

/** A subscription's identity: two subscriptions with the same key can share one feed. */
export function keyOf(target: Target): string {
  if (target.kind === 'job') return `job:${target.jobId}`;
  if (target.kind === 'output') return `output:${target.jobId}/${target.output}`;
  return `all:${target.type ?? ''}|${target.tag ?? ''}`;
}

/** The position of an event within an event feed: `seq` for a job, `tseq` for all jobs. */
export function positionOf(target: Target, event: JobEvent): number {
  return target.kind === 'job' ? event.seq : event.tseq;
}

/** Whether an event belongs to a target (the server filters too; the client checks what it is handed). */
export function matches(target: Target, event: JobEvent): boolean {
  if (target.kind !== 'all') return event.jobId === target.jobId;
  return (!target.type || event.jobType === target.type) && (!target.tag || (event.tags ?? []).includes(target.tag));
}

/** How a subscription is doing, for a status line. */
export interface FeedStatus {
  /** The transport in use (or being tried); null before the first attempt. */
  transport: TransportName | null;
  /**
   * connecting: trying a transport; live: the transport proved it delivers; retrying: waiting to
   * reconnect after a drop; ended: the job finished; failed: will not recover (unknown job, no access).
   */
  state: 'connecting' | 'live' | 'retrying' | 'ended' | 'failed';
  /** Median of the recent events' age on arrival (worker's timestamp to now), in ms; null until measured. */
  latencyMs: number | null;
  /** How many times the feed reconnected or changed transport. */
  reconnects: number;
  /** Transports found blocked or buffered on the way, which the feed fell back from. */
  fellBackFrom: TransportName[];
  /**
   * How many times it was too late to resume (the server no longer kept the events after the
   * feed's position) and the feed started again from a snapshot: events in between were missed.
   */
  resynced: number;
  /** Another tab of this origin holds the connection and relays the events. */
  shared: boolean;
  /** Why the feed failed or retries. */
  detail?: string;
}

/*
 * Live output (docs/transports.md, "Live output"). Written by hand until the API's OpenAPI
 * document describes these answers; then they become aliases of its schemas like the ones above.
 */

/** Output names the server accepts. */
export const OUTPUT_NAME = /^[a-z][a-z0-9_.-]{0,31}$/;

/**
 * A piece of an output: its UTF-8 bytes start at `offset`; it never spans two attempts. The client
 * trims and merges frames, so it keeps no `bytes` of its own (utf8Length(text) is that).
 */
export type OutputFrame = Omit<Schemas['OutputFrame'], 'bytes'>;
/** The output is complete: the job ended and every byte was delivered. */
export type OutputEnd = Schemas['OutputEnd'];
/** Where each attempt's text begins within an output. */
export type OutputSection = Schemas['OutputSection'];
/** `GET /api/v1/jobs/{id}/outputs`. */
export type JobOutputs = Schemas['JobOutputList'];
/** A long poll of an output (`Accept: application/json`): frames after `after`, and where to ask next. */
export type OutputPollAnswer = Schemas['OutputPollAnswer'];

export const INITIAL_STATUS: FeedStatus = {
  transport: null,
  state: 'connecting',
  latencyMs: null,
  reconnects: 0,
  fellBackFrom: [],
  resynced: 0,
  shared: false,
};
