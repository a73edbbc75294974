import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobcastClient, type ClientOptions } from './client';
import { FakeEventSource, FakeLocks, FakeWebSocket, event, fakeFetch, json } from './testing/fakes';
import type { FeedStatus, JobEvent } from './types';

const BASE = 'https://jobs.example';

/** A client with fakes for the network, quick probes and backoff, and no tab sharing unless given. */
function client(over: Partial<ClientOptions> = {}, fetch = fakeFetch(() => undefined).fetch) {
  const created = new JobcastClient({
    token: async () => ({ token: 'st1.t', expiresAt: new Date(Date.now() + 600_000).toISOString() }),
    baseUrl: BASE,
    probeTimeoutMs: 80,
    pollIntervalMs: 10,
    longPollWaitSeconds: 1,
    backoff: { baseMs: 5, maxMs: 20 },
    shareAcrossTabs: false,
    ...over,
    environment: {
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      EventSource: FakeEventSource as unknown as typeof EventSource,
      fetch,
      ...over.environment,
    },
  });
  clients.push(created);
  return created;
}

/** What a subscriber saw: the events, in the order handed over, and the last status. */
function recorder() {
  const seen = { events: [] as JobEvent[], status: null as FeedStatus | null };
  return {
    seen,
    onEvents: (events: JobEvent[]) => seen.events.push(...events),
    onStatus: (status: FeedStatus) => (seen.status = status),
  };
}

const seqs = (events: JobEvent[]) => events.map((e) => e.seq);
const clients: JobcastClient[] = [];

beforeEach(() => {
  FakeWebSocket.instances = [];
  FakeEventSource.instances = [];
});

afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
});

