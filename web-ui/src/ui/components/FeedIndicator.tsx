import type { FeedStatus, TransportName } from '../../jobcast-client';

export const TRANSPORT_LABELS: Record<TransportName, string> = {
  websocket: 'WebSocket',
  sse: 'SSE',
  'long-poll': 'Long polling',
  poll: 'Short polling',
};

const STATE_LABELS: Record<FeedStatus['state'], string> = {
  connecting: 'Connecting',
  live: 'Live',
  retrying: 'Reconnecting',
  ended: 'Finished',
  failed: 'Stopped',
};

/** Which transport carries a feed, whether it is live, and its measured latency. */
export function FeedIndicator({ status, compact = false }: { status: FeedStatus; compact?: boolean }) {
  const transport = status.transport ? TRANSPORT_LABELS[status.transport] : '—';
  return (
    <p className={`feed feed-${status.state}`} role="status" aria-live="polite" data-testid="feed-status">
      <span className="feed-dot" aria-hidden="true" />
      <span data-testid="feed-state">{STATE_LABELS[status.state]}</span>
      {' over '}
      <strong data-testid="feed-transport" data-transport={status.transport ?? ''}>{transport}</strong>
      {status.shared && <span className="muted"> (shared by another tab)</span>}
      {!compact && (
        <>
          {' · latency '}
          <span data-testid="feed-latency">{status.latencyMs === null ? '—' : `${status.latencyMs} ms`}</span>
          {' · reconnects '}
          <span data-testid="feed-reconnects">{status.reconnects}</span>
          {status.fellBackFrom.length > 0 && (
            <span className="muted"> · fell back from {status.fellBackFrom.map((t) => TRANSPORT_LABELS[t]).join(', ')}</span>
          )}
          {status.detail && status.state !== 'live' && <span className="muted"> · {status.detail}</span>}
        </>
      )}
    </p>
  );
}
