/**
 * jobcast-client: follow Jobcast jobs from any web page. No framework; see README.md.
 */
export { JobcastClient } from './client';
export type { AllJobsOptions, ClientOptions, FollowOptions, Subscription } from './client';
export { applyEvent, applyEvents, emptyView, estimateRemainingMs } from './jobView';
export type { JobView } from './jobView';
export { conflate } from './conflate';
export { backoffDelay } from './backoff';
export { TokenSource } from './tokens';
export type { IssuedToken, TokenProvider } from './tokens';
export { INITIAL_STATUS, TERMINAL_STATES, TRANSPORTS, isTerminal } from './types';
export type { FeedStatus, Job, JobEvent, JobState, Problem, Target, TransportName } from './types';
