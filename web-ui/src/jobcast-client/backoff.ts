/**
 * Reconnection delays: exponential, capped, with "equal jitter" (a random 50–100 % of the step),
 * so the clients a restart disconnected do not all come back in the same millisecond.
 */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, { baseMs = 500, maxMs = 15_000, random = Math.random }: BackoffOptions = {}): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step * (0.5 + random() / 2));
}
