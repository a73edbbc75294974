// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FakeWebSocket, event } from '../../jobcast-client/testing/fakes';
import type { Job, JobApi } from '../api';
import { LiveProvider } from '../live';
import { JobPage } from '../pages/JobPage';
import { jobRow } from '../testing/jobs';
import { pageSockets, stubPageGlobals } from '../testing/pageSockets';

/*
 * A flow's page: its children listed from `GET /api/v1/jobs?parent=` and kept live by the page's
 * one all-jobs feed (filtered to them), their counts by state from the parent's own events.
 */

const flow = jobRow('f1', {
  type: 'flow', lastSeq: 4, progress: { percent: 10, message: '0 of 3 done' }, children: { total: 3, QUEUED: 1, RUNNING: 2 },
});
const children = [
  jobRow('c3', { parent: 'f1', state: 'QUEUED', lastSeq: 1, progress: { percent: 0, message: '' } }),
  jobRow('c2', { parent: 'f1', lastSeq: 3, progress: { percent: 20, message: 'step 2' } }),
  jobRow('c1', { parent: 'f1', type: 'text.wordcount', lastSeq: 3, progress: { percent: 10, message: 'step 1' } }),
];

function fakeApi(jobs: Job[]): JobApi {
  return {
    streamToken: async () => ({ token: 'st1.t' }),
    listJobs: async () => ({ jobs: [] }),
    eventsAfter: async () => ({ jobId: 'f1', lastSeq: 0, done: false, events: [] }),
    getJob: async (id: string) => jobs.find((job) => job.id === id),
    // Two pages of the flow's children.
    listChildren: vi.fn(async (_parent: string, cursor?: string) =>
      (cursor ? { jobs: children.slice(2) } : { jobs: children.slice(0, 2), next: 'page-2' })),
  } as unknown as JobApi;
}

stubPageGlobals();

/** The server's side of the page's two sockets: the flow's own feed, and the all-jobs feed. */
async function sockets(): Promise<{ parent: FakeWebSocket; all: FakeWebSocket }> {
  const { job, all } = await pageSockets('f1');
  return { parent: job, all };
}

const bar = (name: string) => screen.getByRole('progressbar', { name });
const rows = () => within(screen.getByTestId('flow-children')).getAllByRole('listitem');

describe('FlowChildren on a flow\'s page', () => {
  it('lists the children from every page, each with its own bar, state and link', async () => {
    const api = fakeApi([flow]);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);

    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows().map((row) => row.dataset.jobId)).toEqual(['c3', 'c2', 'c1']);
    expect(api.listChildren).toHaveBeenCalledWith('f1', 'page-2', 100);
    expect(bar('demo.sleep c2').getAttribute('value')).toBe('20');
    expect(bar('text.wordcount c1').getAttribute('value')).toBe('10');
    expect(within(rows()[0]).getByText('QUEUED')).toBeTruthy();
    expect(within(rows()[1]).getByRole('link', { name: 'c2' }).getAttribute('href')).toBe('/ui/jobs/c2');
    // Before the flow's first event: its counts as read.
    expect(screen.getByTestId('flow-counts').textContent).toBe('1 queued2 running3 in all');
    expect(screen.queryByTestId('flow-children-capped')).toBeNull();
  });

  it('moves a child\'s bar with its live events from the all-jobs feed, and passes over other jobs\' events', async () => {
    const api = fakeApi([flow]);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);
    await waitFor(() => expect(rows()).toHaveLength(3));
    const { all } = await sockets();

    act(() => {
      all.receive(event(4, { jobId: 'c2', tseq: 201, percent: 60, message: 'step 6' }));
      all.receive(event(2, { jobId: 'c3', tseq: 202, type: 'state', state: 'RUNNING', percent: 0 }));
      all.receive(event(7, { jobId: 'elsewhere', tseq: 203, percent: 90 }));
    });

    await waitFor(() => expect(bar('demo.sleep c2').getAttribute('value')).toBe('60'));
    expect(rows()[0].dataset.state).toBe('RUNNING');
    expect(bar('text.wordcount c1').getAttribute('value')).toBe('10');
    expect(rows().map((row) => row.dataset.jobId)).toEqual(['c3', 'c2', 'c1']);
    expect(screen.getByTestId('job-percent').textContent).toBe('0%'); // the flow's own bar follows its own events only
  });

  it('shows the counts by state of the parent\'s latest event, and its percent', async () => {
    const api = fakeApi([flow]);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);
    const { parent } = await sockets();

    act(() => {
      parent.receive(event(5, { jobId: 'f1', jobType: 'flow', percent: 40, message: '1 of 3 done', children: { total: 3, RUNNING: 2, SUCCEEDED: 1 } }));
      parent.receive(event(6, { jobId: 'f1', jobType: 'flow', percent: 70, message: '2 of 3 done', children: { total: 3, RUNNING: 1, SUCCEEDED: 2 } }));
    });

    await waitFor(() => expect(screen.getByTestId('job-percent').textContent).toBe('70%'));
    const counts = screen.getByTestId('flow-counts');
    expect(counts.textContent).toBe('1 running2 succeeded3 in all');
    expect(counts.querySelector('[data-state="SUCCEEDED"]')?.getAttribute('data-count')).toBe('2');
    expect(counts.getAttribute('data-total')).toBe('3');
    expect(screen.getByTestId('job-message').textContent).toBe('2 of 3 done');
  });
});

describe('a child\'s page', () => {
  it('links to the flow it is part of, and lists no children', async () => {
    const api = fakeApi([flow, children[1]]);
    render(<LiveProvider api={api}><JobPage api={api} id="c2" search="" /></LiveProvider>);

    const line = await screen.findByTestId('part-of-flow');
    expect(line.textContent).toBe('Part of flow f1');
    expect(within(line).getByRole('link').getAttribute('href')).toBe('/ui/jobs/f1');
    expect(screen.queryByTestId('flow-children')).toBeNull();
    expect(api.listChildren).not.toHaveBeenCalled();
  });
});
