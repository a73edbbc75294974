import { describe, expect, it } from 'vitest';
import { event } from '../jobcast-client/testing/fakes';
import type { Job } from './api';
import { applyToRows } from './jobsTable';

const row = (id: string, over: Partial<Job> = {}): Job => ({
  id, type: 'demo.sleep', state: 'RUNNING', progress: { percent: 30, message: 'step 3' }, attempt: 1, maxAttempts: 3,
  attemptsLeft: 2, priority: 5, tags: [], cancelRequested: false, ttl: 'PT168H', lastSeq: 5,
  createdAt: '2026-11-24T10:00:00Z', updatedAt: '2026-11-24T10:00:05Z', startedAt: '2026-11-24T10:00:01Z', links: {}, ...over,
});

describe('applyToRows', () => {
  it('moves a row on with newer events and ignores those it already reflects', () => {
    const rows = [row('j1')];
    const next = applyToRows(rows, [event(4, { percent: 99 }), event(6, { percent: 60 }),
      event(7, { type: 'state', state: 'SUCCEEDED', percent: 100, timestamp: '2026-11-24T10:00:09Z' })], {}, true);

    expect(next[0]).toMatchObject({ state: 'SUCCEEDED', lastSeq: 7, progress: { percent: 100 }, finishedAt: '2026-11-24T10:00:09Z' });
    expect(applyToRows(next, [event(6)], {}, true)).toBe(next);
  });

  it('adds a new job on top of the first page when it matches the filter', () => {
    const fresh = event(1, { jobId: 'j2', type: 'state', state: 'QUEUED', attempt: 0, percent: 0, tags: ['nightly'] });
    const rows = [row('j1')];

    expect(applyToRows(rows, [fresh], {}, true).map((r) => r.id)).toEqual(['j2', 'j1']);
    expect(applyToRows(rows, [fresh], { tag: 'nightly', state: 'QUEUED' }, true).map((r) => r.id)).toEqual(['j2', 'j1']);
    expect(applyToRows(rows, [fresh], { tag: 'other' }, true)).toBe(rows);
    expect(applyToRows(rows, [fresh], { type: 'demo.cpu' }, true)).toBe(rows);
    expect(applyToRows(rows, [fresh], {}, false)).toBe(rows); // an older page has no room at the top
    expect(applyToRows(rows, [event(9, { jobId: 'j3' })], {}, true)).toBe(rows); // not new: somewhere further down
  });

  it('marks a retried job as running again', () => {
    const dead = row('j1', { state: 'DEAD', finishedAt: '2026-11-24T10:00:09Z' });
    const next = applyToRows([dead], [event(6, { type: 'state', state: 'QUEUED', attempt: 2, percent: 0 }),
      event(7, { type: 'state', state: 'RUNNING', attempt: 3, percent: 0, timestamp: '2026-11-24T10:01:00Z' })], {}, true);
    expect(next[0]).toMatchObject({ state: 'RUNNING', attempt: 3, startedAt: '2026-11-24T10:01:00Z', finishedAt: undefined });
  });
});