describe('JobcastClient over WebSocket', () => {
  it('subscribes with the stream token and delivers events in order, each once', async () => {
    const watch = recorder();
    client().followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last;
    expect(socket.url.toString()).toBe('wss://jobs.example/api/v1/ws?token=st1.t');

    socket.open();
    expect(socket.sent).toEqual([{ op: 'subscribe', jobId: 'j1', after: 0 }]);
    socket.acknowledge();
    [1, 2, 2, 3, 1].forEach((seq) => socket.receive(event(seq)));
    socket.receive(event(4, { type: 'state', state: 'SUCCEEDED', percent: 100 }));

    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2, 3, 4]));
    expect(watch.seen.status).toMatchObject({ transport: 'websocket', state: 'ended', reconnects: 0 });
  });

  it('measures latency on events made while connected, not on replayed history', async () => {
    const watch = recorder();
    client().followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last;
    socket.open();
    socket.acknowledge();
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    socket.receive(event(1, { timestamp: ago(60_000) }));
    socket.receive(event(2, { timestamp: ago(5_000) }));
    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2]));
    expect(watch.seen.status?.latencyMs).toBeNull();

    socket.receive(event(3, { timestamp: ago(0) }));
    await vi.waitFor(() => expect(watch.seen.status?.latencyMs).not.toBeNull());
    expect(watch.seen.status!.latencyMs!).toBeLessThan(1000);
  });

  it('resumes after the last event when the server drops the connection', async () => {
    const watch = recorder();
    client().followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const first = FakeWebSocket.last;
    first.open();
    first.acknowledge();
    [1, 2, 3].forEach((seq) => first.receive(event(seq)));

    first.drop(1012, 'service restart');

    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const second = FakeWebSocket.last;
    second.open();
    expect(second.sent).toEqual([{ op: 'subscribe', jobId: 'j1', after: 3 }]);
    second.acknowledge();
    [3, 4, 5].forEach((seq) => second.receive(event(seq)));
    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2, 3, 4, 5]));
    expect(watch.seen.status).toMatchObject({ transport: 'websocket', state: 'live', reconnects: 1, fellBackFrom: [] });
  });

  it('reconnects over WebSocket when a stopping replica closes a new socket with 1012', async () => {
    const watch = recorder();
    client().followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const first = FakeWebSocket.last;
    first.open();

    first.drop(1012, 'this replica is stopping: reconnect and resume'); // before any acknowledgement

    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const second = FakeWebSocket.last;
    second.open();
    second.acknowledge();
    second.receive(event(1));
    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1]));
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(watch.seen.status).toMatchObject({ transport: 'websocket', state: 'live', fellBackFrom: [] });
  });

  it('takes the job as it is now when it is too late to resume, and follows on from there', async () => {
    const job = { id: 'j1', type: 'demo.sleep', state: 'RUNNING', progress: { percent: 70, message: 'step 700' }, attempt: 1,
      maxAttempts: 3, attemptsLeft: 2, priority: 5, tags: [], cancelRequested: false, ttl: 'PT1H', lastSeq: 700,
      createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), links: {} };
    const watch = recorder();
    client({}, fakeFetch((url) => (url.pathname === '/api/v1/jobs/j1' ? json(job) : undefined)).fetch).followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const first = FakeWebSocket.last;
    first.open();
    first.acknowledge();
    [1, 2].forEach((seq) => first.receive(event(seq)));
    first.drop(1012, 'service restart');
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const second = FakeWebSocket.last;
    second.open();
    expect(second.sent).toEqual([{ op: 'subscribe', jobId: 'j1', after: 2 }]);

    second.receive({ op: 'error', jobId: 'j1', type: '/problems/history-expired', title: 'Too late to resume', status: 410 });

    await vi.waitFor(() => expect(second.sent).toContainEqual({ op: 'subscribe', jobId: 'j1', after: 700 }));
    second.acknowledge();
    second.receive(event(701));
    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2, 700, 701]));
    expect(watch.seen.events[2]).toMatchObject({ type: 'state', state: 'RUNNING', percent: 70, snapshot: true });
    expect(watch.seen.status).toMatchObject({ state: 'live', resynced: 1 });
  });

  it('follows many jobs on one socket, and all jobs on a socket of its own', async () => {
    const c = client();
    c.followJob('j1', recorder());
    c.followJob('j2', recorder());
    c.followAll({ after: 40, type: 'demo.sleep' });
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    FakeWebSocket.instances.forEach((s) => s.open());
    const subscriptions = FakeWebSocket.instances.map((s) => s.sent);
    expect(subscriptions).toContainEqual([{ op: 'subscribe', jobId: 'j1', after: 0 }, { op: 'subscribe', jobId: 'j2', after: 0 }]);
    expect(subscriptions).toContainEqual([{ op: 'subscribe', all: true, after: 40, type: 'demo.sleep' }]);
  });
});

describe('JobcastClient closed', () => {
  it('says it follows nothing, rather than connecting for ever', () => {
    const closed = client();
    closed.close();
    const seen = recorder();
    const subscription = closed.followJob('j1', seen);
    const output: FeedStatus[] = [];
    closed.followOutput('j1', 'log', { onStatus: (status) => output.push(status) });

    expect(seen.seen.status).toMatchObject({ state: 'failed', detail: 'the JobcastClient was closed' });
    expect(subscription.status.state).toBe('failed');
    expect(output.map((status) => status.state)).toEqual(['failed']);
    expect(FakeWebSocket.instances).toHaveLength(0);
    subscription.close();
  });
});

