import createClient from 'openapi-fetch';
import type { components, paths } from '../api/schema';

type Schemas = components['schemas'];
export type Job = Schemas['Job'];
export type JobState = Schemas['JobState'];
export type JobEvent = Schemas['JobEvent'];
export type JobSubmission = Schemas['JobSubmission'];
export type JobTypeInfo = Schemas['JobTypeInfo'];
export type WorkerInfo = Schemas['WorkerInfo'];
export type QueueView = Schemas['QueueView'];
export type Queues = Schemas['Queues'];
export type BatchResult = Schemas['BatchResult'];
export type Problem = Schemas['Problem'];
export type Page = Schemas['Page'];
export type Issued = Schemas['Issued'];
/** A flow parent's children counted by state, with their total: `{"total": 8, "RUNNING": 3, "SUCCEEDED": 5}`. */
export type ChildCounts = Schemas['FlowChildCounts'];
export type FlowSubmission = Schemas['FlowSubmission'];
/** The tenant's limits and pauses, with how many jobs each limited gate counts running and each gate holds. */
export type Gates = Schemas['Gates'];
export type TypeGates = Schemas['TypeGates'];
/** What `PUT /api/v1/limits/types/{type}` takes (its schema is any JSON): a limit left out is removed. */
export type TypeLimits = { concurrency?: number; perKey?: number };
export type ListFilter = { state?: JobState; type?: string; tag?: string };

export const STATES: readonly JobState[] = ['QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD'];

/** Thrown for any answer that is not a success; carries the server's problem document. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}${problem.detail ? ': ' + problem.detail : ''}`);
  }
}

/** The job API for one API key, typed by the API's generated description. */
export function jobApi(apiKey: string, baseUrl = '') {
  const client = createClient<paths>({ baseUrl, headers: { 'X-API-Key': apiKey } });
  return {
    listJobs: async (filter: ListFilter, cursor?: string, limit = 20) =>
      orProblem(await client.GET('/api/v1/jobs', { params: { query: { ...filter, cursor, limit } } })),
    /** A page of a flow's children (the parent job's id), in the order submitted (a chain's steps in order). */
    listChildren: async (parent: string, cursor?: string, limit = 100) =>
      orProblem(await client.GET('/api/v1/jobs', { params: { query: { parent, cursor, limit } } })),
    getJob: async (id: string) => orProblem(await client.GET('/api/v1/jobs/{id}', { params: { path: { id } } })),
    submit: async (submission: JobSubmission) => orProblem(await client.POST('/api/v1/jobs', { body: submission })),
    submitBatch: async (jobs: JobSubmission[]) => orProblem(await client.POST('/api/v1/jobs:batch', { body: { jobs } })),
    /** A flow: a group or chain of jobs, groups and chains under one parent job (type `flow`); answers the root and its children's ids. */
    submitFlow: async (flow: FlowSubmission) => orProblem(await client.POST('/api/v1/flows', { body: flow })),
    cancel: async (id: string) => orProblem(await client.POST('/api/v1/jobs/{id}/cancel', { params: { path: { id } } })),
    retry: async (id: string) => orProblem(await client.POST('/api/v1/jobs/{id}/retry', { params: { path: { id } } })),
    share: async (id: string) => orProblem(await client.POST('/api/v1/jobs/{id}/share', { params: { path: { id } }, body: {} })),
    jobTypes: async () => orProblem(await client.GET('/api/v1/job-types')),
    workers: async () => orProblem(await client.GET('/api/v1/workers')),
    queues: async () => orProblem(await client.GET('/api/v1/queues')),
    limits: async () => orProblem(await client.GET('/api/v1/limits')),
    /** How many of the tenant's jobs run at once; undefined removes the limit. */
    setTenantLimit: async (concurrency?: number) =>
      orProblem(await client.PUT('/api/v1/limits/tenant', { body: concurrency === undefined ? {} : { concurrency } })),
    /** A type's limits, both at once: one left out is removed. */
    setTypeLimits: async (type: string, limits: TypeLimits) =>
      orProblem(await client.PUT('/api/v1/limits/types/{type}', { params: { path: { type } }, body: limits })),
    pauseType: async (type: string) => orProblem(await client.POST('/api/v1/queues/{type}/pause', { params: { path: { type } } })),
    resumeType: async (type: string) => orProblem(await client.POST('/api/v1/queues/{type}/resume', { params: { path: { type } } })),
    /** Pauses all of the tenant's jobs (running ones finish). */
    pauseAll: async () => orProblem(await client.POST('/api/v1/pause')),
    resumeAll: async () => orProblem(await client.POST('/api/v1/resume')),
    /** A read-only token for the event streams of all of the key's jobs. */
    streamToken: async () => orProblem(await client.POST('/api/v1/stream-tokens', { body: {} })),
    /** The events of a job after `after`, at once (a long poll that does not wait). */
    eventsAfter: async (id: string, after: number) =>
      orProblem(await client.GET('/api/v1/jobs/{id}/progress', { params: { path: { id }, query: { after, wait: 0 } } })),
  };
}

export type JobApi = ReturnType<typeof jobApi>;

function orProblem<T>({ data, error, response }: { data?: T; error?: unknown; response: Response }): T {
  if (data === undefined) {
    throw new ProblemError((error as Problem | undefined)?.title ? (error as Problem) : {
      type: 'about:blank',
      title: response.statusText || `HTTP ${response.status}`,
      status: response.status,
    });
  }
  return data;
}

/** A message for any failure of a call: the problem's words, or why the gateway was not reached. */
export function describeFailure(error: unknown): string {
  if (error instanceof ProblemError) return error.message;
  return `The gateway cannot be reached (${error instanceof Error ? error.message : String(error)}).`;
}
