import type { JobOutputs, JobState, OutputEnd, OutputFrame, OutputPollAnswer, Target } from '../types';
import type { Env, Link, LinkFailure, LinkHandlers } from './link';
import { apiUrl, failureOf, isFailure, unsupported } from './link';
import { pollLoop, withTimeout, type PollAnswer } from './polling';
import { openStream } from './sse';

/*
 * An output of a job (`GET /api/v1/jobs/{id}/output/{name}`) over SSE, long polling and short
 * polling; the WebSocket carries outputs beside events (webSocket.ts). The same address answers
 * each by its `Accept` header.
 */

type OutputTarget = Extract<Target, { kind: 'output' }>;

function outputUrl(env: Env, target: OutputTarget, params: Record<string, string | number | undefined>): URL {
  return apiUrl(env, `/api/v1/jobs/${encodeURIComponent(target.jobId)}/output/${encodeURIComponent(target.output)}`, params);
}

/**
 * SSE: `event: output` frames, then `event: end`. Bytes cannot be asked for "one early" the way
 * events are (an offset before `after` may fall inside a character), so an output that shows
 * nothing in the probe time is asked, without waiting, whether it has anything new: only then is
 * the silent stream taken for buffered.
 */
export function openOutputSse(target: Target, after: number, handlers: LinkHandlers<OutputFrame>, env: Env): Link {
  if (target.kind !== 'output') return unsupported(handlers, 'not an output');
  return openStream<OutputFrame>({
    url: (token) => outputUrl(env, target, { token, after }),
    probes: true,
    itemEvents: ['output'],
    // The end names neither job nor output on this stream (they are in its address).
    end: { event: 'end', read: (data) => ({ jobId: target.jobId, output: target.output, ...(data as Partial<OutputEnd>) } as OutputEnd) },
    quiet: () => outputIsQuiet(env, target, after),
  }, handlers, env);
}

/** Long polling: `?after=N&wait=S` with `Accept: application/json`; each answer's `next` is the next `after`. */
export function openOutputLongPoll(target: Target, after: number, handlers: LinkHandlers<OutputFrame>, env: Env): Link {
  if (target.kind !== 'output') return unsupported(handlers, 'not an output');
  return pollLoop(handlers, after, (position, signal) =>
    pollOutput(env, target, position, env.longPollWaitSeconds, signal, (env.longPollWaitSeconds + 15) * 1000), () => 0);
}

/** Short polling: the same request without waiting (`wait=0`), once per interval. */
export function openOutputShortPoll(target: Target, after: number, handlers: LinkHandlers<OutputFrame>, env: Env): Link {
  if (target.kind !== 'output') return unsupported(handlers, 'not an output');
  return pollLoop(handlers, after, (position, signal) => pollOutput(env, target, position, 0, signal, 15_000), () => env.pollIntervalMs);
}

async function pollOutput(env: Env, target: OutputTarget, after: number, wait: number, signal: AbortSignal, timeoutMs: number): Promise<PollAnswer<OutputFrame>> {
  const url = outputUrl(env, target, { after, wait, token: await env.tokens.get() });
  const response = await withTimeout(signal, timeoutMs, (s) =>
    env.fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: s }));
  if (!response.ok) throw await failureOf(response, env);
  const answer = (await response.json()) as OutputPollAnswer;
  return {
    items: answer.frames,
    next: answer.next,
    done: answer.complete,
    end: answer.complete ? { jobId: answer.jobId, output: answer.output, length: answer.next, state: answer.state as JobState } : undefined,
  };
}

/**
 * Whether an output has nothing after `after` yet (a silent stream of it proves nothing), or a
 * failure that says why it cannot be followed (no such output, no access).
 */
export async function outputIsQuiet(env: Env, target: Target, after: number): Promise<boolean | LinkFailure> {
  if (target.kind !== 'output') return false;
  const abort = new AbortController();
  try {
    const answer = await pollOutput(env, target, after, 0, abort.signal, env.probeTimeoutMs);
    return answer.items.length === 0 && !answer.done;
  } catch (error) {
    return isFailure(error) && error.kind === 'fatal' ? error : false;
  }
}

/** The outputs a job has written so far (`GET /api/v1/jobs/{id}/outputs`); throws the LinkFailure of a refusal. */
export async function fetchOutputs(env: Env, jobId: string): Promise<JobOutputs> {
  for (let attempt = 0; ; attempt++) {
    const url = apiUrl(env, `/api/v1/jobs/${encodeURIComponent(jobId)}/outputs`, { token: await env.tokens.get() });
    const response = await env.fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (response.ok) return (await response.json()) as JobOutputs;
    const failure = await failureOf(response, env);
    // A 401 renewed the token (failureOf): one more try with the new one.
    if (response.status !== 401 || attempt > 0) throw failure;
  }
}
