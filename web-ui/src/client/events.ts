/** The wire format of Jobcast's job events and of the job API (see job-api's golden JSON files). */

export type JobState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'DEAD';

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD']);

/** One event of a job, identical on every transport. */
export interface JobEvent {
  /** The job's sequence number: grows by one per event of the job. */
  seq: number;
  attempt: number;
  /** The tenant's sequence number: orders and resumes streams of all of a tenant's jobs. */
  tseq: number;
  jobId: string;
  tenant: string;
  jobType: string;
  /** The job's tags; absent when it has none. */
  tags?: string[];
  type: 'state' | 'progress';
  state: JobState;
  percent: number;
  message: string;
  /** The job's result on SUCCEEDED; null or absent otherwise. */
  result?: unknown;
  /** Why the attempt failed; null or absent otherwise. */
  error?: string | null;
  timestamp: string;
}

/** An RFC 9457 problem document, the body of every error answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; detail: string }[];
}

/** A job as `POST /api/v1/jobs` and `GET /api/v1/jobs/{id}` answer it. */
export interface Job {
  id: string;
  type: string;
  state: JobState;
  progress: { percent: number; message: string };
  attempt: number;
  maxAttempts: number;
  tags: string[];
  result?: unknown;
  error?: string;
  lastSeq: number;
}

export function isTerminal(event: JobEvent): boolean {
  return event.type === 'state' && TERMINAL_STATES.has(event.state);
}
