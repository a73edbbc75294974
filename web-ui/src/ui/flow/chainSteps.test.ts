import { describe, expect, it } from 'vitest';
import type { Job } from '../api';
import { jobRow } from '../testing/jobs';
import { chainSteps, waitLabel } from './chainSteps';

const child = (id: string, over: Partial<Job> = {}) => jobRow(id, { parent: 'f1', ...over });
const ids = (jobs: Job[] | null) => jobs?.map((job) => job.id) ?? null;

describe('chainSteps', () => {
  it('numbers a chain\'s steps by their `after` links, whichever order they were listed in', () => {
    const s1 = child('s1', { state: 'SUCCEEDED' });
    const s2 = child('s2', { after: 's1' });
    const s3 = child('s3', { state: 'SCHEDULED', after: 's2' });
    expect(ids(chainSteps([s1, s2, s3]))).toEqual(['s1', 's2', 's3']);
    expect(ids(chainSteps([s3, s1, s2]))).toEqual(['s1', 's2', 's3']);
  });

  it('takes a chain that itself waits: its first step waits for a job outside it', () => {
    const steps = [child('s1', { state: 'SCHEDULED', after: 'outer' }), child('s2', { state: 'SCHEDULED', after: 's1' })];
    expect(ids(chainSteps(steps))).toEqual(['s1', 's2']);
  });

  it('reads a group as no chain: no links, or all children waiting for one job outside it', () => {
    expect(chainSteps([child('c1'), child('c2'), child('c3')])).toBeNull();
    expect(chainSteps([child('c1', { after: 'outer' }), child('c2', { after: 'outer' })])).toBeNull();
    expect(chainSteps([child('only')])).toBeNull();
    expect(chainSteps([])).toBeNull();
  });

  it('reads links that do not make one line as no chain', () => {
    expect(chainSteps([child('a'), child('b', { after: 'a' }), child('c', { after: 'a' })])).toBeNull(); // a fork
    expect(chainSteps([child('a', { after: 'b' }), child('b', { after: 'a' })])).toBeNull(); // a loop
    expect(chainSteps([child('a'), child('b', { after: 'a' }), child('c', { after: 'c' })])).toBeNull();
  });
});

describe('waitLabel', () => {
  const steps = [{ id: 's1' }, { id: 's2' }, { id: 's3' }];

  it('names the step a waiting step waits for by its number', () => {
    expect(waitLabel({ state: 'SCHEDULED', after: 's2' }, steps)).toBe('waits for step 2');
    expect(waitLabel({ state: 'SCHEDULED', after: 's1' }, steps)).toBe('waits for step 1');
  });

  it('names a job outside the chain or group by its short id', () => {
    expect(waitLabel({ state: 'SCHEDULED', after: '0123456789abcdef' }, steps)).toBe('waits for 01234567');
    expect(waitLabel({ state: 'SCHEDULED', after: 's1' }, null)).toBe('waits for s1');
  });

  it('gives a child scheduled by time its time, and nothing to a child that does not wait', () => {
    expect(waitLabel({ state: 'SCHEDULED', runAt: '2026-11-24T10:00:00Z' }, null)).toMatch(/^runs at .+/);
    expect(waitLabel({ state: 'QUEUED', after: 's1' }, steps)).toBeNull(); // the step before it succeeded
    expect(waitLabel({ state: 'RUNNING' }, steps)).toBeNull();
    expect(waitLabel({ state: 'SCHEDULED' }, steps)).toBeNull();
  });
});