describe('JobcastClient falling back', () => {
  it('uses SSE when the WebSocket is refused, from the same position', async () => {
    const watch = recorder();
    client().followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));

    FakeWebSocket.last.drop(1006); // closed before it ever opened

    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.last;
    expect(source.url.pathname).toBe('/api/v1/jobs/j1/events');
    expect(source.url.searchParams.get('token')).toBe('st1.t');
    source.emit(event(1));
    source.emit(event(2, { type: 'state', state: 'SUCCEEDED', percent: 100 }));
    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2]));
    expect(source.closed).toBe(true);
    expect(watch.seen.status).toMatchObject({ transport: 'sse', state: 'ended', fellBackFrom: ['websocket'] });
  });

  it('takes a WebSocket that opens but never answers for buffered, and falls back', async () => {
    const watch = recorder();
    client().followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.last.open(); // a proxy accepts the upgrade, then holds every frame back

    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1), { timeout: 1000 });
    expect(FakeWebSocket.instances[0].closed).toBeDefined();
    expect(watch.seen.status?.detail).toContain('no answer on the WebSocket');
  });

  it('falls back to long polling when the event stream is refused too, and later feeds skip both', async () => {
    const polls: string[] = [];
    const { fetch } = fakeFetch((url) => {
      if (url.pathname === '/api/v1/jobs/j1') return json({ id: 'j1', lastSeq: 0 });
      if (url.pathname === '/api/v1/jobs/j1/progress') {
        polls.push(url.searchParams.get('after')!);
        const after = Number(url.searchParams.get('after'));
        return after === 0
          ? json({ jobId: 'j1', lastSeq: 2, done: false, events: [event(1), event(2)] })
          : json({ jobId: 'j1', lastSeq: 3, done: true, events: [event(3, { type: 'state', state: 'SUCCEEDED' })] });
      }
      return undefined;
    });
    const c = client({}, fetch);
    const watch = recorder();
    c.followJob('j1', watch);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.last.drop(1006);
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    FakeEventSource.last.fail(); // the stream errs before its first event; the job itself is fine

    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2, 3]));
    expect(polls).toEqual(['0', '2']);
    expect(watch.seen.status).toMatchObject({ transport: 'long-poll', state: 'ended', fellBackFrom: ['websocket', 'sse'] });

    c.followJob('j2', recorder());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('stops for good on a job that does not exist', async () => {
    const { fetch } = fakeFetch(() => json({ type: '/problems/job-not-found', title: 'Job not found', status: 404, detail: 'No job j9.' }, 404));
    const watch = recorder();
    client({ transports: ['long-poll'] }, fetch).followJob('j9', watch);

    await vi.waitFor(() => expect(watch.seen.status?.state).toBe('failed'));
    expect(watch.seen.status?.detail).toBe('Job not found: No job j9.');
  });
});

describe('JobcastClient polling', () => {
  it('short-polls with If-None-Match and fetches the events it missed when the job changed', async () => {
    let lastSeq = 0;
    const conditional: (string | null)[] = [];
    const { fetch } = fakeFetch((url, init) => {
      if (url.pathname === '/api/v1/jobs/j1') {
        const etag = new Headers(init?.headers).get('If-None-Match');
        conditional.push(etag);
        if (etag === `"${lastSeq}"`) return new Response(null, { status: 304 });
        return json({ id: 'j1', lastSeq, state: lastSeq >= 3 ? 'SUCCEEDED' : 'RUNNING' }, 200, { ETag: `"${lastSeq}"` });
      }
      if (url.pathname === '/api/v1/jobs/j1/progress') {
        expect(url.searchParams.get('wait')).toBe('0');
        const after = Number(url.searchParams.get('after'));
        const events = [event(1), event(2), event(3, { type: 'state', state: 'SUCCEEDED' })].filter((e) => e.seq > after && e.seq <= lastSeq);
        return json({ jobId: 'j1', lastSeq, done: lastSeq >= 3, events });
      }
      return undefined;
    });
    const watch = recorder();
    client({}, fetch).followJob('j1', { ...watch, transport: 'poll' });

    await vi.waitFor(() => expect(conditional.length).toBeGreaterThan(2));
    lastSeq = 2;
    await vi.waitFor(() => expect(seqs(watch.seen.events)).toEqual([1, 2]));
    lastSeq = 3;
    await vi.waitFor(() => expect(watch.seen.status?.state).toBe('ended'));
    expect(seqs(watch.seen.events)).toEqual([1, 2, 3]);
    expect(conditional).toContain('"0"');
  });

  it('asks for a new token when a poll is refused with 401', async () => {
    let issued = 0;
    const tokensSeen: string[] = [];
    const { fetch } = fakeFetch((url) => {
      tokensSeen.push(url.searchParams.get('token')!);
      if (url.searchParams.get('token') === 'st1.old') return json({ type: '/problems/unauthorized', title: 'Unauthorized', status: 401 }, 401);
      return json({ jobId: 'j1', lastSeq: 1, done: true, events: [event(1, { type: 'state', state: 'SUCCEEDED' })] });
    });
    const watch = recorder();
    client({ token: async () => (++issued === 1 ? 'st1.old' : 'st1.new') }, fetch).followJob('j1', { ...watch, transport: 'long-poll' });

    await vi.waitFor(() => expect(watch.seen.status?.state).toBe('ended'));
    expect(tokensSeen).toEqual(['st1.old', 'st1.new']);
  });
});

