import { describe, expect, it, vi } from 'vitest';
import { event } from '../../jobcast-client/testing/fakes';
import type { Job, JobApi } from '../api';
import { jobRow } from '../testing/jobs';
import {
  applyToChildren, childCountsOf, countsByState, groupUnderParents, isFlow, latestChildCounts, loadChildren,
} from './flowChildren';

const child = (id: string, over: Partial<Job> = {}) => jobRow(id, { parent: 'f1', ...over });

describe('applyToChildren', () => {
  it('moves a child on with its newer events and passes over every other job\'s', () => {
    const children = [child('c1'), child('c2')];
    const next = applyToChildren(children, [
      event(6, { jobId: 'c2', percent: 70 }),
      event(9, { jobId: 'other', percent: 90 }),
      event(4, { jobId: 'c1', percent: 99 }), // older than c1's row shows
    ]);

    expect(next.map((row) => row.progress.percent)).toEqual([30, 70]);
    expect(next[0]).toBe(children[0]);
    expect(applyToChildren(children, [event(9, { jobId: 'other' }), event(5, { jobId: 'c1' })])).toBe(children);
    expect(applyToChildren(children, [])).toBe(children);
  });
});

describe('latestChildCounts', () => {
  const job = { lastSeq: 5, children: { total: 8, RUNNING: 8 } };

  it('takes the counts of the parent\'s latest event that carries them', () => {
    const events = [
      event(6, { jobId: 'f1', children: { total: 8, RUNNING: 6, SUCCEEDED: 2 } }),
      event(7, { jobId: 'f1', children: { total: 8, RUNNING: 3, SUCCEEDED: 5 } }),
      event(8, { jobId: 'f1', type: 'state' }),
    ];
    expect(latestChildCounts(events, job)).toEqual({ total: 8, RUNNING: 3, SUCCEEDED: 5 });
  });

  it('takes the job as read when it is newer than the events, or no event carried counts', () => {
    expect(latestChildCounts([event(4, { jobId: 'f1', children: { total: 8, QUEUED: 8 } })], job)).toEqual(job.children);
    expect(latestChildCounts([event(6, { jobId: 'f1' })], job)).toEqual(job.children);
    expect(latestChildCounts([], null)).toBeUndefined();
  });
});

describe('a flow and its counts', () => {
  it('knows a flow\'s parent by its type or its counts', () => {
    expect(isFlow(jobRow('f1', { type: 'flow' }))).toBe(true);
    expect(isFlow(jobRow('f1', { children: { total: 0 } }))).toBe(true);
    expect(isFlow(jobRow('j1'))).toBe(false);
    expect(isFlow(null)).toBe(false);
  });

  it('lists the states children are in, in the order of a job\'s life', () => {
    expect(countsByState({ total: 9, SUCCEEDED: 5, QUEUED: 1, RUNNING: 3, DEAD: 0 })).toEqual([
      { state: 'QUEUED', count: 1 }, { state: 'RUNNING', count: 3 }, { state: 'SUCCEEDED', count: 5 },
    ]);
    expect(childCountsOf(jobRow('f1', { children: { RUNNING: 2 } }))).toEqual({ total: 0, RUNNING: 2 });
    expect(childCountsOf(jobRow('j1'))).toBeUndefined();
  });
});

describe('loadChildren', () => {
  const pages = (sizes: number[]) => vi.fn(async (_parent: string, cursor?: string, limit = 100) => {
    const page = Number(cursor ?? 0);
    const jobs = Array.from({ length: Math.min(sizes[page], limit) }, (_, i) => child(`c${page}-${i}`));
    return { jobs, next: page + 1 < sizes.length ? String(page + 1) : undefined };
  });

  it('reads page after page until the last', async () => {
    const listChildren = pages([100, 100, 30]);
    const loaded = await loadChildren(listChildren as unknown as JobApi['listChildren'], 'f1');

    expect(loaded).toMatchObject({ complete: true });
    expect(loaded.rows).toHaveLength(230);
    expect(listChildren.mock.calls.map(([parent, cursor, limit]) => [parent, cursor, limit]))
      .toEqual([['f1', undefined, 100], ['f1', '1', 100], ['f1', '2', 100]]);
  });

  it('stops at the cap and says there are more', async () => {
    const listChildren = pages([100, 100, 100, 100]);
    const loaded = await loadChildren(listChildren as unknown as JobApi['listChildren'], 'f1', 250);

    expect(loaded.complete).toBe(false);
    expect(loaded.rows).toHaveLength(250);
    expect(listChildren.mock.calls.map(([, , limit]) => limit)).toEqual([100, 100, 50]);
  });
});

describe('groupUnderParents', () => {
  const shape = (rows: Job[]) => groupUnderParents(rows).map(({ job, depth }) => `${job.id}@${depth}`);

  it('moves a flow\'s children on the page under it, and leaves every other row in place', () => {
    const rows = [
      jobRow('j9'), child('c2'), child('c1'), jobRow('f1', { type: 'flow' }), child('x1', { parent: 'elsewhere' }), jobRow('j0'),
    ];
    expect(shape(rows)).toEqual(['j9@0', 'f1@0', 'c2@1', 'c1@1', 'x1@0', 'j0@0']);
  });

  it('nests flows within flows, and never loses a row', () => {
    const nested = [child('g1', { parent: 'f2' }), jobRow('f2', { parent: 'f1' }), jobRow('f1')];
    expect(shape(nested)).toEqual(['f1@0', 'f2@1', 'g1@2']);
    expect(shape([jobRow('a', { parent: 'b' }), jobRow('b', { parent: 'a' })])).toEqual(['a@0', 'b@0']);
  });
});
