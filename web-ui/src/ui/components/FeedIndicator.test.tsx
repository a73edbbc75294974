// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { INITIAL_STATUS } from '../../jobcast-client';
import { FeedIndicator } from './FeedIndicator';

describe('FeedIndicator', () => {
  it('says which transport is live, its latency, and what it fell back from', () => {
    render(<FeedIndicator status={{ ...INITIAL_STATUS, transport: 'sse', state: 'live', latencyMs: 7, reconnects: 1, fellBackFrom: ['websocket'] }} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('Live over SSE · latency 7 ms · reconnects 1 · fell back from WebSocket');
    expect(screen.getByTestId('feed-transport').dataset.transport).toBe('sse');
  });

  it('says when another tab holds the connection', () => {
    render(<FeedIndicator status={{ ...INITIAL_STATUS, transport: 'websocket', state: 'live', shared: true }} compact />);
    expect(screen.getByRole('status').textContent).toBe('Live over WebSocket (shared by another tab)');
  });
});
