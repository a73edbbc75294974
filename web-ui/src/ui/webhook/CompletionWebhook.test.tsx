// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { event } from '../../jobcast-client/testing/fakes';
import type { Job, JobApi } from '../api';
import { LiveProvider } from '../live';
import { JobPage } from '../pages/JobPage';
import { jobRow } from '../testing/jobs';
import { pageSockets, stubPageGlobals } from '../testing/pageSockets';

/*
 * A job's completion webhook on its page: where it goes, and how the latest try went, as read and
 * then live from the webhook events that follow the job's terminal event on the all-jobs feed.
 */

const ended = jobRow('j1', {
  state: 'SUCCEEDED', lastSeq: 6, progress: { percent: 100, message: 'done' },
  onComplete: { url: 'https://example.com/hooks/jobcast' }, webhook: 'try 1 failed: HTTP 500; next at 10:00:07',
});

function fakeApi(job: Job): JobApi {
  return {
    streamToken: async () => ({ token: 'st1.t' }),
    listJobs: async () => ({ jobs: [] }),
    eventsAfter: async () => ({ jobId: job.id, lastSeq: 0, done: false, events: [] }),
    getJob: async () => job,
    listChildren: vi.fn(async () => ({ jobs: [] })),
  } as unknown as JobApi;
}

stubPageGlobals();

const status = () => screen.getByTestId('webhook-status').textContent;

describe('the completion webhook on a job\'s page', () => {
  it('shows where it goes and how the latest try went, then each new try as it comes', async () => {
    const api = fakeApi(ended);
    render(<LiveProvider api={api}><JobPage api={api} id="j1" search="" /></LiveProvider>);

    expect((await screen.findByTestId('webhook-url')).textContent).toBe('https://example.com/hooks/jobcast');
    expect(status()).toBe('try 1 failed: HTTP 500; next at 10:00:07');

    const { all } = await pageSockets('j1');
    act(() => {
      all.receive(event(7, { jobId: 'j1', tseq: 401, type: 'webhook', state: 'SUCCEEDED', message: 'delivered to 127.0.0.1 on try 2' }));
      all.receive(event(8, { jobId: 'other', tseq: 402, type: 'webhook', state: 'SUCCEEDED', message: 'not this job\'s' }));
    });

    await waitFor(() => expect(status()).toBe('delivered to 127.0.0.1 on try 2'));
    const row = screen.getByTestId('timeline').querySelector('tr[data-seq="7"]') as HTMLElement;
    expect(within(row).getByText('webhook')).toBeTruthy();
    expect(screen.getByTestId('job-state').textContent).toBe('SUCCEEDED'); // a try changes nothing of the job
  });

  it('says it is not sent yet before the first try, and shows nothing for a job without one', async () => {
    const api = fakeApi({ ...ended, state: 'RUNNING', webhook: undefined });
    const { unmount } = render(<LiveProvider api={api}><JobPage api={api} id="j1" search="" /></LiveProvider>);
    expect((await screen.findByTestId('webhook-status')).textContent).toBe('Not sent yet: it goes out when the job ends.');
    unmount();

    const plain = fakeApi(jobRow('j2'));
    render(<LiveProvider api={plain}><JobPage api={plain} id="j2" search="" /></LiveProvider>);
    await screen.findByText('Details');
    expect(screen.queryByTestId('webhook-url')).toBeNull();
  });
});
