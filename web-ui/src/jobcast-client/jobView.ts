import { isTerminal, type JobEvent, type JobState } from './types';

/** What a page shows of one job, built from its events alone. */
export interface JobView {
  jobId: string;
  lastSeq: number;
  state: JobState;
  attempt: number;
  percent: number;
  message: string;
  result?: unknown;
  error?: string;
  done: boolean;
  events: JobEvent[];
}

export function emptyView(jobId: string): JobView {
  return { jobId, lastSeq: 0, state: 'QUEUED', attempt: 0, percent: 0, message: '', done: false, events: [] };
}

/**
 * Applies one event. Events at or below the last applied sequence number are ignored, so a
 * replay after a reconnect, or the same event from two transports, never moves the view back.
 * After a terminal event only a retry by request (a new `QUEUED`) leads on, and webhook tries are
 * only recorded; a `held` event (a limit or pause keeps the queued job waiting) changes only the
 * message; progress never moves back within an attempt.
 */
export function applyEvent(view: JobView, event: JobEvent): JobView {
  if (event.jobId !== view.jobId || event.seq <= view.lastSeq) return view;
  // A try to deliver the completion webhook, after the terminal event: on the timeline, but the job did not change.
  if (event.type === 'webhook') return { ...view, lastSeq: event.seq, events: [...view.events, event] };
  const retried = event.type === 'state' && event.state === 'QUEUED';
  if (view.done && !retried) return view;
  // A limit or a pause holds the queued job: on the timeline, and its message says why it waits; nothing else changed.
  if (event.type === 'held') return { ...view, lastSeq: event.seq, message: event.message, events: [...view.events, event] };
  const newAttempt = event.attempt !== view.attempt;
  return {
    ...view,
    lastSeq: event.seq,
    state: event.state,
    attempt: event.attempt,
    percent: newAttempt || retried ? event.percent : Math.max(view.percent, event.percent),
    message: event.message,
    result: event.result ?? (retried ? undefined : view.result),
    error: event.error ?? (newAttempt || retried ? undefined : view.error),
    done: isTerminal(event),
    events: [...view.events, event],
  };
}

export function applyEvents(view: JobView, events: JobEvent[]): JobView {
  return events.reduce(applyEvent, view);
}

/**
 * Time left, from the rate the current attempt's progress events have shown over their last
 * `window` events (worker timestamps, so transport delays do not distort it). Null while there is
 * too little to go on, or when the job is not running.
 */
export function estimateRemainingMs(view: JobView, window = 10): number | null {
  if (view.state !== 'RUNNING' || view.percent >= 100) return null;
  const progress = view.events.filter((e) => e.type === 'progress' && e.attempt === view.attempt).slice(-window);
  if (progress.length < 2) return null;
  const first = progress[0];
  const last = progress[progress.length - 1];
  const elapsed = Date.parse(last.timestamp) - Date.parse(first.timestamp);
  const gained = last.percent - first.percent;
  if (elapsed <= 0 || gained <= 0) return null;
  return Math.round(((100 - view.percent) * elapsed) / gained);
}
