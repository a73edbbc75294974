import type { JobEvent } from './types';

/**
 * Thins a backlog of events for a consumer that fell behind: every state change, webhook try and
 * `held` event (why a queued job waits) is kept, in order, but of a job's progress events within
 * one attempt only the latest survives (latest wins) — what progress-service does for slow
 * connections, done again on the client for a slow page or tab.
 * Below `threshold` events nothing is dropped.
 */
export function conflate(events: JobEvent[], threshold: number): JobEvent[] {
  if (events.length <= threshold) return events;
  const lastProgress = new Map<string, number>();
  events.forEach((event, index) => {
    if (event.type === 'progress') lastProgress.set(`${event.jobId}#${event.attempt}`, index);
  });
  return events.filter(
    (event, index) => event.type !== 'progress' || lastProgress.get(`${event.jobId}#${event.attempt}`) === index,
  );
}
