import { isTerminal, type JobEvent, type Problem } from './events';

export interface FollowOptions {
  /**
   * A stream token (POST /api/v1/stream-tokens): browsers cannot set headers on a WebSocket, and an
   * API key must not travel in a URL, so a short-lived read-only token does.
   */
  token: string;
  /** Resume after this sequence number (0: from the first event). */
  after?: number;
  onEvent: (event: JobEvent) => void;
  onError?: (problem: Problem) => void;
  /** The origin of the gateway; defaults to the page's own. */
  baseUrl?: string;
}

/**
 * Follows one job over the gateway's WebSocket until its terminal event, then closes the socket.
 * Returns a function that stops following.
 */
export function followJob(jobId: string, options: FollowOptions): () => void {
  const base = new URL(options.baseUrl ?? window.location.href);
  const url = new URL('/api/v1/ws', base);
  url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', options.token);

  const socket = new WebSocket(url);
  let finished = false;
  socket.onopen = () => {
    socket.send(JSON.stringify({ op: 'subscribe', jobId, after: options.after ?? 0 }));
  };
  socket.onmessage = (message) => {
    const frame = JSON.parse(String(message.data));
    if ('op' in frame) {
      if (frame.op === 'error') {
        options.onError?.(frame as Problem);
        if (!frame.jobId || frame.jobId === jobId) {
          // The subscription failed (unknown job, bad key, ...): nothing more will come for it.
          finished = true;
          socket.close(1000, 'subscription failed');
        }
      }
      return;
    }
    const event = frame as JobEvent;
    options.onEvent(event);
    if (event.jobId === jobId && isTerminal(event)) {
      finished = true;
      socket.close(1000, 'job finished');
    }
  };
  socket.onclose = (close) => {
    if (!finished && close.code !== 1000) {
      options.onError?.({
        type: '/problems/connection-closed',
        title: 'Connection closed',
        status: 0,
        detail: `The event stream closed (${close.code}${close.reason ? ': ' + close.reason : ''}).`,
      });
    }
  };
  return () => {
    finished = true;
    socket.close(1000, 'unsubscribed');
  };
}
