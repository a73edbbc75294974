import { useCallback, useEffect, useRef, useState } from 'react';
import {
  TERMINAL_STATES, utf8Length,
  type JobOutputs, type JobState, type JobcastClient, type OutputFrame, type TransportName,
} from '../../jobcast-client';

/** Lists are read at most this often while a running job's events arrive. */
const LIST_INTERVAL_MS = 1000;

/**
 * The outputs a job has (`GET …/outputs`): read when the page opens, again (at most once a
 * second) while the job runs and its events arrive, since a handler may start a new output at any
 * step, and once more when it ends. A failed read keeps what the page has.
 */
export function useOutputList(
  client: JobcastClient,
  jobId: string,
  job: { state: JobState; lastSeq: number; done: boolean },
  intervalMs = LIST_INTERVAL_MS,
): JobOutputs['outputs'] {
  const [outputs, setOutputs] = useState<JobOutputs['outputs']>([]);
  const lastRead = useRef(0);
  const lastState = useRef<JobState | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const read = useCallback(() => {
    lastRead.current = Date.now();
    client.listOutputs(jobId).then((answer) => {
      lastState.current = answer.state;
      setOutputs(answer.outputs);
    }, () => undefined);
  }, [client, jobId]);

  useEffect(() => {
    read();
    return () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [read]);

  const running = job.state === 'RUNNING';
  useEffect(() => {
    if (!running || job.lastSeq === 0 || timer.current !== undefined) return;
    const wait = lastRead.current + intervalMs - Date.now();
    if (wait <= 0) read();
    else timer.current = setTimeout(() => {
      timer.current = undefined;
      read();
    }, wait);
  }, [running, job.lastSeq, read, intervalMs]);

  useEffect(() => {
    // A job that had ended when the list was read needs no second look.
    if (job.done && !(lastState.current && TERMINAL_STATES.has(lastState.current))) read();
  }, [job.done, read]);

  return outputs;
}

export interface FollowedOutput<D> {
  doc: D;
  /** The job ended and every byte arrived. */
  complete: boolean;
  problem: string | null;
}

/**
 * Follows one output, folding its frames into a document (plain sections, or the parsed log).
 * Following starts again (from the bytes the page has) when the transport or `generation` change:
 * a retried job writes on after its output had ended.
 */
export function useOutput<D>(client: JobcastClient, jobId: string, name: string, options: {
  empty: D;
  append: (doc: D, frame: OutputFrame) => D;
  transport?: TransportName;
  generation: number;
}): FollowedOutput<D> {
  const { empty, append, transport, generation } = options;
  const [followed, setFollowed] = useState<FollowedOutput<D>>({ doc: empty, complete: false, problem: null });
  const offset = useRef(0);

  useEffect(() => {
    const subscription = client.followOutput(jobId, name, {
      after: offset.current,
      transport,
      onFrame: (frame) => {
        offset.current = frame.offset + utf8Length(frame.text);
        setFollowed((current) => ({ doc: append(current.doc, frame), complete: false, problem: null }));
      },
      onEnd: () => setFollowed((current) => ({ ...current, complete: true })),
      onError: (problem) => setFollowed((current) => ({ ...current, problem: `${problem.title}${problem.detail ? ': ' + problem.detail : ''}` })),
    });
    return () => subscription.close();
  }, [client, jobId, name, transport, generation, append]);

  return followed;
}
