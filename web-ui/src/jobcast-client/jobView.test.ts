import { describe, expect, it } from 'vitest';
import type { JobEvent } from './types';
import { applyEvent, emptyView, estimateRemainingMs } from './jobView';

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

  it('leads on after a terminal state only with a retry by request', () => {
    const dead = apply(event(1), event(2, { type: 'state', state: 'DEAD', error: 'boom', percent: 10 }));
    expect(applyEvent(dead, event(3))).toBe(dead);
    const retried = applyEvent(dead, event(3, { type: 'state', state: 'QUEUED', attempt: 1, percent: 0, message: 'retried' }));
    expect(retried).toMatchObject({ state: 'QUEUED', done: false, percent: 0, error: undefined, lastSeq: 3 });
  });

  it('records the webhook tries after a terminal state, and changes nothing else', () => {
    const succeeded = apply(event(1), event(2, { type: 'state', state: 'SUCCEEDED', percent: 100, message: 'done', result: { n: 1 } }));
    const tried = [event(3, { type: 'webhook', message: 'try 1 failed: HTTP 500' }), event(4, { type: 'webhook', message: 'delivered' })]
      .reduce(applyEvent, succeeded);

    expect(tried).toMatchObject({ state: 'SUCCEEDED', done: true, percent: 100, message: 'done', result: { n: 1 }, lastSeq: 4 });
    expect(tried.events.map((e) => e.type)).toEqual(['progress', 'state', 'webhook', 'webhook']);
    const retried = applyEvent(tried, event(5, { type: 'state', state: 'QUEUED', attempt: 1, percent: 0 }));
    expect(retried).toMatchObject({ state: 'QUEUED', done: false, lastSeq: 5 });
  });

  it('records a held event on the timeline and takes its message (why the job waits), but not its state', () => {
    const queued = apply(event(1, { type: 'state', state: 'QUEUED', attempt: 0, percent: 0, message: 'queued' }));
    const held = applyEvent(queued, event(2, { type: 'held', state: 'QUEUED', attempt: 0, percent: 0,
      message: 'waits for a slot: 3 of at most 3 demo.sleep jobs of key customer-42 run' }));

    expect(held).toMatchObject({ state: 'QUEUED', attempt: 0, percent: 0, done: false, lastSeq: 2,
      message: 'waits for a slot: 3 of at most 3 demo.sleep jobs of key customer-42 run' });
    expect(held.events.map((e) => e.type)).toEqual(['state', 'held']);
    const running = applyEvent(held, event(3, { type: 'state', state: 'RUNNING', percent: 0, message: 'started' }));
    expect(running).toMatchObject({ state: 'RUNNING', attempt: 1, message: 'started', lastSeq: 3 });
  });

  it('lets no held event move a job on that ended', () => {
    const dead = apply(event(1), event(2, { type: 'state', state: 'DEAD', error: 'boom', percent: 10, message: 'gave up' }));
    expect(applyEvent(dead, event(3, { type: 'held', state: 'QUEUED', message: 'waits: demo.sleep is paused' }))).toBe(dead);
  });
});

describe('estimateRemainingMs', () => {
  const at = (ms: number) => new Date(Date.parse('2026-11-24T08:00:00Z') + ms).toISOString();

  it('projects the rate of the current attempt\'s recent progress to 100 %', () => {
    const view = apply(
      event(1, { type: 'state', state: 'RUNNING', percent: 0, timestamp: at(0) }),
      event(2, { percent: 10, timestamp: at(1000) }),
      event(3, { percent: 20, timestamp: at(2000) }),
      event(4, { percent: 40, timestamp: at(3000) }),
    );
    expect(estimateRemainingMs(view)).toBe(4000); // 30 % in 2 s; the 60 % left take 4 s
  });

  it('does not guess from a single event, or for a job that is not running', () => {
    expect(estimateRemainingMs(apply(event(1, { percent: 10 })))).toBeNull();
    expect(estimateRemainingMs(apply(event(1), event(2), event(3, { type: 'state', state: 'SUCCEEDED', percent: 100 })))).toBeNull();
  });
});
