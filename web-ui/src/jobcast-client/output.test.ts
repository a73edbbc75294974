import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobcastClient, type ClientOptions, type OutputOptions } from './client';
import { OUTPUT_GAP } from './feed';
import { mergeFrames, utf8Length } from './kinds';
import { FakeEventSource, FakeLocks, FakeWebSocket, event, fakeFetch, frame, json } from './testing/fakes';
import type { FeedStatus, JobEvent, OutputEnd, OutputFrame, Problem } from './types';

const BASE = 'https://jobs.example';
const clients: JobcastClient[] = [];

function client(over: Partial<ClientOptions> = {}, fetch = fakeFetch(() => undefined).fetch) {
  const created = new JobcastClient({
    token: 'st1.t',
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

/** What a subscriber of an output saw. */
function reader() {
  const seen = { frames: [] as OutputFrame[], end: null as OutputEnd | null, problems: [] as Problem[], status: null as FeedStatus | null };
  const options: OutputOptions = {
    onFrame: (f) => seen.frames.push(f),
    onEnd: (end) => (seen.end = end),
    onError: (problem) => seen.problems.push(problem),
    onStatus: (status) => (seen.status = status),
  };
  return { seen, options, text: () => seen.frames.map((f) => f.text).join('') };
}

/** Each frame starts where the one before it ended: no byte lost, none twice. */
function expectContiguous(frames: OutputFrame[], from = 0) {
  let at = from;
  for (const f of frames) {
    expect(f.offset).toBe(at);
    at += utf8Length(f.text);
  }
}

async function openSocket() {
  await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
  const socket = FakeWebSocket.last;
  socket.open();
  socket.acknowledge();
  return socket;
}

beforeEach(() => {
  FakeWebSocket.instances = [];
  FakeEventSource.instances = [];
});

afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
});

describe('followOutput over WebSocket', () => {
  it('subscribes beside the job\'s events on one socket, and routes frames apart from events', async () => {
    const c = client();
    const events: JobEvent[] = [];
    c.followJob('j1', { onEvents: (e) => events.push(...e) });
    const out = reader();
    c.followOutput('j1', 'text', out.options);
    const socket = await openSocket();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(socket.sent).toEqual([
      { op: 'subscribe', jobId: 'j1', after: 0 },
      { op: 'subscribe', jobId: 'j1', output: 'text', after: 0 },
    ]);

    socket.receive(event(1));
    socket.receive(frame(0, 'hello '));
    socket.receive(frame(0, 'hello ')); // a duplicate
    socket.receive(frame(6, 'wörld\n'));
    socket.receive({ op: 'output-end', jobId: 'j1', output: 'text', length: 13, state: 'SUCCEEDED' });

    await vi.waitFor(() => expect(out.seen.end).toEqual({ jobId: 'j1', output: 'text', length: 13, state: 'SUCCEEDED' }));
    expect(out.text()).toBe('hello wörld\n');
    expectContiguous(out.seen.frames);
    expect(events.map((e) => e.seq)).toEqual([1]);
    expect(out.seen.status).toMatchObject({ transport: 'websocket', state: 'ended' });
  });

  it('resumes mid-output after a drop with exactly the rest, even when the replay overlaps', async () => {
    const out = reader();
    client().followOutput('j1', 'text', out.options);
    const first = await openSocket();
    first.receive(frame(0, 'hello '));
    first.receive(frame(6, 'wörld\n'));
    await vi.waitFor(() => expect(out.text()).toBe('hello wörld\n'));

    first.drop(1012, 'service restart');

    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const second = await openSocket();
    expect(second.sent).toEqual([{ op: 'subscribe', jobId: 'j1', output: 'text', after: 13 }]);
    // Read from storage, merged differently: the first frame starts before the offset asked for.
    second.receive(frame(6, 'wörld\nagain ünd '));
    second.receive(frame(24, 'more'));
    await vi.waitFor(() => expect(out.text()).toBe('hello wörld\nagain ünd more'));
    expectContiguous(out.seen.frames);
    expect(out.seen.problems).toEqual([]);
    expect(out.seen.status).toMatchObject({ state: 'live', reconnects: 1 });
  });

  it('starts a new section for a new attempt, never merging two attempts into one frame', async () => {
    const out = reader();
    client().followOutput('j1', 'log', out.options);
    const socket = await openSocket();
    [frame(0, 'a', { output: 'log' }), frame(1, 'b', { output: 'log' }), frame(2, 'c', { output: 'log', attempt: 2 })].forEach((f) => socket.receive(f));

    await vi.waitFor(() => expect(out.text()).toBe('abc'));
    expect(out.seen.frames.map((f) => [f.attempt, f.offset, f.text])).toEqual([[1, 0, 'ab'], [2, 2, 'c']]);
  });

  it('reports bytes that start after a hole, hands over none of them, and asks again from its offset', async () => {
    const out = reader();
    client().followOutput('j1', 'text', out.options);
    const first = await openSocket();
    first.receive(frame(0, 'abc'));
    first.receive(frame(10, 'XYZ')); // 3..10 never came

    await vi.waitFor(() => expect(out.seen.problems.map((p) => p.type)).toEqual([OUTPUT_GAP]));
    await vi.waitFor(() => expect(first.sent).toContainEqual({ op: 'subscribe', jobId: 'j1', output: 'text', after: 3 }));
    first.receive(frame(3, 'defghij'));
    await vi.waitFor(() => expect(out.text()).toBe('abcdefghij'));
    expectContiguous(out.seen.frames);
  });

  it('stops with the problem when the output does not exist', async () => {
    const out = reader();
    client().followOutput('j1', 'nope', out.options);
    const socket = await openSocket();
    socket.receive({ op: 'error', jobId: 'j1', output: 'nope', type: '/problems/output-not-found', title: 'Output not found', status: 404 });

    await vi.waitFor(() => expect(out.seen.status?.state).toBe('failed'));
    expect(out.seen.problems).toMatchObject([{ type: '/problems/output-not-found', status: 404 }]);
  });

  it('keeps the job\'s events going when an error about an output names only the job', async () => {
    const c = client();
    const events: JobEvent[] = [];
    const jobStatus: FeedStatus[] = [];
    c.followJob('j1', { onEvents: (e) => events.push(...e), onStatus: (s) => jobStatus.push(s) });
    const out = reader();
    c.followOutput('j1', 'nope', out.options);
    const socket = await openSocket();
    socket.receive({ op: 'error', jobId: 'j1', type: '/problems/output-not-found', title: 'Output not found', status: 404 });
    socket.receive(event(1));

    await vi.waitFor(() => expect(out.seen.status?.state).toBe('failed'));
    await vi.waitFor(() => expect(events.map((e) => e.seq)).toEqual([1]));
    expect(jobStatus.at(-1)?.state).toBe('live');
  });

  it('takes a quiet output for quiet, not for a buffered socket', async () => {
    const asked: URL[] = [];
    const { fetch } = fakeFetch((url, init) => {
      asked.push(url);
      expect(new Headers(init?.headers).get('Accept')).toBe('application/json');
      return json({ jobId: 'j1', output: 'text', after: 5, next: 5, frames: [], complete: false, state: 'RUNNING' });
    });
    const out = reader();
    client({}, fetch).followOutput('j1', 'text', { ...out.options, after: 5 });
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.last.open(); // no acknowledgement of output subscriptions, and nothing new to send

    await vi.waitFor(() => expect(out.seen.status?.state).toBe('live'));
    expect(asked[0].pathname).toBe('/api/v1/jobs/j1/output/text');
    expect(Object.fromEntries(asked[0].searchParams)).toMatchObject({ after: '5', wait: '0' });
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(FakeWebSocket.last.closed).toBeUndefined();
  });

  it('rejects a name the server would not take', () => {
    expect(() => client().followOutput('j1', 'Log!', {})).toThrow(/not an output name/);
  });
});

describe('followOutput falling back', () => {
  it('follows over SSE from the same offset when the WebSocket is refused', async () => {
    const out = reader();
    client().followOutput('j1', 'text', { ...out.options, after: 3 });
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.last.drop(1006);

    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.last;
    expect(source.url.pathname).toBe('/api/v1/jobs/j1/output/text');
    expect(Object.fromEntries(source.url.searchParams)).toEqual({ token: 'st1.t', after: '3' });
    source.send('output', frame(3, 'def'));
    source.send('end', { length: 6, state: 'SUCCEEDED' }); // as the server sends it: the address names the output

    await vi.waitFor(() => expect(out.seen.end).toEqual({ jobId: 'j1', output: 'text', length: 6, state: 'SUCCEEDED' }));
    expect(out.text()).toBe('def');
    expect(source.closed).toBe(true);
    expect(out.seen.status).toMatchObject({ transport: 'sse', state: 'ended', fellBackFrom: ['websocket'] });
  });

  it('resumes a broken event stream from its last offset', async () => {
    const out = reader();
    client({ transports: ['sse'] }).followOutput('j1', 'text', out.options);
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    FakeEventSource.last.send('output', frame(0, 'abc'));
    await vi.waitFor(() => expect(out.text()).toBe('abc'));

    FakeEventSource.last.fail();

    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(2));
    expect(FakeEventSource.last.url.searchParams.get('after')).toBe('3');
    FakeEventSource.last.send('output', frame(3, 'def'));
    await vi.waitFor(() => expect(out.text()).toBe('abcdef'));
  });

  it('long-polls with Accept: application/json when both streams are refused, each answer\'s next the next after', async () => {
    const polls: { after: string; wait: string; accept: string | null }[] = [];
    const { fetch } = fakeFetch((url, init) => {
      if (url.pathname !== '/api/v1/jobs/j1/output/text') return undefined;
      const accept = new Headers(init?.headers).get('Accept');
      if (accept === 'text/event-stream') return json({}, 200); // the stream itself was fine: it erred on the way
      polls.push({ after: url.searchParams.get('after')!, wait: url.searchParams.get('wait')!, accept });
      return url.searchParams.get('after') === '0'
        ? json({ jobId: 'j1', output: 'text', after: 0, next: 4, frames: [frame(0, 'ab'), frame(2, 'cd')], complete: false, state: 'RUNNING' })
        : json({ jobId: 'j1', output: 'text', after: 4, next: 6, frames: [frame(4, 'ef', { attempt: 2 })], complete: true, state: 'SUCCEEDED' });
    });
    const out = reader();
    client({}, fetch).followOutput('j1', 'text', out.options);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.last.drop(1006);
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    FakeEventSource.last.fail();

    await vi.waitFor(() => expect(out.seen.end).toEqual({ jobId: 'j1', output: 'text', length: 6, state: 'SUCCEEDED' }));
    expect(out.text()).toBe('abcdef');
    expect(out.seen.frames.map((f) => f.attempt)).toEqual([1, 2]);
    expect(polls).toEqual([{ after: '0', wait: '1', accept: 'application/json' }, { after: '4', wait: '1', accept: 'application/json' }]);
    expect(out.seen.status).toMatchObject({ transport: 'long-poll', state: 'ended', fellBackFrom: ['websocket', 'sse'] });
  });
});

