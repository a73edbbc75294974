// @vitest-environment jsdom
import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, FakeLocks, FakeWebSocket, event, frame, json } from '../jobcast-client/testing/fakes';
import type { Job, JobApi } from './api';
import { LiveProvider } from './live';
import { JobPage } from './pages/JobPage';

/*
 * The page as `npm run dev` runs it: in React's StrictMode, which mounts every component, unmounts
 * it and mounts it again. The page's one JobcastClient must survive that (a client closed by the
 * first unmount follows nothing: the job page stayed "Connecting", its timeline empty and its
 * output panels blank), and so must the tab's place in the election among tabs.
 */

const job = {
  id: 'j1', type: 'demo.story', state: 'RUNNING', attempt: 1, maxAttempts: 3, attemptsLeft: 2, priority: 5, tags: [],
  payload: { tokens: 200 }, lastSeq: 0, progress: { percent: 0, message: '' }, cancelRequested: false,
  createdAt: '2026-12-06T09:00:00Z', updatedAt: '2026-12-06T09:00:00Z', ttl: 'P7D',
} as unknown as Job;

const api = {
  streamToken: async () => ({ token: 'st1.t' }),
  listJobs: async () => ({ jobs: [] }),
  eventsAfter: async () => ({ jobId: 'j1', lastSeq: 0, done: false, events: [] }),
  getJob: async () => job,
} as unknown as JobApi;

const outputs = { jobId: 'j1', state: 'RUNNING', outputs: [{ name: 'text', length: 0, sections: [] }] };

beforeEach(() => {
  FakeWebSocket.instances = [];
  FakeEventSource.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) =>
    new URL(String(input)).pathname === '/api/v1/jobs/j1/outputs' ? json(outputs) : new Promise<Response>(() => undefined));
  // A browser's tabs elect the one that holds the connections: Web Locks, as Chromium has them.
  Object.defineProperty(navigator, 'locks', { value: new FakeLocks(), configurable: true });
});

afterEach(() => {
  vi.unstubAllGlobals();
  delete (navigator as { locks?: unknown }).locks;
});

/** The socket that carries the subscriptions of jobs (the other one follows all jobs, for the jobs table). */
function jobSocket(): FakeWebSocket | undefined {
  return FakeWebSocket.instances.find((socket) => socket.sent.some((sent) => sent.jobId === 'j1'));
}

describe('LiveProvider in StrictMode', () => {
  it('keeps the job page live: its events and its output arrive over one socket', async () => {
    render(
      <StrictMode>
        <LiveProvider api={api}>
          <JobPage api={api} id="j1" search="" />
        </LiveProvider>
      </StrictMode>,
    );

    // Sockets open once the page's client leads and has a token; the server accepts them.
    await waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
    act(() => FakeWebSocket.instances.forEach((socket) => socket.open()));
    await waitFor(() => expect(jobSocket()?.sent).toContainEqual({ op: 'subscribe', jobId: 'j1', output: 'text', after: 0 }));
    const socket = jobSocket()!;
    expect(socket.sent).toContainEqual({ op: 'subscribe', jobId: 'j1', after: 0 });

    act(() => {
      socket.acknowledge();
      socket.receive(event(1, { type: 'state', state: 'QUEUED', percent: 0 }));
      socket.receive(frame(0, 'It was the best '));
      socket.receive(event(2, { type: 'state', percent: 0 }));
      socket.receive(frame(16, 'of times'));
      socket.receive(event(3, { percent: 30 }));
    });

    await waitFor(() => expect(screen.getByTestId('feed-state').textContent).toMatch(/live/i));
    await waitFor(() => expect(screen.getByText(/Timeline/).textContent).toContain('3 events'));
    expect(screen.getByTestId('job-percent').textContent).toBe('30%');
    await waitFor(() => expect(screen.getByTestId('output-text').textContent).toBe('It was the best of times'));
    // One client, one socket for the job and its outputs: none left over from the first mount.
    expect(FakeWebSocket.instances.filter((s) => s.sent.some((sent) => sent.jobId === 'j1'))).toHaveLength(1);
  });
});
