/**
 * jobcast-client: follow Jobcast jobs from any web page. No framework; see README.md.
 */
export { JobcastClient, JobcastError } from './client';
export type { AllJobsOptions, ClientOptions, FollowOptions, OutputOptions, Subscription } from './client';
export { OUTPUT_GAP } from './feed';
export { utf8Length } from './kinds';
export { applyEvent, applyEvents, emptyView, estimateRemainingMs } from './jobView';
export type { JobView } from './jobView';
export { conflate } from './conflate';
export { backoffDelay } from './backoff';
export { TokenSource } from './tokens';
export type { IssuedToken, TokenProvider } from './tokens';
export { INITIAL_STATUS, OUTPUT_NAME, TERMINAL_STATES, TRANSPORTS, isTerminal } from './types';
export type {
  FeedStatus, Job, JobEvent, JobOutputs, JobState, OutputEnd, OutputFrame, OutputSection, Problem, Target, TransportName,
} from './types';
