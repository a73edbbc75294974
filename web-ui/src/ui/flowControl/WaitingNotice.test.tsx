// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { event } from '../../jobcast-client/testing/fakes';
import type { Job, JobApi } from '../api';
import { LiveProvider } from '../live';
import { JobPage } from '../pages/JobPage';
import { jobRow } from '../testing/jobs';
import { pageSockets, stubPageGlobals } from '../testing/pageSockets';

/* A held job's page: why it waits, first from its record, then live from its events. */

const heldJob = jobRow('j1', {
  state: 'QUEUED', attempt: 0, lastSeq: 2, concurrencyKey: 'customer-42', heldBy: 'key:demo.sleep:customer-42',
  progress: { percent: 0, message: 'waits for a slot: 3 of at most 3 demo.sleep jobs of key customer-42 run' },
});

function fakeApi(job: Job): JobApi {
  return {
    streamToken: async () => ({ token: 'st1.t' }),
    listJobs: async () => ({ jobs: [] }),
    eventsAfter: async () => ({ jobId: job.id, lastSeq: 0, done: false, events: [] }),
    getJob: async () => job,
  } as unknown as JobApi;
}

stubPageGlobals();

describe('a held job\'s page', () => {
  it('says why the job waits, and its concurrency key, until it runs', async () => {
    const api = fakeApi(heldJob);
    render(<LiveProvider api={api}><JobPage api={api} id="j1" search="" /></LiveProvider>);

    const waiting = await screen.findByTestId('job-waiting');
    expect(within(waiting).getByText('Waiting: waits for a slot: 3 of at most 3 demo.sleep jobs of key customer-42 run')).toBeTruthy();
    expect(waiting.textContent).toContain('concurrency key customer-42');
    expect(screen.getByTestId('job-concurrency-key').textContent).toBe('customer-42');

    const { job } = await pageSockets('j1');
    act(() => job.receive(event(3, { type: 'state', state: 'RUNNING', percent: 0, message: 'started' })));

    await waitFor(() => expect(screen.queryByTestId('job-waiting')).toBeNull());
    expect(screen.getByTestId('job-state').textContent).toBe('RUNNING');
    expect(screen.getByTestId('job-concurrency-key').textContent).toBe('customer-42');
  });

  it('says so as soon as a held event comes, and keeps the job queued', async () => {
    const api = fakeApi(jobRow('j1', { state: 'QUEUED', attempt: 0, lastSeq: 1, progress: { percent: 0, message: '' } }));
    render(<LiveProvider api={api}><JobPage api={api} id="j1" search="" /></LiveProvider>);
    const { job } = await pageSockets('j1');
    expect(screen.queryByTestId('job-waiting')).toBeNull();

    act(() => job.receive(event(1, { type: 'state', state: 'QUEUED', attempt: 0, percent: 0, message: '' })));
    act(() => job.receive(event(2, { type: 'held', state: 'QUEUED', attempt: 0, percent: 0, message: 'waits: demo.sleep is paused' })));

    expect((await screen.findByTestId('job-waiting')).textContent).toContain('Waiting: waits: demo.sleep is paused');
    expect(screen.getByTestId('job-state').textContent).toBe('QUEUED');
    const row = screen.getByTestId('timeline').querySelector('tr[data-seq="2"]') as HTMLElement;
    expect(within(row).getByText('held')).toBeTruthy();
  });
});