describe('followOutput across tabs', () => {
  it('shares the leading tab\'s socket; the other tab gets the same bytes and the end', async () => {
    const locks = new FakeLocks() as unknown as LockManager;
    const sharing = { shareAcrossTabs: true, channelName: `test-${Math.random()}`, environment: { locks, BroadcastChannel } };
    const leader = client(sharing);
    await vi.waitFor(() => expect(leader.leading).toBe(true));
    const other = client(sharing);
    await vi.waitFor(() => expect(other.leading).toBe(false));
    const inLeader = reader();
    const inOther = reader();
    leader.followOutput('j1', 'log', inLeader.options);
    other.followOutput('j1', 'log', inOther.options);

    const socket = await openSocket();
    socket.receive(frame(0, 'line 1\n', { output: 'log' }));
    socket.receive(frame(7, 'line 2\n', { output: 'log' }));
    socket.receive({ op: 'output-end', jobId: 'j1', output: 'log', length: 14, state: 'SUCCEEDED' });

    await vi.waitFor(() => expect(inOther.seen.end?.length).toBe(14));
    expect(inOther.text()).toBe('line 1\nline 2\n');
    expect(inLeader.text()).toBe('line 1\nline 2\n');
    expect(inOther.seen.status).toMatchObject({ shared: true, state: 'ended' });
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('asks a finished output again for a tab that joins later, which gets the end too', async () => {
    const out = reader();
    const c = client();
    c.followOutput('j1', 'text', out.options);
    const socket = await openSocket();
    socket.receive(frame(0, 'abc'));
    socket.receive({ op: 'output-end', jobId: 'j1', output: 'text', length: 3, state: 'DEAD' });
    await vi.waitFor(() => expect(out.seen.end?.length).toBe(3));

    const late = reader();
    c.followOutput('j1', 'text', late.options);
    await vi.waitFor(() => expect(socket.sent.filter((f) => f.op === 'subscribe')).toHaveLength(2));
    expect(socket.sent[1]).toEqual({ op: 'subscribe', jobId: 'j1', output: 'text', after: 0 });
    socket.receive(frame(0, 'abc'));
    socket.receive({ op: 'output-end', jobId: 'j1', output: 'text', length: 3, state: 'DEAD' });

    await vi.waitFor(() => expect(late.seen.end?.length).toBe(3));
    expect(late.text()).toBe('abc');
    expect(out.text()).toBe('abc'); // the first reader hears nothing twice
  });
});

describe('listOutputs', () => {
  it('reads the outputs of a job with the stream token', async () => {
    const answer = { jobId: 'j1', state: 'RUNNING', outputs: [{ name: 'log', length: 40, sections: [{ attempt: 1, offset: 0 }] }] };
    const { fetch, calls } = fakeFetch((url) => (url.pathname === '/api/v1/jobs/j1/outputs' ? json(answer) : undefined));

    expect(await client({}, fetch).listOutputs('j1')).toEqual(answer);
    expect(calls[0].searchParams.get('token')).toBe('st1.t');
  });

  it('rejects with the server\'s problem', async () => {
    const { fetch } = fakeFetch(() => json({ type: '/problems/job-not-found', title: 'Job not found', status: 404 }, 404));
    await expect(client({}, fetch).listOutputs('j9')).rejects.toMatchObject({ problem: { type: '/problems/job-not-found' } });
  });
});

describe('frames', () => {
  it('count UTF-8 bytes as the server does', () => {
    for (const text of ['', 'abc', 'wörld', '€', '𝄞 clef', '\ud800 lone']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('merge only when consecutive and of one attempt', () => {
    expect(mergeFrames([frame(0, 'ab'), frame(2, 'ç'), frame(4, 'd', { attempt: 2 }), frame(9, 'e', { attempt: 2 })]))
      .toEqual([frame(0, 'abç'), frame(4, 'd', { attempt: 2 }), frame(9, 'e', { attempt: 2 })]);
  });
});
