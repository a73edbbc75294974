import { describe, expect, it } from 'vitest';
import { conflate } from './conflate';
import { event } from './testing/fakes';

describe('conflate', () => {
  it('passes a backlog below the threshold untouched', () => {
    const events = [event(1), event(2), event(3)];
    expect(conflate(events, 3)).toBe(events);
  });

  it('keeps every state change and the latest progress of each job and attempt', () => {
    const flood = [
      event(1, { type: 'state', state: 'QUEUED', attempt: 0, percent: 0 }),
      event(2, { type: 'state', state: 'RUNNING' }),
      ...Array.from({ length: 50 }, (_, i) => event(3 + i, { percent: i })),
      ...Array.from({ length: 20 }, (_, i) => event(1 + i, { jobId: 'j2', percent: i * 5 })),
      event(53, { type: 'state', state: 'FAILED', error: 'boom' }),
      event(54, { type: 'state', state: 'RUNNING', attempt: 2, percent: 0 }),
      event(55, { attempt: 2, percent: 10 }),
      event(56, { attempt: 2, percent: 20 }),
      event(57, { type: 'state', state: 'SUCCEEDED', attempt: 2, percent: 100 }),
    ];

    const thinned = conflate(flood, 10);

    expect(thinned.filter((e) => e.type === 'state')).toEqual(flood.filter((e) => e.type === 'state'));
    expect(thinned.filter((e) => e.type === 'progress').map((e) => `${e.jobId}@${e.attempt}:${e.percent}`))
      .toEqual(['j1@1:49', 'j2@1:95', 'j1@2:20']);
    expect(thinned.map((e) => `${e.jobId}#${e.seq}`)).toEqual(
      flood.filter((e) => thinned.includes(e)).map((e) => `${e.jobId}#${e.seq}`),
    );
  });

  it('keeps every webhook try: they are not progress, and each says how a delivery went', () => {
    const tries = [2, 3, 4].map((seq) => event(seq, { type: 'webhook', state: 'SUCCEEDED', message: `try ${seq - 1} failed` }));
    const flood = [event(1, { type: 'state', state: 'SUCCEEDED' }), ...tries, ...Array.from({ length: 20 }, (_, i) => event(1 + i, { jobId: 'j2' }))];

    expect(conflate(flood, 5).filter((e) => e.type === 'webhook')).toEqual(tries);
  });

  it('keeps every held event, in order: each says why a queued job waits, and the state stays as it was', () => {
    const held = [
      event(1, { type: 'state', state: 'QUEUED', attempt: 0, percent: 0 }),
      event(2, { type: 'held', state: 'QUEUED', attempt: 0, percent: 0, message: 'waits: demo.sleep is paused' }),
      event(3, { type: 'held', state: 'QUEUED', attempt: 0, percent: 0, message: 'waits for a slot: 3 of at most 3 demo.sleep jobs run' }),
    ];
    const flood = [...held, ...Array.from({ length: 20 }, (_, i) => event(1 + i, { jobId: 'j2' }))];

    const thinned = conflate(flood, 5);
    expect(thinned.filter((e) => e.jobId === 'j1')).toEqual(held);
    expect(thinned.filter((e) => e.jobId === 'j2').map((e) => e.seq)).toEqual([20]);
  });
});