describe('JobcastClient under load', () => {
  it('hands a conflating subscriber every state change and the latest progress, never a gap in states', async () => {
    const watch = recorder();
    client({ conflateAbove: 20 }).followAll({ after: 0, conflate: true, ...watch });
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last;
    socket.open();
    socket.acknowledge();
    let tseq = 0;
    const sent: JobEvent[] = [];
    for (const job of ['a', 'b', 'c']) {
      const send = (e: JobEvent) => {
        sent.push(e);
        socket.receive(e);
      };
      send(event(1, { jobId: job, tseq: ++tseq, type: 'state', state: 'RUNNING' }));
      for (let step = 2; step <= 200; step++) send(event(step, { jobId: job, tseq: ++tseq, percent: Math.floor(step / 2) }));
      send(event(201, { jobId: job, tseq: ++tseq, type: 'state', state: 'SUCCEEDED', percent: 100 }));
    }

    await vi.waitFor(() => expect(watch.seen.events.length).toBeGreaterThan(0));
    const states = (events: JobEvent[]) => events.filter((e) => e.type === 'state').map((e) => `${e.jobId}:${e.state}`);
    expect(states(watch.seen.events)).toEqual(states(sent));
    expect(watch.seen.events.length).toBeLessThan(20);
    expect(watch.seen.events.filter((e) => e.type === 'progress').map((e) => `${e.jobId}:${e.percent}`)).toEqual(['a:100', 'b:100', 'c:100']);
  });
});

