import type { BackoffOptions } from './backoff';
import { conflate } from './conflate';
import { Feed, type FeedContext } from './feed';
import { Tabs, type TabsEnvironment } from './tabs';
import { TokenSource, type TokenProvider } from './tokens';
import type { Env, OpenLink } from './transports/link';
import { openLongPoll, openShortPoll } from './transports/polling';
import { openSse } from './transports/sse';
import { WebSocketTransport } from './transports/webSocket';
import { INITIAL_STATUS, keyOf, positionOf, type FeedStatus, type JobEvent, type Target, type TransportName } from './types';

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

export interface Subscription {
  readonly status: FeedStatus;
  close(): void;
}

/** Messages between the tabs. */
type TabMessage =
  | { t: 'sub'; from: string; key: string; target: Target; after: number }
  | { t: 'unsub'; from: string; key: string }
  | { t: 'alive'; from: string; keys: string[] }
  | { t: 'leader'; from: string }
  | { t: 'events'; key: string; events: JobEvent[] }
  | { t: 'status'; key: string; status: FeedStatus };

interface Listener {
  position: number;
  options: FollowOptions;
  waiting: JobEvent[];
  flush?: ReturnType<typeof setTimeout>;
}

/** Everything followed under one key: this tab's listeners, and in the leading tab the feed and the other tabs' interest. */
interface Entry {
  key: string;
  target: Target;
  /** A transport chosen by the subscriber: the tab's own connection, never shared. */
  fixed?: TransportName;
  listeners: Set<Listener>;
  feed: Feed | null;
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
  private readonly chain: TransportName[];
  private readonly entries = new Map<string, Entry>();
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
      transports: {
        websocket: (target, after, handlers, env) => webSockets.open(target, after, handlers, env),
        sse: openSse,
        'long-poll': openLongPoll,
        poll: openShortPoll,
      } satisfies Record<TransportName, OpenLink>,
      blocked: new Set(),
      proven: new Set(),
      backoff: options.backoff ?? {},
    };
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
    const listener: Listener = { position: options.after ?? 0, options, waiting: [] };
    // A chosen transport is this tab's own connection: it exists to show or test that transport.
    const key = options.transport ? `${keyOf(target)}#${options.transport}#${Math.random()}` : keyOf(target);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, target, fixed: options.transport, listeners: new Set(), feed: null, remote: new Map(), status: { ...INITIAL_STATUS } };
      this.entries.set(key, entry);
    }
    entry.listeners.add(listener);
    const own = entry;
    if (options.transport || this.leading) this.ensureFeed(own, listener.position);
    else if (this.tabs?.leading === false) this.announce(own, listener.position);
    options.onStatus?.(own.status);
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

  private chainFor(entry: Entry): TransportName[] {
    if (entry.fixed) return [entry.fixed];
    return entry.target.kind === 'all' ? this.chain.filter((name) => STREAMS.has(name)) : this.chain;
  }

  /** In the leading tab (or for a tab's own connection): starts the feed, or rewinds it for a late joiner. */
  private ensureFeed(entry: Entry, after: number): void {
    if (this.closed) return;
    if (entry.feed) {
      if (after < entry.feed.lastPosition) entry.feed.rewind(after);
      this.publishStatus(entry);
      return;
    }
    entry.feed = new Feed(entry.target, after, this.chainFor(entry), this.context, {
      events: (events) => {
        this.dispatch(entry, events);
        if (entry.remote.size > 0) this.tabs?.post({ t: 'events', key: entry.key, events });
      },
      status: (status) => {
        entry.status = status;
        this.publishStatus(entry);
      },
    });
    entry.feed.start();
  }

  private publishStatus(entry: Entry): void {
    entry.listeners.forEach((listener) => listener.options.onStatus?.(entry.status));
    if (entry.remote.size > 0) this.tabs?.post({ t: 'status', key: entry.key, status: entry.status });
  }

  private release(entry: Entry): void {
    if (entry.listeners.size > 0 || entry.remote.size > 0) return;
    entry.feed?.stop();
    this.entries.delete(entry.key);
    if (!entry.fixed && this.tabs && this.tabs.leading === false) {
      this.tabs.post({ t: 'unsub', from: this.tabs.id, key: entry.key });
    }
  }

  /** Hands events to each listener past its own position; conflating listeners may get fewer. */
  private dispatch(entry: Entry, events: JobEvent[]): void {
    for (const listener of entry.listeners) {
      for (const event of events) {
        const position = positionOf(entry.target, event);
        if (position <= listener.position) continue;
        listener.position = position;
        listener.waiting.push(event);
      }
      if (listener.waiting.length > 0 && listener.flush === undefined) {
        // Delivered on the next task: a burst becomes one batch, and a slow page one conflated batch.
        listener.flush = setTimeout(() => {
          listener.flush = undefined;
          const waiting = listener.waiting;
          listener.waiting = [];
          if (entry.listeners.has(listener)) {
            listener.options.onEvents?.(listener.options.conflate ? conflate(waiting, this.conflateAbove) : waiting);
          }
        }, 0);
      }
    }
  }

  private lowestPosition(entry: Entry): number {
    return Math.min(...[...entry.listeners].map((listener) => listener.position));
  }

  private announce(entry: Entry, after: number): void {
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
        let entry = this.entries.get(message.key);
        if (!entry) {
          entry = { key: message.key, target: message.target, listeners: new Set(), feed: null, remote: new Map(), status: { ...INITIAL_STATUS } };
          this.entries.set(message.key, entry);
        }
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
      }
      return;
    }
    if (message.t === 'leader') {
      // A new leader knows nothing of this tab's subscriptions: tell it, with where each stands.
      for (const entry of this.entries.values()) {
        if (!entry.fixed) this.announce(entry, this.lowestPosition(entry));
      }
    } else if (message.t === 'events') {
      const entry = this.entries.get(message.key);
      if (entry && !entry.feed) this.dispatch(entry, message.events);
    } else if (message.t === 'status') {
      const entry = this.entries.get(message.key);
      if (entry && !entry.feed) {
        entry.status = { ...message.status, shared: true };
        entry.listeners.forEach((listener) => listener.options.onStatus?.(entry.status));
      }
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
