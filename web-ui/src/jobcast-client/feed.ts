import { backoffDelay, type BackoffOptions } from './backoff';
import type { Env, Link, LinkFailure, OpenLink } from './transports/link';
import { apiUrl, failureOf } from './transports/link';
import { INITIAL_STATUS, positionOf, type FeedStatus, type Job, type JobEvent, type Target, type TransportName } from './types';

/** What the feeds of one client share: the transports and what was learnt about them. */
export interface FeedContext {
  env: Env;
  transports: Record<TransportName, OpenLink>;
  /** Transports found blocked or buffered for this page: later feeds skip them. */
  blocked: Set<TransportName>;
  /** Transports that delivered at least once: one refusal of those is more likely a restart than a block. */
  proven: Set<TransportName>;
  backoff: BackoffOptions;
}

export interface FeedSink {
  events(events: JobEvent[]): void;
  status(status: FeedStatus): void;
}

/** Refusals in a row after which a transport that worked before is given up as blocked. */
const REFUSALS_OF_A_PROVEN_TRANSPORT = 3;
const LATENCY_SAMPLES = 20;
/** How long a rewound job feed waits for the replay to begin before it takes live events again. */
const REPLAY_WAIT_MS = 3000;

/**
 * Follows one target over the best transport that works, from a position on: delivers every event
 * after it once and in order, falls back along `chain` when a transport is refused or buffered,
 * reconnects with jittered backoff when a live one drops, and resumes where it was.
 */
export class Feed {
  private position: number;
  private link: Link | null = null;
  private current: TransportName | null = null;
  private retries = 0;
  private refusals = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;
  /** When the current link was opened: events made before it are replayed history, not a latency sample. */
  private openedAt = 0;
  private readonly latencies: number[] = [];
  /** Set by a rewind until the replay begins: the position rewound to, and when. */
  private rewound: { to: number; at: number } | null = null;
  private status: FeedStatus = { ...INITIAL_STATUS };

  constructor(
    readonly target: Target,
    after: number,
    /** Transports in order of preference; a single one means "this one, no fallback". */
    private readonly chain: readonly TransportName[],
    private readonly context: FeedContext,
    private readonly sink: FeedSink,
    private readonly now: () => number = Date.now,
  ) {
    this.position = after;
  }

  get lastPosition(): number {
    return this.position;
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.link?.close();
    this.link = null;
  }

  /** Delivers again from an earlier position (events after it that the sink already had are its to drop). */
  rewind(after: number): void {
    if (after >= this.position || this.stopped) return;
    this.position = after;
    this.rewound = { to: after, at: this.now() };
    if (this.status.state === 'ended') {
      this.connect();
    } else if (this.link?.rewind) {
      this.link.rewind(after);
    } else if (this.link) {
      this.link.close();
      this.connect();
    }
  }

  private get fixed(): boolean {
    return this.chain.length === 1;
  }

  private choose(): TransportName {
    const usable = this.fixed ? this.chain : this.chain.filter((name) => !this.context.blocked.has(name));
    if (usable.length === 0) {
      // Everything failed: more likely the server is away than every transport blocked. Start over.
      this.chain.forEach((name) => this.context.blocked.delete(name));
      return this.chain[0];
    }
    return usable[0];
  }

  private connect(): void {
    if (this.stopped) return;
    const transport = this.choose();
    if (this.current !== null && transport !== this.current) this.update({ fellBackFrom: [...this.status.fellBackFrom, this.current] });
    this.current = transport;
    this.openedAt = this.now();
    this.update({ transport, state: this.retries > 0 || this.status.reconnects > 0 ? 'retrying' : 'connecting' });
    const link = this.context.transports[transport](this.target, this.position, {
      confirmed: () => {
        if (this.link !== link) return;
        this.retries = 0;
        this.refusals = 0;
        this.context.proven.add(transport);
        this.update({ state: 'live', detail: undefined });
      },
      events: (events) => {
        if (this.link === link) this.deliver(events);
      },
      ended: () => {
        if (this.link !== link) return;
        this.link = null;
        this.update({ state: 'ended', detail: undefined });
      },
      failed: (failure) => {
        if (this.link !== link) return;
        this.link = null;
        this.onFailure(transport, failure);
      },
    }, this.context.env);
    this.link = link;
  }

