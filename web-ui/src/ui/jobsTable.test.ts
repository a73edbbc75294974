import { describe, expect, it } from 'vitest';
import { event } from '../jobcast-client/testing/fakes';
import { applyToJob, applyToRows } from './jobsTable';
import { jobRow as row } from './testing/jobs';

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

  it('keeps a flow\'s counts of its children by state from its events, new rows included', () => {
    const counts = { total: 8, RUNNING: 3, SUCCEEDED: 5 };
    const flow = row('f1', { type: 'flow', children: { total: 8, RUNNING: 8 } });
    expect(applyToRows([flow], [event(6, { jobId: 'f1', jobType: 'flow', children: counts })], {}, true)[0].children).toEqual(counts);
    expect(applyToRows([flow], [event(6, { jobId: 'f1', jobType: 'flow' })], {}, true)[0].children).toEqual({ total: 8, RUNNING: 8 });

    const fresh = event(1, { jobId: 'f2', jobType: 'flow', type: 'state', state: 'QUEUED', children: { total: 2, QUEUED: 2 } });
    expect(applyToRows([], [fresh], {}, true)[0]).toMatchObject({ id: 'f2', type: 'flow', children: { total: 2, QUEUED: 2 } });
  });

  it('takes a held event\'s message (why the job waits) but keeps its state, and forgets the gate once the job moves on', () => {
    const queued = row('j1', { state: 'QUEUED', attempt: 0, lastSeq: 1, progress: { percent: 0, message: 'queued' }, heldBy: 'key:demo.sleep:customer-42' });
    const held = applyToJob(queued, event(2, { type: 'held', state: 'QUEUED', attempt: 0, percent: 0, timestamp: '2026-11-24T10:00:07Z',
      message: 'waits for a slot: 3 of at most 3 demo.sleep jobs of key customer-42 run' }));

    expect(held).toEqual({ ...queued, lastSeq: 2, updatedAt: '2026-11-24T10:00:07Z',
      progress: { percent: 0, message: 'waits for a slot: 3 of at most 3 demo.sleep jobs of key customer-42 run' } });
    const running = applyToJob(held, event(3, { type: 'state', state: 'RUNNING', percent: 0, message: 'started' }));
    expect(running).toMatchObject({ state: 'RUNNING', heldBy: undefined, progress: { message: 'started' } });
  });
});
