import { TERMINAL_STATES, type JobEvent } from '../jobcast-client';
import type { Job, ListFilter } from './api';

/** The most rows the first page grows to as new jobs arrive live. */
export const MAX_LIVE_ROWS = 100;

/**
 * Applies live events to the rows of a jobs table. A row takes an event only if it is newer than
 * what the row shows (`lastSeq`), so events that arrived before, during or after the page was read
 * are all safe to apply. A job the page does not show is added at the top when it is new (its first
 * event), the page is the first one (newest jobs), and it matches the filter.
 */
export function applyToRows(rows: Job[], events: readonly JobEvent[], filter: ListFilter, firstPage: boolean): Job[] {
  let next = rows;
  for (const event of events) {
    const index = next.findIndex((job) => job.id === event.jobId);
    if (index >= 0) {
      const updated = applyToJob(next[index], event);
      if (updated !== next[index]) {
        next = next === rows ? [...rows] : next;
        next[index] = updated;
      }
    } else if (firstPage && event.seq === 1 && matchesFilter(event, filter)) {
      next = [newRow(event), ...next].slice(0, MAX_LIVE_ROWS);
    }
  }
  return next;
}

export function applyToJob(job: Job, event: JobEvent): Job {
  if (event.seq <= job.lastSeq) return job;
  // A try to deliver the webhook of an ended job: the job itself did not change.
  if (event.type === 'webhook') return { ...job, lastSeq: event.seq, webhook: event.message };
  // A limit or a pause holds the queued job: its message says why it waits; its state is the same.
  if (event.type === 'held') return { ...job, lastSeq: event.seq, progress: { ...job.progress, message: event.message }, updatedAt: event.timestamp };
  const changed: Job = {
    ...job,
    lastSeq: event.seq,
    state: event.state,
    attempt: event.attempt,
    progress: { percent: event.percent, message: event.message },
    updatedAt: event.timestamp,
  };
  if (event.children) changed.children = event.children; // a flow's counts of its children by state
  if (event.type === 'state') {
    changed.heldBy = undefined; // the job moved on; a held event names no gate, so only a fresh read sets one again
    if (event.state === 'RUNNING') {
      changed.startedAt = event.timestamp;
      changed.finishedAt = undefined;
    }
    if (TERMINAL_STATES.has(event.state)) changed.finishedAt = event.timestamp;
    if (event.state === 'QUEUED' && job.finishedAt) changed.finishedAt = undefined; // retried
    if (event.error) changed.error = event.error;
  }
  return changed;
}

function matchesFilter(event: JobEvent, filter: ListFilter): boolean {
  return (!filter.state || filter.state === event.state)
    && (!filter.type || filter.type === event.jobType)
    && (!filter.tag || (event.tags ?? []).includes(filter.tag));
}

/** A row for a job known only from its first event, until the page is read again. */
function newRow(event: JobEvent): Job {
  return {
    id: event.jobId,
    type: event.jobType,
    state: event.state,
    progress: { percent: event.percent, message: event.message },
    attempt: event.attempt,
    maxAttempts: 0,
    attemptsLeft: 0,
    priority: 5,
    tags: event.tags ?? [],
    cancelRequested: false,
    ttl: '',
    lastSeq: event.seq,
    createdAt: event.timestamp,
    updatedAt: event.timestamp,
    links: {},
    ...(event.children ? { children: event.children } : {}),
  };
}