  private deliver(events: JobEvent[]): void {
    const fresh: JobEvent[] = [];
    for (const event of events) {
      const position = positionOf(this.target, event);
      if (position <= this.position) continue; // a replayed or probed event
      if (this.awaitingReplay(position)) continue;
      this.position = position;
      fresh.push(event);
      // Latency: from the worker's timestamp to now, for events made while this link was open
      // (the same clock on both ends is assumed; a negative age means the clocks disagree).
      const made = Date.parse(event.timestamp);
      const age = this.now() - made;
      if (made >= this.openedAt && age >= 0) this.latencies.push(age);
    }
    if (this.latencies.length > LATENCY_SAMPLES) this.latencies.splice(0, this.latencies.length - LATENCY_SAMPLES);
    if (fresh.length > 0) {
      this.sink.events(fresh);
      if (this.latencies.length > 0) this.update({ latencyMs: median(this.latencies) });
    }
  }

  /**
   * After a rewind, a live event already on its way may arrive before the replay; taken, it would
   * make the feed drop the whole replay as old. A job's sequence numbers have no gaps, so until the
   * event right after the rewind position arrives (a few seconds at most), later ones are left for
   * the replay to bring again.
   */
  private awaitingReplay(position: number): boolean {
    if (this.rewound === null) return false;
    if (this.target.kind === 'job' && position > this.rewound.to + 1 && this.now() - this.rewound.at < REPLAY_WAIT_MS) {
      return true;
    }
    this.rewound = null;
    return false;
  }

  private onFailure(transport: TransportName, failure: LinkFailure): void {
    if (failure.kind === 'fatal') {
      this.update({ state: 'failed', detail: failure.detail });
      return;
    }
    if (failure.kind === 'expired') {
      void this.resync(failure.detail);
      return;
    }
    this.update({ reconnects: this.status.reconnects + 1, detail: failure.detail });
    if (failure.kind === 'refused' && !this.fixed) {
      this.refusals += 1;
      const worked = this.context.proven.has(transport);
      if (!worked || this.refusals >= REFUSALS_OF_A_PROVEN_TRANSPORT) {
        this.context.blocked.add(transport);
        this.refusals = 0;
        if (this.choose() !== transport) {
          this.connect(); // fall back at once: the next transport has not failed yet
          return;
        }
      }
    }
    const delay = Math.max(failure.retryAfterMs ?? 0, backoffDelay(this.retries, this.context.backoff));
    this.retries += 1;
    this.update({ state: 'retrying' });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Too late to resume: the server no longer keeps the events after this feed's position. A job's
   * feed takes the job as it is now (a `state` event made from its snapshot, marked `snapshot`, at
   * its `lastSeq`) and follows on from there; the feed of all jobs starts again from the oldest
   * event kept. Either way the status says so, and what was missed is gone.
   */
  private async resync(why: string): Promise<void> {
    this.update({ reconnects: this.status.reconnects + 1, resynced: this.status.resynced + 1, detail: why });
    if (this.target.kind === 'job') {
      try {
        const { env } = this.context;
        const answer = await env.fetch(apiUrl(env, `/api/v1/jobs/${encodeURIComponent(this.target.jobId)}`,
          { token: await env.tokens.get() }), { cache: 'no-store' });
        if (!answer.ok) {
          this.onFailure(this.current ?? this.chain[0], await failureOf(answer, env));
          return;
        }
        const job = (await answer.json()) as Job;
        if (job.lastSeq > this.position) {
          this.position = job.lastSeq;
          this.sink.events([snapshotEvent(job)]);
        }
      } catch (error) {
        this.onFailure(this.current ?? this.chain[0], { kind: 'dropped', detail: `no snapshot of the job: ${error}` });
        return;
      }
    } else {
      this.position = 0;
    }
    this.connect();
  }

  private update(change: Partial<FeedStatus>): void {
    this.status = { ...this.status, ...change };
    this.sink.status(this.status);
  }
}

/** A job's snapshot as the event that brings a view to it: its state now, at its last seq. */
function snapshotEvent(job: Job): JobEvent {
  return {
    seq: job.lastSeq, attempt: job.attempt, tseq: 0, jobId: job.id, tenant: '', jobType: job.type, tags: job.tags,
    type: 'state', state: job.state, percent: job.progress.percent, message: job.progress.message,
    result: job.result, error: job.error, runAt: job.runAt, timestamp: job.updatedAt, snapshot: true,
  } as JobEvent;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
}
