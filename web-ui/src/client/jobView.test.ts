import { describe, expect, it } from 'vitest';
import type { JobEvent } from './events';
import { applyEvent, emptyView } from './jobView';

const event = (seq: number, over: Partial<JobEvent> = {}): JobEvent => ({
  seq,
  attempt: 1,
  tseq: seq,
  jobId: 'j1',
  tenant: 't',
  jobType: 'demo.sleep',
  type: 'progress',
  state: 'RUNNING',
  percent: seq * 10,
  message: `step ${seq}`,
  timestamp: '2026-11-24T08:00:00Z',
  ...over,
});

const apply = (...events: JobEvent[]) => events.reduce(applyEvent, emptyView('j1'));

describe('applyEvent', () => {
  it('fills the view from events in order', () => {
    const view = apply(event(1, { type: 'state', state: 'QUEUED', attempt: 0, percent: 0 }), event(2), event(3));
    expect(view).toMatchObject({ lastSeq: 3, state: 'RUNNING', percent: 30, message: 'step 3', done: false });
    expect(view.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('ignores a duplicate or an older event', () => {
    const view = apply(event(1), event(2), event(2), event(1));
    expect(view.lastSeq).toBe(2);
    expect(view.events).toHaveLength(2);
  });

  it('applies nothing after a terminal state', () => {
    const view = apply(event(1), event(2, { type: 'state', state: 'SUCCEEDED', percent: 100, result: { steps: 2 } }), event(3));
    expect(view).toMatchObject({ state: 'SUCCEEDED', done: true, lastSeq: 2, result: { steps: 2 } });
  });

  it('never moves progress backwards within an attempt, and restarts with a new attempt', () => {
    const sameAttempt = apply(event(1, { percent: 60 }), event(2, { percent: 40 }));
    expect(sameAttempt.percent).toBe(60);
    const retried = apply(event(1, { percent: 60 }), event(2, { type: 'state', state: 'RUNNING', attempt: 2, percent: 0 }));
    expect(retried).toMatchObject({ percent: 0, attempt: 2 });
  });

  it('ignores events of other jobs', () => {
    expect(apply(event(1, { jobId: 'other' })).lastSeq).toBe(0);
  });
});
