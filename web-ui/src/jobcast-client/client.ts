import type { BackoffOptions } from './backoff';
import { conflate } from './conflate';
import { Feed, type FeedContext, type FeedKind } from './feed';
import { eventKind, mergeFrames, outputKind } from './kinds';
import { Tabs, type TabsEnvironment } from './tabs';
import { TokenSource, type TokenProvider } from './tokens';
import { isFailure, type Env, type OpenLink } from './transports/link';
import { fetchOutputs, openOutputLongPoll, openOutputShortPoll, openOutputSse } from './transports/output';
import { openLongPoll, openShortPoll } from './transports/polling';
import { openSse } from './transports/sse';
import { WebSocketTransport } from './transports/webSocket';
import {
  INITIAL_STATUS, OUTPUT_NAME, keyOf,
  type FeedStatus, type JobEvent, type JobOutputs, type OutputEnd, type OutputFrame, type Problem, type Target, type TransportName,
} from './types';

export interface ClientOptions {
  /** A stream token, or a function that issues one (called again before it expires). */
  token: TokenProvider;
  /** The gateway's origin; defaults to the page's. */
  baseUrl?: string | URL;
  /** Transports tried in order when a subscription does not name one. */
  transports?: TransportName[];
  /** Share one connection among this origin's tabs (default true). */
  shareAcrossTabs?: boolean;
  /** Name of the lock and channel the tabs coordinate on. */
  channelName?: string;
  /** How long a new connection may take to prove it delivers (default 5000 ms). */
  probeTimeoutMs?: number;
  longPollWaitSeconds?: number;
  pollIntervalMs?: number;
  /** A conflating subscriber that has more than this many events waiting gets only the latest progress. */
  conflateAbove?: number;
  backoff?: BackoffOptions;
  /** Stand-ins for the browser's APIs (tests, or a non-browser runtime). */
  environment?: Partial<Pick<Env, 'fetch' | 'WebSocket' | 'EventSource'>> & TabsEnvironment;
}

export interface FollowOptions {
  /** Deliver the events after this position (`seq` for a job, `tseq` for all jobs); default 0. */
  after?: number;
  /** Use only this transport: no fallback, and the connection is this tab's own (not shared). */
  transport?: TransportName;
  /** Called with events in order, each once. */
  onEvents?: (events: JobEvent[]) => void;
  onStatus?: (status: FeedStatus) => void;
  /** When events pile up, pass only the latest progress of each job (state changes are never dropped). */
  conflate?: boolean;
}

export interface AllJobsOptions extends FollowOptions {
  /** Only jobs of this type. */
  type?: string;
  /** Only jobs with this tag. */
  tag?: string;
}

export interface OutputOptions {
  /** Deliver the bytes after this offset (an offset the client handed over, i.e. a frame's end); default 0. */
  after?: number;
  /** Use only this transport: no fallback, and the connection is this tab's own (not shared). */
  transport?: TransportName;
  /**
   * The text in order, each byte once, in frames of one attempt each: a retry's text starts a new
   * section of the output. Consecutive frames of an attempt may come merged.
   */
  onFrame?: (frame: OutputFrame) => void;
  /** The output is complete (the job ended and every byte was delivered): its length and the job's state. */
  onEnd?: (end: OutputEnd) => void;
  /**
   * The output cannot be followed (no such output yet, or no access; the status is then `failed`),
   * or the server sent bytes out of order (type `OUTPUT_GAP`; the client resumes from its offset).
   */
  onError?: (problem: Problem) => void;
  onStatus?: (status: FeedStatus) => void;
}

export interface Subscription {
  readonly status: FeedStatus;
  close(): void;
}

