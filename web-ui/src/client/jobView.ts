import { isTerminal, type JobEvent, type JobState } from './events';

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
 * replay after a reconnect, or the same event from two transports, never moves the view back;
 * nothing is applied after a terminal event.
 */
export function applyEvent(view: JobView, event: JobEvent): JobView {
  if (event.jobId !== view.jobId || event.seq <= view.lastSeq || view.done) {
    return view;
  }
  const newAttempt = event.attempt !== view.attempt;
  return {
    ...view,
    lastSeq: event.seq,
    state: event.state,
    attempt: event.attempt,
    percent: newAttempt ? event.percent : Math.max(view.percent, event.percent),
    message: event.message,
    result: event.result ?? view.result,
    error: event.error ?? (newAttempt ? undefined : view.error),
    done: isTerminal(event),
    events: [...view.events, event],
  };
}
