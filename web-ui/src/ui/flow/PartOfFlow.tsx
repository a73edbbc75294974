import { shortId } from '../format';
import { Link, paths } from '../router';

/** A child's link to its flow: a line on the child's page, or a small mark in a row of the jobs table. */
export function PartOfFlow({ parent, compact = false }: { parent: string; compact?: boolean }) {
  const link = <Link to={paths.job(parent)} title={parent}><code>{shortId(parent)}</code></Link>;
  return compact
    ? <span className="in-flow">in flow {link}</span>
    : <p className="part-of-flow" data-testid="part-of-flow">Part of flow {link}</p>;
}
