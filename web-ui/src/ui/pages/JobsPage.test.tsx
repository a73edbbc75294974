// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, FakeWebSocket } from '../../jobcast-client/testing/fakes';
import type { JobApi } from '../api';
import { LiveProvider } from '../live';
import { jobRow } from '../testing/jobs';
import { JobsPage } from './JobsPage';

// Newest first, as the API lists them: a flow's children are newer than the flow.
const page = [
  jobRow('c2aaaaaa-2', { parent: 'f1aaaaaa-0' }),
  jobRow('c1aaaaaa-1', { parent: 'f1aaaaaa-0' }),
  jobRow('f1aaaaaa-0', { type: 'flow', children: { total: 4, RUNNING: 2, SUCCEEDED: 2 } }),
  jobRow('c0aaaaaa-9', { parent: 'f0aaaaaa-0' }), // its flow is on an older page
  jobRow('j0aaaaaa-0'),
];

const api = {
  streamToken: async () => ({ token: 'st1.t' }),
  listJobs: async () => ({ jobs: page }),
  eventsAfter: async () => ({ jobId: 'j0', lastSeq: 0, done: false, events: [] }),
  jobTypes: async () => [],
} as unknown as JobApi;

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('EventSource', FakeEventSource);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('JobsPage with flows', () => {
  it('shows a flow\'s children under it, its counts, and each child\'s flow; arrow keys follow the rows', async () => {
    render(<LiveProvider api={api}><JobsPage api={api} search="" /></LiveProvider>);
    const rows = await waitFor(() => {
      const found = screen.getByTestId('jobs-table').querySelectorAll<HTMLTableRowElement>('tr[data-job-id]');
      expect(found).toHaveLength(5);
      return [...found];
    });

    expect(rows.map((row) => row.dataset.jobId?.slice(0, 2))).toEqual(['f1', 'c2', 'c1', 'c0', 'j0']);
    expect(rows.map((row) => row.classList.contains('flow-child'))).toEqual([false, true, true, false, false]);
    expect(within(rows[0]).getByLabelText('Children by state').textContent).toBe('2 running2 succeeded4 in all');
    expect(within(rows[1]).getByRole('link', { name: 'f1aaaaaa' }).getAttribute('href')).toBe('/ui/jobs/f1aaaaaa-0');
    expect(rows[3].textContent).toContain('in flow f0aaaaaa');
    expect(within(rows[4]).queryByText(/in flow/)).toBeNull();

    within(rows[0]).getByRole('link', { name: 'f1aaaaaa' }).focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement?.closest('tr')?.dataset.jobId).toBe('c2aaaaaa-2');
  });
});