/** A refused request; `problem` is the server's problem document. */
export class JobcastError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}${problem.detail ? ': ' + problem.detail : ''}`);
  }
}

/** Messages between the tabs; `events` carries a job's events or an output's frames. */
type TabMessage =
  | { t: 'sub'; from: string; key: string; target: Target; after: number }
  | { t: 'unsub'; from: string; key: string }
  | { t: 'alive'; from: string; keys: string[] }
  | { t: 'resubscribe'; to: string; keys: string[] }
  | { t: 'leader'; from: string }
  | { t: 'events'; key: string; events: unknown[] }
  | { t: 'status'; key: string; status: FeedStatus }
  | { t: 'end'; key: string; end: OutputEnd }
  | { t: 'problem'; key: string; problem: Problem };

/** One subscriber of an entry, with where it stands; items wait a task so that a burst arrives as one batch. */
interface Listener<T> {
  position: number;
  waiting: T[];
  flush?: ReturnType<typeof setTimeout>;
  deliver(items: T[]): void;
  onStatus?(status: FeedStatus): void;
  onEnd?(end: OutputEnd): void;
  onError?(problem: Problem): void;
  /** An end that waits for the bytes before it to be handed over. */
  end?: OutputEnd;
  /** The length the last end handed over said: a revived feed's end that repeats it is not handed over again. */
  endedAt?: number;
}

/** Everything followed under one key: this tab's listeners, and in the leading tab the feed and the other tabs' interest. */
interface Entry<T> {
  key: string;
  target: Target;
  kind: FeedKind<T>;
  /** A transport chosen by the subscriber: the tab's own connection, never shared. */
  fixed?: TransportName;
  listeners: Set<Listener<T>>;
  feed: Feed<T> | null;
  /** Other tabs following this key, by id, with when they were last heard of. */
  remote: Map<string, number>;
  status: FeedStatus;
}

const DEFAULT_CHAIN: TransportName[] = ['websocket', 'sse', 'long-poll'];
/** The all-jobs feed exists only as a stream. */
const STREAMS: ReadonlySet<TransportName> = new Set(['websocket', 'sse']);
const HEARTBEAT_MS = 5000;
const REMOTE_TAB_TIMEOUT_MS = 3 * HEARTBEAT_MS;

/**
 * Follows Jobcast jobs from a browser. One client per page: subscriptions without a fixed transport
 * share one connection (per kind) among all tabs of the origin, falling back from WebSocket to SSE
 * to long polling as the network allows, and resuming from the last event after any drop.
 */
export class JobcastClient {
  private readonly context: FeedContext;
  private readonly eventTransports: Record<TransportName, OpenLink<JobEvent>>;
  private readonly outputKind: FeedKind<OutputFrame>;
  private readonly chain: TransportName[];
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly conflateAbove: number;
  private readonly tabs: Tabs<TabMessage> | null;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(options: ClientOptions) {
    const environment = options.environment ?? {};
    const global = globalThis as typeof globalThis & { navigator?: Navigator };
    const webSockets = new WebSocketTransport();
    const baseUrl = new URL(options.baseUrl ?? global.location?.origin ?? 'http://localhost/');
    this.context = {
      env: {
        baseUrl,
        tokens: new TokenSource(options.token),
        fetch: environment.fetch ?? global.fetch.bind(global),
        WebSocket: environment.WebSocket ?? global.WebSocket,
        EventSource: environment.EventSource ?? global.EventSource,
        probeTimeoutMs: options.probeTimeoutMs ?? 5000,
        longPollWaitSeconds: options.longPollWaitSeconds ?? 25,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
      },
      blocked: new Set(),
      proven: new Set(),
      backoff: options.backoff ?? {},
    };
    this.eventTransports = {
      websocket: (target, after, handlers, env) => webSockets.open(target, after, handlers, env),
      sse: openSse,
      'long-poll': openLongPoll,
      poll: openShortPoll,
    };
    // Outputs travel on the same socket as the events of jobs.
    this.outputKind = outputKind({
      websocket: (target, after, handlers, env) => webSockets.open(target, after, handlers, env),
      sse: openOutputSse,
      'long-poll': openOutputLongPoll,
      poll: openOutputShortPoll,
    });
    this.chain = options.transports ?? DEFAULT_CHAIN;
    this.conflateAbove = options.conflateAbove ?? 200;
    this.tabs = options.shareAcrossTabs === false ? null : Tabs.create<TabMessage>(
      options.channelName ?? `jobcast-client:${baseUrl.origin}`,
      { locks: 'locks' in environment ? environment.locks : global.navigator?.locks,
        BroadcastChannel: 'BroadcastChannel' in environment ? environment.BroadcastChannel : global.BroadcastChannel },
      () => this.onElection(),
      (message) => this.onTabMessage(message),
    );
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
  }

  /** Whether this tab holds the shared connections (true when sharing is off or unavailable). */
  get leading(): boolean {
    return this.tabs === null || this.tabs.leading === true;
  }

  /** Follows one job until its terminal event. */
  followJob(jobId: string, options: FollowOptions = {}): Subscription {
    return this.follow({ kind: 'job', jobId }, options);
  }

  /** Follows every job of the tenant (optionally of one type, with one tag); never ends by itself. */
  followAll(options: AllJobsOptions = {}): Subscription {
    return this.follow({ kind: 'all', type: options.type || undefined, tag: options.tag || undefined }, options);
  }

  /**
   * Follows one output of a job (its `log`, or one it names) from a byte offset until the job
   * ended and every byte was delivered, over the same transports, fallback and tab sharing as
   * events; after a drop it resumes from the last byte handed over.
   */
  followOutput(jobId: string, name: string, options: OutputOptions = {}): Subscription {
    if (!OUTPUT_NAME.test(name)) throw new Error(`not an output name: ${JSON.stringify(name)}`);
    const listener: Listener<OutputFrame> = {
      position: options.after ?? 0,
      waiting: [],
      deliver: (frames) => mergeFrames(frames).forEach((frame) => options.onFrame?.(frame)),
      onStatus: options.onStatus,
      onEnd: options.onEnd,
      onError: options.onError,
    };
    return this.subscribe({ kind: 'output', jobId, output: name }, listener, options.transport);
  }

  /** The outputs a job has written so far, with their lengths and where each attempt's section starts. */
  async listOutputs(jobId: string): Promise<JobOutputs> {
    try {
      return await fetchOutputs(this.context.env, jobId);
    } catch (error) {
      throw isFailure(error) ? new JobcastError(error.problem ?? { type: 'about:blank', title: error.detail, status: 0 }) : error;
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const entry of this.entries.values()) {
      entry.feed?.stop();
      if (!this.leading) this.tabs?.post({ t: 'unsub', from: this.tabs.id, key: entry.key });
    }
    this.entries.clear();
    this.tabs?.close();
  }

  private follow(target: Target, options: FollowOptions): Subscription {
    if (options.transport && target.kind === 'all' && !STREAMS.has(options.transport)) {
      throw new Error(`all jobs can be followed over ${[...STREAMS].join(' or ')}, not ${options.transport}`);
    }
    const listener: Listener<JobEvent> = {
      position: options.after ?? 0,
      waiting: [],
      deliver: (events) => options.onEvents?.(options.conflate ? conflate(events, this.conflateAbove) : events),
      onStatus: options.onStatus,
    };
    return this.subscribe(target, listener, options.transport);
  }

  private subscribe<T>(target: Target, listener: Listener<T>, transport: TransportName | undefined): Subscription {
    if (this.closed) {
      // A closed client follows nothing: it says so, rather than "connecting" for ever.
      const status: FeedStatus = { ...INITIAL_STATUS, state: 'failed', detail: 'the JobcastClient was closed' };
      listener.onStatus?.(status);
      return { status, close: () => undefined };
    }
    // A chosen transport is this tab's own connection: it exists to show or test that transport.
    const key = transport ? `${keyOf(target)}#${transport}#${Math.random()}` : keyOf(target);
    const own = (this.entries.get(key) ?? this.createEntry(key, target, transport)) as Entry<T>;
    own.listeners.add(listener);
    if (transport || this.leading) this.ensureFeed(own, listener.position);
    else if (this.tabs?.leading === false) this.announce(own, listener.position);
    listener.onStatus?.(own.status);
    return {
      get status() {
        return own.status;
      },
      close: () => {
        own.listeners.delete(listener);
        clearTimeout(listener.flush);
        this.release(own);
      },
    };
  }

  private createEntry(key: string, target: Target, fixed?: TransportName): Entry<unknown> {
    const kind = (target.kind === 'output' ? this.outputKind : eventKind(target, this.eventTransports)) as FeedKind<unknown>;
    const entry: Entry<unknown> = { key, target, kind, fixed, listeners: new Set(), feed: null, remote: new Map(), status: { ...INITIAL_STATUS } };
    this.entries.set(key, entry);
    return entry;
  }

  private chainFor<T>(entry: Entry<T>): TransportName[] {
    if (entry.fixed) return [entry.fixed];
    return entry.target.kind === 'all' ? this.chain.filter((name) => STREAMS.has(name)) : this.chain;
  }

  /** In the leading tab (or for a tab's own connection): starts the feed, or rewinds it for a late joiner. */
  private ensureFeed<T>(entry: Entry<T>, after: number): void {
    if (this.closed) return;
    if (entry.feed) {
      if (after < entry.feed.lastPosition) entry.feed.rewind(after);
      // A joiner of a finished output asks again: a retry of the job may have added to it since.
      else if (entry.target.kind === 'output') entry.feed.revive();
      this.publishStatus(entry);
      return;
    }
    entry.feed = new Feed(entry.target, after, this.chainFor(entry), this.context, entry.kind, {
      events: (items) => {
        this.dispatch(entry, items);
        if (entry.remote.size > 0) this.tabs?.post({ t: 'events', key: entry.key, events: items });
      },
      status: (status) => {
        entry.status = status;
        this.publishStatus(entry);
      },
      end: (end) => {
        this.endOutput(entry, end);
        if (entry.remote.size > 0) this.tabs?.post({ t: 'end', key: entry.key, end });
      },
      problem: (problem) => {
        entry.listeners.forEach((listener) => listener.onError?.(problem));
        if (entry.remote.size > 0) this.tabs?.post({ t: 'problem', key: entry.key, problem });
      },
    });
    entry.feed.start();
  }

  private publishStatus<T>(entry: Entry<T>): void {
    entry.listeners.forEach((listener) => listener.onStatus?.(entry.status));
    if (entry.remote.size > 0) this.tabs?.post({ t: 'status', key: entry.key, status: entry.status });
  }

  private release<T>(entry: Entry<T>): void {
    if (entry.listeners.size > 0 || entry.remote.size > 0) return;
    entry.feed?.stop();
    this.entries.delete(entry.key);
    if (!entry.fixed && this.tabs && this.tabs.leading === false) {
      this.tabs.post({ t: 'unsub', from: this.tabs.id, key: entry.key });
    }
  }

  /** Hands items to each listener past its own position; conflating listeners may get fewer events. */
  private dispatch<T>(entry: Entry<T>, items: T[]): void {
    const { kind } = entry;
    for (const listener of entry.listeners) {
      for (const item of items) {
        // Bytes after a hole are not this listener's yet: the replay it waits for brings them in order.
        if (kind.contiguous && !kind.follows(listener.position, item)) continue;
        const taken = kind.take(listener.position, item);
        if (taken === null) continue;
        listener.position = taken.position;
        listener.waiting.push(taken.item);
      }
      this.schedule(entry, listener);
    }
  }

  /** An output ended: each listener hears of it once it has every byte before the end. */
  private endOutput<T>(entry: Entry<T>, end: OutputEnd): void {
    for (const listener of entry.listeners) {
      listener.end = end;
      this.schedule(entry, listener);
    }
  }

  private schedule<T>(entry: Entry<T>, listener: Listener<T>): void {
    if ((listener.waiting.length === 0 && !listener.end) || listener.flush !== undefined) return;
    // Delivered on the next task: a burst becomes one batch, and a slow page one conflated batch.
    listener.flush = setTimeout(() => {
      listener.flush = undefined;
      if (!entry.listeners.has(listener)) return;
      const waiting = listener.waiting;
      listener.waiting = [];
      if (waiting.length > 0) listener.deliver(waiting);
      const end = listener.end;
      if (end && listener.position >= end.length && entry.listeners.has(listener)) {
        listener.end = undefined;
        if (listener.endedAt !== end.length) {
          listener.endedAt = end.length;
          listener.onEnd?.(end);
        }
      }
    }, 0);
  }

  private lowestPosition<T>(entry: Entry<T>): number {
    return Math.min(...[...entry.listeners].map((listener) => listener.position));
  }

  private announce<T>(entry: Entry<T>, after: number): void {
    if (!this.tabs) return;
    this.tabs.post({ t: 'sub', from: this.tabs.id, key: entry.key, target: entry.target, after });
  }

  private onElection(): void {
    if (!this.tabs || this.closed) return;
    for (const entry of this.entries.values()) {
      if (entry.fixed) continue;
      if (this.tabs.leading) this.ensureFeed(entry, this.lowestPosition(entry));
      else this.announce(entry, this.lowestPosition(entry));
    }
    if (this.tabs.leading) this.tabs.post({ t: 'leader', from: this.tabs.id });
  }

  private onTabMessage(message: TabMessage): void {
    if (this.closed || !this.tabs) return;
    if (this.tabs.leading) {
      if (message.t === 'sub') {
        const entry = this.entries.get(message.key) ?? this.createEntry(message.key, message.target);
        entry.remote.set(message.from, Date.now());
        this.ensureFeed(entry, message.after);
      } else if (message.t === 'unsub') {
        const entry = this.entries.get(message.key);
        if (entry) {
          entry.remote.delete(message.from);
          this.release(entry);
        }
      } else if (message.t === 'alive') {
        for (const key of message.keys) this.entries.get(key)?.remote.set(message.from, Date.now());
        // A tab that beat too rarely (a hidden tab's timers are throttled, to once a minute) was
        // forgotten and its feeds stopped: it says where it stands again, and they start over.
        const forgotten = message.keys.filter((key) => !this.entries.has(key));
        if (forgotten.length > 0) this.tabs.post({ t: 'resubscribe', to: message.from, keys: forgotten });
      }
      return;
    }
    if (message.t === 'leader') {
      // A new leader knows nothing of this tab's subscriptions: tell it, with where each stands.
      for (const entry of this.entries.values()) {
        if (!entry.fixed) this.announce(entry, this.lowestPosition(entry));
      }
      return;
    }
    if (message.t === 'sub' || message.t === 'unsub' || message.t === 'alive') return; // for the leader
    if (message.t === 'resubscribe') {
      if (message.to !== this.tabs.id) return;
      for (const key of message.keys) {
        const entry = this.entries.get(key);
        if (entry && !entry.fixed) this.announce(entry, this.lowestPosition(entry));
      }
      return;
    }
    // The rest is what the leader relays; an entry with a feed of its own (a chosen transport) ignores it.
    const entry = this.entries.get(message.key);
    if (!entry || entry.feed) return;
    if (message.t === 'events') {
      this.dispatch(entry, message.events);
    } else if (message.t === 'status') {
      entry.status = { ...message.status, shared: true };
      entry.listeners.forEach((listener) => listener.onStatus?.(entry.status));
    } else if (message.t === 'end') {
      this.endOutput(entry, message.end);
    } else if (message.t === 'problem') {
      entry.listeners.forEach((listener) => listener.onError?.(message.problem));
    }
  }

  private beat(): void {
    if (!this.tabs || this.tabs.leading === undefined) return;
    if (this.tabs.leading) {
      // Forget tabs that stopped beating (closed without a word): their feeds may end.
      const now = Date.now();
      for (const entry of [...this.entries.values()]) {
        for (const [tab, seen] of entry.remote) if (now - seen > REMOTE_TAB_TIMEOUT_MS) entry.remote.delete(tab);
        this.release(entry);
      }
    } else {
      const keys = [...this.entries.values()].filter((entry) => !entry.fixed).map((entry) => entry.key);
      if (keys.length > 0) this.tabs.post({ t: 'alive', from: this.tabs.id, keys });
    }
  }
}
