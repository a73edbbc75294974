import type { JobView } from '../../jobcast-client';
import { formatDuration } from '../format';
import { StateBadge } from '../components/StateBadge';
import type { JobState } from '../api';

interface Attempt {
  number: number;
  startedAt: string;
  endedAt?: string;
  outcome?: JobState;
  error?: string;
}

/** Each run of the job, from its events: when it started, how it ended, and why it failed. */
export function attemptsOf(view: JobView): Attempt[] {
  const attempts: Attempt[] = [];
  for (const event of view.events) {
    if (event.type !== 'state') continue;
    if (event.state === 'RUNNING' && event.attempt > 0 && !attempts.some((a) => a.number === event.attempt)) {
      attempts.push({ number: event.attempt, startedAt: event.timestamp });
      continue;
    }
    const current = attempts.find((a) => a.number === event.attempt && !a.outcome);
    if (current && event.state !== 'RUNNING' && event.state !== 'SCHEDULED') {
      current.outcome = event.state;
      current.endedAt = event.timestamp;
      current.error = event.error;
    }
  }
  return attempts;
}

export function Attempts({ view, now }: { view: JobView; now: number }) {
  const attempts = attemptsOf(view);
  return (
    <section aria-labelledby="attempts-title" className="card">
      <h2 id="attempts-title">Attempts</h2>
      {attempts.length === 0 ? <p className="muted">Not started yet.</p> : (
        <ol className="attempts">
          {attempts.map((attempt) => (
            <li key={attempt.number}>
              Attempt {attempt.number}: {attempt.outcome ? <StateBadge state={attempt.outcome} /> : <StateBadge state="RUNNING" />}{' '}
              <span className="muted">
                {formatDuration((attempt.endedAt ? Date.parse(attempt.endedAt) : now) - Date.parse(attempt.startedAt))}
              </span>
              {attempt.error && <div className="problem">{attempt.error}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
