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

/** What a subscription follows: one job (positions are its `seq`) or all of the tenant's jobs (`tseq`). */
export type Target = { kind: 'job'; jobId: string } | { kind: 'all'; type?: string; tag?: string };

/** A subscription's identity: two subscriptions with the same key can share one feed. */
export function keyOf(target: Target): string {
  return target.kind === 'job' ? `job:${target.jobId}` : `all:${target.type ?? ''}|${target.tag ?? ''}`;
}

/** The position of an event within a target's feed: `seq` for a job, `tseq` for all jobs. */
export function positionOf(target: Target, event: JobEvent): number {
  return target.kind === 'job' ? event.seq : event.tseq;
}

/** Whether an event belongs to a target (the server filters too; the client checks what it is handed). */
export function matches(target: Target, event: JobEvent): boolean {
  if (target.kind === 'job') return event.jobId === target.jobId;
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

export const INITIAL_STATUS: FeedStatus = {
  transport: null,
  state: 'connecting',
  latencyMs: null,
  reconnects: 0,
  fellBackFrom: [],
  resynced: 0,
  shared: false,
};
