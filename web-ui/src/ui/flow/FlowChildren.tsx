import { memo } from 'react';
import type { ChildCounts, Job, JobApi } from '../api';
import { ProgressBar } from '../components/ProgressBar';
import { StateBadge } from '../components/StateBadge';
import { shortId } from '../format';
import { Link, paths } from '../router';
import { FlowCounts } from './FlowCounts';
import { useFlowChildren } from './useFlowChildren';

/**
 * A flow parent's children: their counts by state (from the parent's own events, exact however
 * many are listed) and a live progress bar for each child listed.
 */
export function FlowChildren({ api, parentId, counts }: { api: JobApi; parentId: string; counts?: ChildCounts }) {
  const { children, problem } = useFlowChildren(api, parentId);
  const total = Math.max(counts?.total ?? 0, children?.rows.length ?? 0);
  return (
    <section aria-labelledby="children-title" className="card flow">
      <h2 id="children-title">Children</h2>
      <FlowCounts counts={counts} testId="flow-counts" />
      {problem && <p role="alert" className="problem">{problem}</p>}
      {children === null && !problem && <p className="muted" aria-busy="true">Loading children…</p>}
      {children && !children.complete && (
        <p className="muted" data-testid="flow-children-capped">
          The first {children.rows.length.toLocaleString('en-US')} of {total.toLocaleString('en-US')} children, newest first.
        </p>
      )}
      {children && children.rows.length === 0 && <p className="empty">No children.</p>}
      {children && children.rows.length > 0 && (
        <ul className="flow-children scroll" aria-label="Children" data-testid="flow-children">
          {children.rows.map((child) => <ChildRow key={child.id} child={child} />)}
        </ul>
      )}
    </section>
  );
}

/** One child; drawn again only when its own row changed (applyToChildren keeps the others as they were). */
const ChildRow = memo(function ChildRow({ child }: { child: Job }) {
  return (
    <li data-job-id={child.id} data-state={child.state}>
      <Link to={paths.job(child.id)} title={child.id}><code>{shortId(child.id)}</code></Link>
      <span className="job-type">{child.type}</span>
      <StateBadge state={child.state} />
      <ProgressBar percent={child.progress.percent} state={child.state} label={`${child.type} ${shortId(child.id)}`}
        message={child.progress.message} testId="flow-child-progress" />
    </li>
  );
});
