import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles each attempt up to the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, { baseMs: 100, maxMs: 1000, random: () => 1 });
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws each delay from 50 to 100 % of the step, so reconnecting clients spread out', () => {
    expect(backoffDelay(3, { baseMs: 100, random: () => 0 })).toBe(400);
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.5 })).toBe(600);
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, { baseMs: 100 })));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(400);
  });
});
