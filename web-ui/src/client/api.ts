import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';
import type { Job, Problem } from './events';

/** Thrown for any answer that is not a success; carries the server's problem document. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}${problem.detail ? ': ' + problem.detail : ''}`);
  }
}

/** A client of the job API, typed by its generated description, for one API key. */
export function jobApi(apiKey: string, baseUrl = '') {
  return createClient<paths>({ baseUrl, headers: { 'X-API-Key': apiKey } });
}

export async function submitJob(apiKey: string, type: string, payload: Record<string, unknown>): Promise<Job> {
  const { data, error, response } = await jobApi(apiKey).POST('/api/v1/jobs', { body: { type, payload } });
  return orProblem(data, error, response);
}

/** A short-lived, read-only token for the event streams of these jobs (all of them when none are given). */
export async function streamToken(apiKey: string, jobs?: string[]): Promise<string> {
  const { data, error, response } = await jobApi(apiKey).POST('/api/v1/stream-tokens', { body: jobs ? { jobs } : {} });
  return orProblem(data, error, response).token ?? '';
}

function orProblem<T>(data: T | undefined, error: unknown, response: Response): T {
  if (data === undefined) {
    throw new ProblemError((error as Problem | undefined) ?? {
      type: 'about:blank',
      title: response.statusText,
      status: response.status,
    });
  }
  return data;
}
