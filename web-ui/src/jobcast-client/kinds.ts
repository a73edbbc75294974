import type { FeedKind } from './feed';
import type { Env, OpenLink } from './transports/link';
import { apiUrl, failureOf } from './transports/link';
import { positionOf, type Job, type JobEvent, type OutputFrame, type Target, type TransportName } from './types';

/** A job's events (positions are `seq`) or all jobs' events (`tseq`). */
export function eventKind(target: Target, transports: Record<TransportName, OpenLink<JobEvent>>): FeedKind<JobEvent> {
  return {
    transports,
    take: (position, event) => {
      const at = positionOf(target, event);
      return at <= position ? null : { item: event, position: at };
    },
    // A job's sequence numbers have no gaps but for conflation; the all-jobs feed is filtered, so any tseq follows.
    follows: (position, event) => target.kind !== 'job' || event.seq <= position + 1,
    contiguous: false,
    madeAt: (event) => Date.parse(event.timestamp),
    resync: target.kind === 'job' ? (position, env) => jobSnapshot(target.jobId, position, env)
      : async () => ({ position: 0, items: [] }), // all jobs: again from the oldest event kept
  };
}

/**
 * A job as it is now, handed over as one `state` event at its `lastSeq` marked `snapshot`: what a
 * feed that can no longer resume goes on from.
 */
async function jobSnapshot(jobId: string, position: number, env: Env): Promise<{ position: number; items: JobEvent[] }> {
  const answer = await env.fetch(apiUrl(env, `/api/v1/jobs/${encodeURIComponent(jobId)}`, { token: await env.tokens.get() }), { cache: 'no-store' });
  if (!answer.ok) throw await failureOf(answer, env);
  const job = (await answer.json()) as Job;
  return job.lastSeq > position ? { position: job.lastSeq, items: [snapshotEvent(job)] } : { position, items: [] };
}

function snapshotEvent(job: Job): JobEvent {
  return {
    seq: job.lastSeq, attempt: job.attempt, tseq: 0, jobId: job.id, tenant: '', jobType: job.type, tags: job.tags,
    type: 'state', state: job.state, percent: job.progress.percent, message: job.progress.message,
    result: job.result, error: job.error, runAt: job.runAt, timestamp: job.updatedAt, snapshot: true,
  } as JobEvent;
}

/**
 * An output's frames; positions are byte offsets. A frame can overlap what a reader has (a
 * reader that joined at another offset, frames merged differently on a replay): the reader gets
 * the rest of it. Offsets the client holds are always ends of frames, hence character boundaries.
 */
export function outputKind(transports: Record<TransportName, OpenLink<OutputFrame>>): FeedKind<OutputFrame> {
  return {
    transports,
    take: (position, frame) => {
      const end = frame.offset + utf8Length(frame.text);
      if (end <= position) return null;
      if (frame.offset >= position) return { item: frame, position: end };
      const rest = new TextDecoder().decode(new TextEncoder().encode(frame.text).subarray(position - frame.offset));
      return { item: frameOf(frame, position, rest), position: end };
    },
    follows: (position, frame) => frame.offset <= position,
    contiguous: true,
  };
}

/** Joins consecutive frames of one attempt, as the server does for a slow client: a page that fell behind gets fewer, bigger ones. */
export function mergeFrames(frames: OutputFrame[]): OutputFrame[] {
  const merged: OutputFrame[] = [];
  let end = -1;
  for (const frame of frames) {
    const last = merged[merged.length - 1];
    if (last && frame.offset === end && frame.attempt === last.attempt) {
      merged[merged.length - 1] = frameOf(last, last.offset, last.text + frame.text);
    } else {
      merged.push(frame);
    }
    end = frame.offset + utf8Length(frame.text);
  }
  return merged;
}

/** A frame with other text: only the fields the contract names, so that none left over (a server's `bytes`) can be stale. */
function frameOf({ jobId, output, attempt }: OutputFrame, offset: number, text: string): OutputFrame {
  return { jobId, output, attempt, offset, text };
}

/** The length of a string in UTF-8 bytes, without encoding it (frames come often and large). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3; // lone surrogates are encoded as U+FFFD, three bytes too
  }
  return bytes;
}
