import type { Job, Problem } from './events';

/** Thrown for any answer that is not a success; carries the server's problem document. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}${problem.detail ? ': ' + problem.detail : ''}`);
  }
}

export async function submitJob(apiKey: string, type: string, payload: unknown): Promise<Job> {
  const response = await fetch('/api/v1/jobs', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey },
    body: JSON.stringify({ type, payload }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ProblemError(body ?? { type: 'about:blank', title: response.statusText, status: response.status });
  }
  return body as Job;
}
