/**
 * The wire format of Jobcast's job events and of the job API, as the API's generated description
 * (src/api/openapi.json, from which src/api/schema.ts is generated at build time) defines it.
 */
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export type JobState = Schemas['JobState'];

/** One event of a job, identical on every transport. */
export type JobEvent = Schemas['JobEvent'];

/** An RFC 9457 problem document, the body of every error answer. */
export type Problem = Schemas['Problem'];

/** A job as the job API answers it. */
export type Job = Schemas['Job'];

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['SUCCEEDED', 'CANCELLED', 'DEAD']);

export function isTerminal(event: JobEvent): boolean {
  return event.type === 'state' && TERMINAL_STATES.has(event.state);
}
