import type { JobState, TransportName } from '../../jobcast-client';
import { useLive } from '../live';
import { LogPanel } from './LogPanel';
import { OutputPanel } from './OutputPanel';
import { useOutputList } from './useOutputs';

/**
 * What a job writes while it runs: its log and its other outputs, live. Nothing is shown until
 * the job has written something. `generation` changes when the job is retried (its outputs then
 * go on growing after they had ended).
 */
export function OutputsSection({ jobId, state, lastSeq, done, transport, generation }: {
  jobId: string;
  state: JobState;
  lastSeq: number;
  done: boolean;
  transport?: TransportName;
  generation: number;
}) {
  const { client } = useLive();
  const outputs = useOutputList(client, jobId, { state, lastSeq, done });
  const names = outputs.map((output) => output.name);
  if (names.length === 0) return null;
  return (
    <div className="outputs" data-testid="job-outputs">
      {names.includes('log') && <LogPanel client={client} jobId={jobId} transport={transport} generation={generation} />}
      {names.filter((name) => name !== 'log').map((name) => (
        <OutputPanel key={name} client={client} jobId={jobId} name={name} transport={transport} generation={generation} />
      ))}
    </div>
  );
}
