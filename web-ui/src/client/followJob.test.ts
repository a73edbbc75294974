import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent, Problem } from './events';
import { followJob } from './followJob';

/** Just enough of a browser WebSocket to drive followJob by hand. */
class FakeSocket {
  static last: FakeSocket;
  readonly sent: unknown[] = [];
  closed?: { code?: number; reason?: string };
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((close: { code: number; reason: string }) => void) | null = null;

  constructor(readonly url: URL) {
    FakeSocket.last = this;
  }

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }

  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const event = (seq: number, over: Partial<JobEvent> = {}): JobEvent => ({
  seq,
  attempt: 1,
  tseq: seq,
  jobId: 'j1',
  tenant: 't',
  jobType: 'demo.sleep',
  type: 'progress',
  state: 'RUNNING',
  percent: seq * 10,
  message: `step ${seq}`,
  timestamp: '2026-11-24T08:00:00Z',
  ...over,
});

describe('followJob', () => {
  beforeEach(() => vi.stubGlobal('WebSocket', FakeSocket));
  afterEach(() => vi.unstubAllGlobals());

  it('connects with the stream token and subscribes to the job once open', () => {
    followJob('j1', { token: 'st1.t&k=1', onEvent: () => {}, baseUrl: 'https://jobs.example:8443/ui/' });
    const socket = FakeSocket.last;
    expect(socket.url.toString()).toBe('wss://jobs.example:8443/api/v1/ws?token=st1.t%26k%3D1');
    expect(socket.sent).toEqual([]);
    socket.onopen?.();
    expect(socket.sent).toEqual([{ op: 'subscribe', jobId: 'j1', after: 0 }]);
  });

  it('passes events on, skips control frames and closes after the terminal event', () => {
    const events: JobEvent[] = [];
    const onError = vi.fn();
    followJob('j1', { token: 'st1.k', onEvent: (e) => events.push(e), onError, baseUrl: 'http://localhost:8080' });
    const socket = FakeSocket.last;
    expect(socket.url.protocol).toBe('ws:');
    socket.receive({ op: 'subscribed', jobId: 'j1' });
    socket.receive(event(1));
    expect(socket.closed).toBeUndefined();
    socket.receive(event(2, { type: 'state', state: 'SUCCEEDED', percent: 100, result: { steps: 2 } }));
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(socket.closed?.code).toBe(1000);
    socket.onclose?.({ code: 1000, reason: 'job finished' });
    expect(onError).not.toHaveBeenCalled();
  });

  it('reports an error frame and gives up the socket', () => {
    const problems: Problem[] = [];
    followJob('j1', { token: 'st1.k', onEvent: () => {}, onError: (p) => problems.push(p), baseUrl: 'http://h' });
    const socket = FakeSocket.last;
    socket.receive({ op: 'error', jobId: 'j1', status: 404, title: 'Job not found', detail: 'No job j1.' });
    expect(problems).toMatchObject([{ status: 404, title: 'Job not found' }]);
    expect(socket.closed).toBeDefined();
    socket.onclose?.({ code: 1000, reason: '' });
    expect(problems).toHaveLength(1);
  });

  it('reports a connection that drops before the job ends', () => {
    const onError = vi.fn();
    followJob('j1', { token: 'st1.k', onEvent: () => {}, onError, baseUrl: 'http://h' });
    FakeSocket.last.onclose?.({ code: 1006, reason: '' });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ title: 'Connection closed' }));
  });

  it('stops on unsubscribe without reporting an error', () => {
    const onError = vi.fn();
    const stop = followJob('j1', { token: 'st1.k', onEvent: () => {}, onError, baseUrl: 'http://h' });
    stop();
    expect(FakeSocket.last.closed?.code).toBe(1000);
    FakeSocket.last.onclose?.({ code: 1005, reason: '' });
    expect(onError).not.toHaveBeenCalled();
  });
});
