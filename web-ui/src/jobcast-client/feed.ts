import { backoffDelay, type BackoffOptions } from './backoff';
import { isFailure, type Env, type Link, type LinkFailure, type OpenLink } from './transports/link';
import { INITIAL_STATUS, type FeedStatus, type OutputEnd, type Problem, type Target, type TransportName } from './types';

/** What the feeds of one client share: their surroundings and what was learnt about the transports. */
export interface FeedContext {
  env: Env;
  /** Transports found blocked or buffered for this page: later feeds (of any kind) skip them. */
  blocked: Set<TransportName>;
  /** Transports that delivered at least once: one refusal of those is more likely a restart than a block. */
  proven: Set<TransportName>;
  backoff: BackoffOptions;
}

/**
 * What sets a kind of feed apart (a job's events, an output's frames): the transports that carry
 * its items, and how items move its position.
 */
export interface FeedKind<T> {
  transports: Record<TransportName, OpenLink<T>>;
  /**
   * What of `item` is new to a reader at `position` and the position after it: the item, or the
   * unread tail of one that overlaps the position; null when the reader had all of it.
   */
  take(position: number, item: T): { item: T; position: number } | null;
  /** Whether `item` carries on from `position` with nothing between them. */
  follows(position: number, item: T): boolean;
  /**
   * Positions have no holes (bytes): an item that does not follow means something was lost, a
   * fault of the server. Events may leave holes (filters, conflation), so for them it is not.
   */
  contiguous: boolean;
  /** When an item was made (ms since the epoch), for the latency; absent when items carry no time. */
  madeAt?(item: T): number;
  /**
   * Too late to resume (410): the position to go on from (it may be earlier: the oldest kept) and
   * what to hand over first. Rejects with a LinkFailure when it cannot tell. Absent: the feed fails.
   */
  resync?(position: number, env: Env): Promise<{ position: number; items: T[] }>;
}

export interface FeedSink<T> {
  events(items: T[]): void;
  status(status: FeedStatus): void;
  /** The output is complete (output feeds): its length and the job's final state. */
  end?(end: OutputEnd): void;
  /** A problem for the subscriber: why the feed failed for good, or a server's fault it recovered from. */
  problem?(problem: Problem): void;
}

/** The problem type of an output frame that starts after the bytes delivered so far (a server bug). */
export const OUTPUT_GAP = 'urn:jobcast-client:output-gap';

/** Refusals in a row after which a transport that worked before is given up as blocked. */
const REFUSALS_OF_A_PROVEN_TRANSPORT = 3;
const LATENCY_SAMPLES = 20;
/** How long a rewound feed waits for the replay to begin before it takes live items again. */
const REPLAY_WAIT_MS = 3000;

/**
 * Follows one target over the best transport that works, from a position on: delivers every item
 * after it once and in order, falls back along `chain` when a transport is refused or buffered,
 * reconnects with jittered backoff when a live one drops, and resumes where it was.
 */
export class Feed<T> {
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
  /** Set by a rewind until the replay begins: when it was rewound. */
  private rewoundAt: number | null = null;
  private status: FeedStatus = { ...INITIAL_STATUS };

