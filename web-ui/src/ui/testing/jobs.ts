import type { Job } from '../api';

/** A job as the API lists it (a running demo.sleep at 30 %), for tests; `over` changes any field. */
export function jobRow(id: string, over: Partial<Job> = {}): Job {
  return {
    id, type: 'demo.sleep', state: 'RUNNING', progress: { percent: 30, message: 'step 3' }, attempt: 1, maxAttempts: 3,
    attemptsLeft: 2, priority: 5, tags: [], cancelRequested: false, ttl: 'PT168H', lastSeq: 5,
    createdAt: '2026-11-24T10:00:00Z', updatedAt: '2026-11-24T10:00:05Z', startedAt: '2026-11-24T10:00:01Z', links: {}, ...over,
  };
}
