import { act, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { FakeEventSource, FakeWebSocket, fakeFetch } from '../../jobcast-client/testing/fakes';

/** A job page's sockets and streams, faked for each test of the file; the outputs' requests get no answer. */
export function stubPageGlobals(): void {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    FakeEventSource.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.stubGlobal('fetch', fakeFetch(() => undefined).fetch);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });
}

/**
 * The server's side of a job page's two sockets, open and acknowledged: the job's own feed, and
 * the page's all-jobs feed (which keeps a flow's children live and carries webhook tries).
 */
export async function pageSockets(jobId: string): Promise<{ job: FakeWebSocket; all: FakeWebSocket }> {
  const carrying = (match: (sent: Record<string, unknown>) => boolean) =>
    FakeWebSocket.instances.find((socket) => socket.sent.some(match));
  await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
  act(() => FakeWebSocket.instances.forEach((socket) => socket.open()));
  await waitFor(() => {
    expect(carrying((sent) => sent.jobId === jobId)).toBeDefined();
    expect(carrying((sent) => sent.all === true)).toBeDefined();
  });
  act(() => FakeWebSocket.instances.forEach((socket) => socket.acknowledge()));
  return { job: carrying((sent) => sent.jobId === jobId)!, all: carrying((sent) => sent.all === true)! };
}