describe('JobcastClient across tabs', () => {
  it('shares one connection: the leading tab follows, the other listens, then takes over', async () => {
    const locks = new FakeLocks() as unknown as LockManager;
    const sharing = { shareAcrossTabs: true, channelName: `test-${Math.random()}`, environment: { locks, BroadcastChannel } };
    const leader = client(sharing);
    await vi.waitFor(() => expect(leader.leading).toBe(true));
    const other = client(sharing);
    const inLeader = recorder();
    const inOther = recorder();
    leader.followJob('j1', inLeader);
    other.followJob('j1', inOther);

    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last;
    socket.open();
    socket.acknowledge();
    [1, 2, 3].forEach((seq) => socket.receive(event(seq)));
    await vi.waitFor(() => expect(seqs(inOther.seen.events)).toEqual([1, 2, 3]));
    expect(seqs(inLeader.seen.events)).toEqual([1, 2, 3]);
    expect(inOther.seen.status).toMatchObject({ transport: 'websocket', state: 'live', shared: true });
    expect(other.leading).toBe(false);

    leader.close(); // the tab closes: the browser releases its lock

    await vi.waitFor(() => expect(other.leading).toBe(true));
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const taken = FakeWebSocket.last;
    taken.open();
    expect(taken.sent).toEqual([{ op: 'subscribe', jobId: 'j1', after: 3 }]);
    taken.acknowledge();
    taken.receive(event(4));
    await vi.waitFor(() => expect(seqs(inOther.seen.events)).toEqual([1, 2, 3, 4]));
    expect(inOther.seen.status).toMatchObject({ shared: false, state: 'live' });
  });

  /** A leading tab that received events 1 to 3 of j1, then a second tab that follows j1 too. */
  async function lateTab() {
    const locks = new FakeLocks() as unknown as LockManager;
    const sharing = { shareAcrossTabs: true, channelName: `test-${Math.random()}`, environment: { locks, BroadcastChannel } };
    const leader = client(sharing);
    await vi.waitFor(() => expect(leader.leading).toBe(true));
    const inLeader = recorder();
    leader.followJob('j1', inLeader);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last;
    socket.open();
    socket.acknowledge();
    [1, 2, 3].forEach((seq) => socket.receive(event(seq)));

    const inLate = recorder();
    client(sharing).followJob('j1', inLate);
    // The leader asks the server again from the late tab's position (the server replaces the subscription).
    await vi.waitFor(() => expect(socket.sent.filter((f) => f.op === 'subscribe')).toHaveLength(2));
    expect(socket.sent[1]).toEqual({ op: 'subscribe', jobId: 'j1', after: 0 });
    return { socket, inLeader, inLate };
  }

  it('replays to a tab that joins late what it missed, without repeating it to the others', async () => {
    const { socket, inLeader, inLate } = await lateTab();
    [1, 2, 3, 4].forEach((seq) => socket.receive(event(seq)));

    await vi.waitFor(() => expect(seqs(inLate.seen.events)).toEqual([1, 2, 3, 4]));
    expect(seqs(inLeader.seen.events)).toEqual([1, 2, 3, 4]);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('gives a late tab the whole replay even when a live event overtakes it', async () => {
    const { socket, inLeader, inLate } = await lateTab();
    socket.receive(event(4)); // live, sent before the server saw the new subscription
    [1, 2, 3, 4, 5].forEach((seq) => socket.receive(event(seq)));

    await vi.waitFor(() => expect(seqs(inLate.seen.events)).toEqual([1, 2, 3, 4, 5]));
    expect(seqs(inLeader.seen.events)).toEqual([1, 2, 3, 4, 5]);
  });

  it('leads with the next client when one was closed before the election was decided', async () => {
    // React's StrictMode (development) mounts, unmounts and mounts again: the first client is
    // closed before the browser grants it the lock. Holding the lock then would leave the next
    // client of the page following a leader that is gone: "connecting" for ever.
    const locks = new FakeLocks() as unknown as LockManager;
    const sharing = { shareAcrossTabs: true, channelName: `test-${Math.random()}`, environment: { locks, BroadcastChannel } };
    client(sharing).close();
    const next = client(sharing);
    const seen = recorder();
    next.followJob('j1', seen);

    await vi.waitFor(() => expect(next.leading).toBe(true));
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last;
    socket.open();
    socket.acknowledge();
    socket.receive(event(1));
    await vi.waitFor(() => expect(seqs(seen.seen.events)).toEqual([1]));
    expect(seen.seen.status).toMatchObject({ transport: 'websocket', state: 'live', shared: false });
  });

  it('keeps a tab\'s chosen WebSocket apart from the feed it leads for the others, both live', async () => {
    // The leading tab shows j1 over a chosen WebSocket; another tab follows j1 shared. The server
    // keeps one subscription per job on a socket: on one socket, the second would replace the first.
    const locks = new FakeLocks() as unknown as LockManager;
    const sharing = { shareAcrossTabs: true, channelName: `test-${Math.random()}`, environment: { locks, BroadcastChannel } };
    const leader = client(sharing);
    await vi.waitFor(() => expect(leader.leading).toBe(true));
    const other = client(sharing);
    await vi.waitFor(() => expect(other.leading).toBe(false));
    const chosen = recorder();
    leader.followJob('j1', { ...chosen, transport: 'websocket' });
    const chosenOutput: string[] = [];
    leader.followOutput('j1', 'text', { transport: 'websocket', onFrame: (f) => chosenOutput.push(f.text) });
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const own = FakeWebSocket.last;
    own.open();
    own.acknowledge();
    own.receive(event(1));
    own.receive({ jobId: 'j1', output: 'text', attempt: 1, offset: 0, text: 'a' });
    await vi.waitFor(() => expect(seqs(chosen.seen.events)).toEqual([1]));

    const shared = recorder();
    other.followJob('j1', shared);
    other.followOutput('j1', 'text', {});

    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const forTabs = FakeWebSocket.last;
    forTabs.open();
    await vi.waitFor(() => expect(forTabs.sent).toHaveLength(2));
    expect(forTabs.sent).toEqual([{ op: 'subscribe', jobId: 'j1', after: 0 }, { op: 'subscribe', jobId: 'j1', output: 'text', after: 0 }]);
    expect(own.sent.filter((f) => f.op === 'subscribe')).toHaveLength(2); // nothing replaced on the chosen socket
    forTabs.acknowledge();
    [1, 2].forEach((seq) => forTabs.receive(event(seq)));
    own.receive(event(2));
    own.receive({ jobId: 'j1', output: 'text', attempt: 1, offset: 1, text: 'b' });

    await vi.waitFor(() => expect(seqs(shared.seen.events)).toEqual([1, 2]));
    await vi.waitFor(() => expect(seqs(chosen.seen.events)).toEqual([1, 2]));
    await vi.waitFor(() => expect(chosenOutput.join('')).toBe('ab'));
    expect(chosen.seen.status).toMatchObject({ transport: 'websocket', state: 'live', shared: false });
  });

  it('follows again for a tab the leader forgot, at its next beat, from where that tab stands', async () => {
    // A hidden tab's timers run once a minute: it misses beats and the leader forgets it (as here,
    // where the leader is told it left). Its next beat names what it follows: it must not go stale.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const locks = new FakeLocks() as unknown as LockManager;
      const channelName = `test-${Math.random()}`;
      const sharing = { shareAcrossTabs: true, channelName, environment: { locks, BroadcastChannel } };
      const leader = client(sharing);
      await vi.waitFor(() => expect(leader.leading).toBe(true));
      const other = client(sharing);
      await vi.waitFor(() => expect(other.leading).toBe(false));
      const seen = recorder();
      other.followJob('j1', seen);
      await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
      const socket = FakeWebSocket.last;
      socket.open();
      socket.acknowledge();
      socket.receive(event(1));
      await vi.waitFor(() => expect(seqs(seen.seen.events)).toEqual([1]));

      const channel = new BroadcastChannel(channelName);
      channel.postMessage({ t: 'unsub', from: (other as unknown as { tabs: { id: string } }).tabs.id, key: 'job:j1' });
      await vi.waitFor(() => expect(socket.sent).toContainEqual({ op: 'unsubscribe', jobId: 'j1' }));
      channel.close();

      vi.advanceTimersByTime(5000); // the forgotten tab beats

      await vi.waitFor(() => expect(socket.sent.filter((f) => f.op === 'subscribe')).toHaveLength(2));
      expect(socket.sent.at(-1)).toEqual({ op: 'subscribe', jobId: 'j1', after: 1 });
      socket.receive({ op: 'subscribed', jobId: 'j1', after: 1 });
      socket.receive(event(2));
      await vi.waitFor(() => expect(seqs(seen.seen.events)).toEqual([1, 2]));
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a chosen transport to the tab that chose it', async () => {
    const locks = new FakeLocks() as unknown as LockManager;
    const sharing = { shareAcrossTabs: true, channelName: `test-${Math.random()}`, environment: { locks, BroadcastChannel } };
    const leader = client(sharing);
    await vi.waitFor(() => expect(leader.leading).toBe(true));
    const other = client(sharing);
    await vi.waitFor(() => expect(other.leading).toBe(false));

    other.followJob('j1', { ...recorder(), transport: 'sse' });

    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});
