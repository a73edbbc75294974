import { useState } from 'react';
import { describeFailure, type JobApi, type Queues } from '../api';
import { typesToList } from '../flowControl/gates';
import { TenantControls } from '../flowControl/TenantControls';
import { TypeControls } from '../flowControl/TypeControls';
import { useGates } from '../flowControl/useGates';
import { formatIsoDuration } from '../format';
import type { RateSeries } from '../rates';

/**
 * Each job type's queue, the tenant's jobs of it, and its flow control: whether it is paused,
 * how many jobs its gates hold, and its limits. Above the table, the same for all of the tenant's jobs.
 */
export function QueuesSection({ api, queues, perType, refreshMs }: {
  api: JobApi;
  queues: Queues | null;
  perType: ReturnType<typeof RateSeries.perType>;
  refreshMs: number;
}) {
  const { gates, problem: readProblem, change } = useGates(api, refreshMs);
  const [changeProblem, setChangeProblem] = useState<string | null>(null);
  const onProblem = (error: unknown) => setChangeProblem(error === null ? null : describeFailure(error));
  const byType = new Map((queues?.queues ?? []).map((queue) => [queue.type ?? '', queue]));
  const types = typesToList([...byType.keys()], gates);

  return (
    <section className="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      {queues?.oldestQueued && <p className="muted">Your oldest queued job has waited {formatIsoDuration(queues.oldestQueued)}.</p>}
      {gates && <TenantControls api={api} gates={gates} change={change} onProblem={onProblem} />}
      {readProblem && <p role="alert" className="problem">Limits and pauses: {readProblem}</p>}
      {changeProblem && <p role="alert" className="problem">{changeProblem}</p>}
      {queues === null ? <p className="muted">Loading…</p> : (
        <table className="ops" data-testid="queues-table">
          <thead>
            <tr>
              <th scope="col">Type</th><th scope="col">Ready</th><th scope="col">Consumers</th><th scope="col">Queued / finished per s</th>
              <th scope="col">Your jobs</th><th scope="col">Held</th><th scope="col">Limits</th><th scope="col"><span className="visually-hidden">Pause</span></th>
            </tr>
          </thead>
          <tbody>
            {types.map((type) => {
              const queue = byType.get(type);
              const rate = perType.get(type);
              const paused = gates?.types?.[type]?.paused === true;
              return (
                <tr key={type} data-testid={`queue-${type}`} data-paused={String(paused)}>
                  <td data-label="Type"><strong>{type}</strong> {paused && <span className="badge badge-paused" data-testid={`paused-${type}`}>Paused</span>}</td>
                  <td data-label="Ready">{queue?.ready ?? '—'}</td>
                  <td data-label="Consumers">{queue?.consumers ?? '—'}</td>
                  <td data-label="Per second">{rate ? `${rate.queued.toFixed(1)} / ${rate.finished.toFixed(1)}` : '0 / 0'}</td>
                  <td data-label="Your jobs">{Object.entries(queue?.jobs ?? {}).filter(([, n]) => n > 0).map(([state, n]) => `${state} ${n}`).join(' · ') || '—'}</td>
                  <TypeControls api={api} type={type} gates={gates} change={change} onProblem={onProblem} />
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
