import type { JobView } from '../../jobcast-client';
import type { Job } from '../api';

/**
 * Why a queued job waits for a limit or a pause (the message of its hold), or null if nothing
 * holds it. Whichever is newer says so: the feed's latest event (a `held` one while it waits), or
 * the job's record (`heldBy`, the reason in its progress message), read before any event came.
 */
export function waitingReason(view: JobView, job: Job | null): string | null {
  const state = view.lastSeq > 0 ? view.state : job?.state;
  if (state !== 'QUEUED') return null;
  const last = view.events[view.events.length - 1];
  if (last && last.seq >= (job?.lastSeq ?? 0)) return last.type === 'held' ? last.message : null;
  return job?.heldBy ? job.progress.message || `held by ${job.heldBy}` : null;
}
