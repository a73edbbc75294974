import { describe, expect, it, vi } from 'vitest';
import { TokenSource } from './tokens';

describe('TokenSource', () => {
  it('reuses a token until shortly before it expires, then issues a new one', async () => {
    let now = Date.parse('2026-11-24T10:00:00Z');
    const issue = vi.fn(async () => ({ token: `t${issue.mock.calls.length}`, expiresAt: '2026-11-24T10:10:00Z' }));
    const tokens = new TokenSource(issue, 60_000, () => now);

    expect(await tokens.get()).toBe('t1');
    now += 8 * 60_000;
    expect(await tokens.get()).toBe('t1');
    now += 61_000; // within the last minute: renew before it can expire on the way
    expect(await tokens.get()).toBe('t2');
    expect(issue).toHaveBeenCalledTimes(2);
  });

  it('asks once for callers that come together, and again after the server refused the token', async () => {
    const issue = vi.fn(async () => `t${issue.mock.calls.length}`);
    const tokens = new TokenSource(issue);

    expect(await Promise.all([tokens.get(), tokens.get(), tokens.get()])).toEqual(['t1', 't1', 't1']);
    tokens.invalidate();
    expect(await tokens.get()).toBe('t2');
  });

  it('hands out a fixed token as it is', async () => {
    expect(await new TokenSource('st1.fixed').get()).toBe('st1.fixed');
  });
});
