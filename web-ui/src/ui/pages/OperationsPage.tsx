import { useEffect, useMemo, useState } from 'react';
import type { JobEvent } from '../../jobcast-client';
import { describeFailure, type JobApi, type Queues, type WorkerInfo } from '../api';
import { FeedIndicator } from '../components/FeedIndicator';
import { RateChart } from '../components/RateChart';
import { formatAge, formatDuration, useNow } from '../format';
import { useLive } from '../live';
import { RateSeries } from '../rates';
import { QueuesSection } from './QueuesSection';

const REFRESH_MS = 2000;
const CHART_SECONDS = 60;
/** Heartbeats come every few seconds; older than this, a worker is shown as late. */
const LATE_HEARTBEAT_MS = 10_000;

/** Workers, queues (with their pauses and limits) and a live chart of state changes per second. */
export function OperationsPage({ api }: { api: JobApi }) {
  const live = useLive();
  const now = useNow(1000);
  const [workers, setWorkers] = useState<WorkerInfo[] | null>(null);
  const [queues, setQueues] = useState<Queues | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const rates = useMemo(() => new RateSeries(CHART_SECONDS), []);
  const [recent, setRecent] = useState<readonly JobEvent[]>([]);

  useEffect(() => {
    let cancelled = false;
    const refresh = () => Promise.all([api.workers(), api.queues()]).then(([w, q]) => {
      if (cancelled) return;
      setWorkers(w);
      setQueues(q);
      setProblem(null);
    }, (error) => !cancelled && setProblem(describeFailure(error)));
    void refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api]);

  const { onEvents, recent: recentEvents } = live;
  useEffect(() => {
    rates.add(recentEvents());
    setRecent([...recentEvents()]);
    return onEvents((events) => {
      rates.add(events);
      setRecent([...recentEvents()]);
    });
  }, [onEvents, recentEvents, rates]);

  // The current second is still filling: the chart ends at the last complete one.
  const series = rates.series(now - 1000);
  const perType = RateSeries.perType(recent, now);

  return (
    <section aria-labelledby="ops-title">
      <div className="page-head">
        <h1 id="ops-title">Operations</h1>
        <FeedIndicator status={live.status} compact />
      </div>
      {problem && <p role="alert" className="problem">{problem}</p>}

      <section className="card" aria-labelledby="chart-title">
        <h2 id="chart-title">Jobs per second, by the state they entered</h2>
        <RateChart series={series} seconds={CHART_SECONDS} />
      </section>

      <div className="stack">
        <section className="card" aria-labelledby="workers-title">
          <h2 id="workers-title">Workers <span className="muted">{workers ? `(${workers.length})` : ''}</span></h2>
          {workers === null ? <p className="muted">Loading…</p> : workers.length === 0 ? <p className="empty">No worker sent a heartbeat in the last 30 s.</p> : (
            <table className="ops" data-testid="workers-table">
              <thead><tr><th scope="col">Worker</th><th scope="col">Heartbeat</th><th scope="col">In flight</th><th scope="col">Up for</th></tr></thead>
              <tbody>
                {workers.map((worker) => {
                  const age = now - Date.parse(worker.lastHeartbeat ?? '');
                  const inFlight = Object.entries(worker.inFlight ?? {}).filter(([, n]) => n > 0);
                  const total = inFlight.reduce((sum, [, n]) => sum + n, 0);
                  return (
                    <tr key={worker.id}>
                      <td data-label="Worker"><strong>{worker.id}</strong> <span className="muted">{worker.host}</span>
                        {worker.shuttingDown && <span className="badge badge-cancelled">shutting down</span>}</td>
                      <td data-label="Heartbeat" className={age > LATE_HEARTBEAT_MS ? 'problem' : undefined}>{formatAge(worker.lastHeartbeat, now)}</td>
                      <td data-label="In flight">
                        <strong>{total}</strong>
                        {inFlight.length > 0 && <span className="muted"> ({inFlight.map(([type, n]) => `${type} ${n}/${worker.concurrency?.[type] ?? '?'}`).join(', ')})</span>}
                      </td>
                      <td data-label="Up for">{formatDuration(now - Date.parse(worker.startedAt ?? ''))}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>

        <QueuesSection api={api} queues={queues} perType={perType} refreshMs={REFRESH_MS} />
      </div>
    </section>
  );
}
