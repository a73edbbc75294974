import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { INITIAL_STATUS, JobcastClient, type FeedStatus, type JobEvent } from '../jobcast-client';
import type { JobApi } from './api';

/**
 * The page's connection to Jobcast: one JobcastClient (its streams shared with the other tabs of
 * this origin), and one subscription to all of the user's jobs that the jobs table and the
 * operations view both read.
 */
export interface Live {
  client: JobcastClient;
  /** Listens to the all-jobs feed; returns the function that stops listening. */
  onEvents(listener: (events: JobEvent[]) => void): () => void;
  /** Events of the all-jobs feed received in the last minutes (for views that load after they came). */
  recent(): readonly JobEvent[];
  /**
   * Resolves once the feed follows from its starting position: a list read after that misses no
   * later event (read before, it could: the feed starts after what it shows).
   */
  following(): Promise<void>;
  status: FeedStatus;
}

const LiveContext = createContext<Live | null>(null);

const RECENT_EVENTS = 5000;

export function LiveProvider({ api, children }: { api: JobApi; children: ReactNode }) {
  // The client is made and closed by one effect: React runs effects twice in development
  // (StrictMode), and a client made during render (useMemo) would be closed by the first
  // cleanup and then used closed: no feed would ever connect.
  const [client, setClient] = useState<JobcastClient | null>(null);
  useEffect(() => {
    const created = new JobcastClient({ token: () => api.streamToken() });
    setClient(created);
    return () => {
      created.close();
      setClient((current) => (current === created ? null : current));
    };
  }, [api]);
  return client ? <LiveFeed api={api} client={client}>{children}</LiveFeed> : null;
}

function LiveFeed({ api, client, children }: { api: JobApi; client: JobcastClient; children: ReactNode }) {
  const [status, setStatus] = useState<FeedStatus>(INITIAL_STATUS);
  const bus = useMemo(() => {
    const listeners = new Set<(events: JobEvent[]) => void>();
    const recent: JobEvent[] = [];
    let started = () => {};
    const following = new Promise<void>((resolve) => {
      started = resolve;
    });
    return {
      listeners,
      recent,
      following,
      started: () => started(),
      publish(events: JobEvent[]) {
        recent.push(...events);
        if (recent.length > RECENT_EVENTS) recent.splice(0, recent.length - RECENT_EVENTS);
        listeners.forEach((listener) => listener(events));
      },
    };
  }, [client]);

  useEffect(() => {
    let subscription: { close(): void } | null = null;
    let cancelled = false;
    void startingPosition(api).then((after) => {
      if (cancelled) return;
      // Conflated: under a flood the table needs every state change, not every percent.
      subscription = client.followAll({ after, conflate: true, onEvents: bus.publish, onStatus: setStatus });
      bus.started();
    });
    return () => {
      cancelled = true;
      subscription?.close();
    };
  }, [api, client, bus]);

  // onEvents and recent stay the same functions while the client does: effects that listen
  // depend on them, not on the status, which changes often.
  const feed = useMemo(() => ({
    recent: () => bus.recent,
    following: () => bus.following,
    onEvents(listener: (events: JobEvent[]) => void) {
      bus.listeners.add(listener);
      return () => {
        bus.listeners.delete(listener);
      };
    },
  }), [bus]);
  const live = useMemo<Live>(() => ({ client, status, ...feed }), [client, status, feed]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/**
 * Where the all-jobs feed starts (a `tseq`). Starting at 0 would replay the tenant's whole log
 * (up to 100,000 events), and the API does not say where the log ends. The last event of the job
 * that changed most recently is a safe start: the lists the page shows were read after it, and
 * their rows drop events they already reflect (by each job's `lastSeq`).
 */
export async function startingPosition(api: JobApi): Promise<number> {
  try {
    const page = await api.listJobs({}, undefined, 20);
    const latest = [...page.jobs ?? []].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))[0];
    if (!latest) return 0;
    const answer = await api.eventsAfter(latest.id, Math.max(0, latest.lastSeq - 1));
    const last = answer.events[answer.events.length - 1];
    return last ? Math.max(0, last.tseq - 1) : 0;
  } catch {
    return 0;
  }
}
