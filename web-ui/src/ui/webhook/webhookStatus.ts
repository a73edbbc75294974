import type { JobEvent } from '../../jobcast-client';
import type { Job } from '../api';

/** A job's tries to deliver its completion webhook among events of any jobs, in the order they came. */
export function webhookEventsOf(events: readonly JobEvent[], jobId: string): JobEvent[] {
  return events.filter((event) => event.jobId === jobId && event.type === 'webhook');
}

/**
 * A job's events from its own feed with the webhook tries heard elsewhere added, in order of seq,
 * each once. The job's feed ends with its terminal event, and the tries come after it: the page
 * hears them on the all-jobs feed. The same array when nothing is added.
 */
export function withWebhookEvents(events: JobEvent[], webhookEvents: readonly JobEvent[]): JobEvent[] {
  const known = new Set(events.map((event) => event.seq));
  const added: JobEvent[] = [];
  for (const event of webhookEvents) {
    if (known.has(event.seq)) continue; // the job's feed carried it too (polling reads the log)
    known.add(event.seq);
    added.push(event);
  }
  return added.length === 0 ? events : [...events, ...added].sort((a, b) => a.seq - b.seq);
}

/**
 * How the latest try to deliver the job's completion webhook went: the message of its latest
 * `webhook` event (events in order of seq), or the job as read when that is newer (or no try was
 * heard of yet). Undefined before the first try.
 */
export function latestWebhookStatus(events: readonly JobEvent[], job?: Pick<Job, 'lastSeq' | 'webhook'> | null): string | undefined {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index];
    if (event.type !== 'webhook') continue;
    return job?.webhook && job.lastSeq > event.seq ? job.webhook : event.message;
  }
  return job?.webhook;
}