  constructor(
    readonly target: Target,
    after: number,
    /** Transports in order of preference; a single one means "this one, no fallback". */
    private readonly chain: readonly TransportName[],
    private readonly context: FeedContext,
    private readonly kind: FeedKind<T>,
    private readonly sink: FeedSink<T>,
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

  /** Delivers again from an earlier position (items after it that the sink already had are its to drop). */
  rewind(after: number): void {
    if (after >= this.position || this.stopped) return;
    this.position = after;
    this.rewoundAt = this.now();
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

  /**
   * Asks again after the feed ended or failed, for a new subscriber: an output that was complete
   * grows again when its job is retried, and one that was not found may have been written since.
   */
  revive(): void {
    if ((this.status.state === 'ended' || this.status.state === 'failed') && !this.stopped && this.link === null) this.connect();
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
    const link = this.kind.transports[transport](this.target, this.position, {
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
      ended: (end) => {
        if (this.link !== link) return;
        if (end && this.kind.contiguous && end.length > this.position) {
          this.onFault(`the output ended at ${end.length} with ${this.position} bytes delivered`);
          return;
        }
        this.link = null;
        if (end) this.sink.end?.(end);
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

  private deliver(items: T[]): void {
    const fresh: T[] = [];
    let fault: string | null = null;
    for (const item of items) {
      const taken = this.kind.take(this.position, item);
      if (taken === null) continue; // a replayed or probed item
      if (!this.kind.follows(this.position, item)) {
        if (this.awaitingReplay()) continue;
        if (this.kind.contiguous) {
          fault = `an item at ${describe(item)} does not follow on from ${this.position}`;
          break;
        }
      }
      this.rewoundAt = null;
      this.position = taken.position;
      fresh.push(taken.item);
      // Latency: from when the item was made to now, for items made while this link was open
      // (the same clock on both ends is assumed; a negative age means the clocks disagree).
      const made = this.kind.madeAt?.(item);
      if (made === undefined) continue;
      const age = this.now() - made;
      if (made >= this.openedAt && age >= 0) this.latencies.push(age);
    }
    if (this.latencies.length > LATENCY_SAMPLES) this.latencies.splice(0, this.latencies.length - LATENCY_SAMPLES);
    if (fresh.length > 0) {
      this.sink.events(fresh);
      if (this.latencies.length > 0) this.update({ latencyMs: median(this.latencies) });
    }
    if (fault !== null) this.onFault(fault);
  }

  /**
   * After a rewind, a live item already on its way may arrive before the replay; taken, it would
   * make the feed drop the whole replay as old. Until the item right after the rewind position
   * arrives (a few seconds at most), later ones are left for the replay to bring again.
   */
  private awaitingReplay(): boolean {
    if (this.rewoundAt === null) return false;
    if (this.now() - this.rewoundAt < REPLAY_WAIT_MS) return true;
    this.rewoundAt = null;
    return false;
  }

  /**
   * Something was lost on the way (the server sent bytes after a hole): the subscriber hears of it,
   * and the feed asks again from the last position it has, so what it delivers stays exact.
   */
  private onFault(detail: string): void {
    const transport = this.current ?? this.chain[0];
    this.link?.close();
    this.link = null;
    this.sink.problem?.({ type: OUTPUT_GAP, title: 'Output out of order', status: 0, detail: `${detail} (${transport}); resuming from ${this.position}` });
    this.onFailure(transport, { kind: 'dropped', detail });
  }

  private onFailure(transport: TransportName, failure: LinkFailure): void {
    if (failure.kind === 'fatal' || (failure.kind === 'expired' && !this.kind.resync)) {
      this.update({ state: 'failed', detail: failure.detail });
      this.sink.problem?.(failure.problem ?? { type: 'about:blank', title: failure.detail, status: 0 });
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
   * Too late to resume: the server no longer keeps the items after this feed's position. The kind
   * says where to go on from (a job's feed: the job as it is now) and the status says so: what was
   * missed is gone.
   */
  private async resync(why: string): Promise<void> {
    this.update({ reconnects: this.status.reconnects + 1, resynced: this.status.resynced + 1, detail: why });
    try {
      const { position, items } = await this.kind.resync!(this.position, this.context.env);
      if (this.stopped) return;
      this.position = position;
      if (items.length > 0) this.sink.events(items);
    } catch (error) {
      if (this.stopped) return;
      this.onFailure(this.current ?? this.chain[0], isFailure(error) ? error : { kind: 'dropped', detail: `no snapshot of the job: ${error}` });
      return;
    }
    this.connect();
  }

  private update(change: Partial<FeedStatus>): void {
    this.status = { ...this.status, ...change };
    this.sink.status(this.status);
  }
}

/** Where an item starts, for a message. */
function describe(item: unknown): string {
  const offset = (item as { offset?: unknown }).offset;
  return typeof offset === 'number' ? `offset ${offset}` : 'a later position';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
}
