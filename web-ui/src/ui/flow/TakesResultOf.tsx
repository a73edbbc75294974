import { shortId } from '../format';
import { Link, paths } from '../router';

/**
 * A flow step's input: the job whose result it takes (`after`), a line on its page. While the
 * step is SCHEDULED it has no time to show: it starts when that job succeeded.
 */
export function TakesResultOf({ after, waiting }: { after: string; waiting: boolean }) {
  return (
    <p className="takes-result" data-testid="takes-result-of">
      Takes the result of <Link to={paths.job(after)} title={after}><code>{shortId(after)}</code></Link>
      {waiting && <span className="muted">, and waits until it has succeeded</span>}
    </p>
  );
}
