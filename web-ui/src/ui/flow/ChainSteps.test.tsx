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
 * A chain's page: its children are steps, numbered in the order they run (told by `after`); a
 * step that waits says for which step; a step that is a group of its own shows its counts.
 */

const chain = jobRow('f1', { type: 'flow', lastSeq: 4, children: { total: 3, SUCCEEDED: 1, RUNNING: 1, SCHEDULED: 1 } });
const steps = [
  jobRow('s1', { parent: 'f1', type: 'text.wordcount', state: 'SUCCEEDED', progress: { percent: 100, message: 'done' } }),
  jobRow('s2', { parent: 'f1', type: 'flow', after: 's1', lastSeq: 6, children: { total: 3, RUNNING: 2, SUCCEEDED: 1 } }),
  jobRow('s3', { parent: 'f1', type: 'demo.echo', state: 'SCHEDULED', after: 's2', lastSeq: 1, progress: { percent: 0, message: 'waits for s2' } }),
];

function fakeApi(jobs: Job[], children: Job[]): JobApi {
  return {
    streamToken: async () => ({ token: 'st1.t' }),
    listJobs: async () => ({ jobs: [] }),
    eventsAfter: async () => ({ jobId: 'f1', lastSeq: 0, done: false, events: [] }),
    getJob: async (id: string) => jobs.find((job) => job.id === id),
    listChildren: vi.fn(async () => ({ jobs: children })),
  } as unknown as JobApi;
}

stubPageGlobals();

/** The listed children's rows (not the items of a nested group's counts). */
const rows = () => within(screen.getByTestId('flow-children')).getAllByRole('listitem').filter((row) => row.dataset.jobId);
const row = (id: string) => rows().find((each) => each.dataset.jobId === id)!;

describe('a chain\'s page', () => {
  it('numbers the steps in the order they run, whichever order they were listed in', async () => {
    const api = fakeApi([chain], [steps[2], steps[0], steps[1]]);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);

    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.getByRole('heading', { name: 'Steps' })).toBeTruthy();
    expect(screen.getByTestId('flow-children').tagName).toBe('OL');
    expect(rows().map((each) => each.dataset.jobId)).toEqual(['s1', 's2', 's3']);
    expect(rows().map((each) => within(each).getByText(/^Step \d$/).textContent)).toEqual(['Step 1', 'Step 2', 'Step 3']);
    expect(screen.getByRole('progressbar', { name: 'Step 1, text.wordcount s1' }).getAttribute('value')).toBe('100');
  });

  it('says which step a waiting step waits for, in place of its bar, until that step succeeded', async () => {
    const api = fakeApi([chain], steps);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);
    await waitFor(() => expect(rows()).toHaveLength(3));

    expect(within(row('s3')).getByTestId('flow-child-waits').textContent).toBe('waits for step 2');
    expect(within(row('s3')).queryByRole('progressbar')).toBeNull();
    expect(within(row('s2')).queryByTestId('flow-child-waits')).toBeNull();

    const { all } = await pageSockets('f1');
    act(() => all.receive(event(2, { jobId: 's3', jobType: 'demo.echo', tseq: 301, type: 'state', state: 'QUEUED', percent: 0 })));

    await waitFor(() => expect(within(row('s3')).queryByTestId('flow-child-waits')).toBeNull());
    expect(screen.getByRole('progressbar', { name: 'Step 3, demo.echo s3' }).getAttribute('value')).toBe('0');
  });

  it('shows a step that is a group of its own with its counts, kept live, and a link to its page', async () => {
    const api = fakeApi([chain], steps);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);
    await waitFor(() => expect(rows()).toHaveLength(3));

    const group = row('s2');
    expect(within(group).getByRole('link', { name: 's2' }).getAttribute('href')).toBe('/ui/jobs/s2');
    expect(within(group).getByTestId('flow-child-counts').textContent).toBe('2 running1 succeeded3 in all');
    expect(screen.getByTestId('flow-counts').textContent).toBe('1 scheduled1 running1 succeeded3 in all'); // the chain's own

    const { all } = await pageSockets('f1');
    act(() => all.receive(event(7, { jobId: 's2', jobType: 'flow', tseq: 302, percent: 70, children: { total: 3, RUNNING: 1, SUCCEEDED: 2 } })));

    await waitFor(() => expect(within(row('s2')).getByTestId('flow-child-counts').textContent).toBe('1 running2 succeeded3 in all'));
  });

  it('lists a group that waits as children, not steps, each waiting for the job before the group', async () => {
    const waiting = [
      jobRow('g1', { parent: 'f1', state: 'SCHEDULED', after: 'before-the-group', lastSeq: 1 }),
      jobRow('g2', { parent: 'f1', state: 'SCHEDULED', after: 'before-the-group', lastSeq: 1 }),
    ];
    const api = fakeApi([chain], waiting);
    render(<LiveProvider api={api}><JobPage api={api} id="f1" search="" /></LiveProvider>);

    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByRole('heading', { name: 'Children' })).toBeTruthy();
    expect(screen.getByTestId('flow-children').tagName).toBe('UL');
    expect(screen.queryByText(/^Step \d$/)).toBeNull();
    expect(rows().map((each) => within(each).getByTestId('flow-child-waits').textContent)).toEqual(['waits for before-t', 'waits for before-t']);
  });
});

describe('a step\'s page', () => {
  it('links to the step whose result it takes, and says it waits for it while scheduled', async () => {
    const api = fakeApi([chain, ...steps], []);
    render(<LiveProvider api={api}><JobPage api={api} id="s3" search="" /></LiveProvider>);

    const line = await screen.findByTestId('takes-result-of');
    expect(line.textContent).toBe('Takes the result of s2, and waits until it has succeeded');
    expect(within(line).getByRole('link').getAttribute('href')).toBe('/ui/jobs/s2');
    expect(screen.getByTestId('part-of-flow').textContent).toBe('Part of flow f1');
    expect(screen.queryByTestId('flow-children')).toBeNull();
  });

  it('shows no such line for the first step', async () => {
    const api = fakeApi([chain, ...steps], []);
    render(<LiveProvider api={api}><JobPage api={api} id="s1" search="" /></LiveProvider>);

    await screen.findByTestId('part-of-flow');
    expect(screen.queryByTestId('takes-result-of')).toBeNull();
  });
});
