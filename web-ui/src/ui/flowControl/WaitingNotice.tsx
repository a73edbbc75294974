import { Link, paths } from '../router';

/** A held job's reason to wait, where it is seen first: the job page's progress card. */
export function WaitingNotice({ reason, concurrencyKey }: { reason: string; concurrencyKey?: string }) {
  return (
    <p className="waiting" role="status" data-testid="job-waiting">
      <strong>Waiting: {reason}</strong>
      {concurrencyKey && <span className="muted"> · concurrency key <code>{concurrencyKey}</code></span>}
      <span className="muted"> · limits and pauses are set on <Link to={paths.operations()}>Operations</Link></span>
    </p>
  );
}
