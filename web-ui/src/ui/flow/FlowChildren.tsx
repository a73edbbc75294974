import { memo, useMemo } from 'react';
import type { ChildCounts, Job, JobApi } from '../api';
import { ProgressBar } from '../components/ProgressBar';
import { StateBadge } from '../components/StateBadge';
import { shortId } from '../format';
import { Link, paths } from '../router';
import { chainSteps, waitLabel } from './chainSteps';
import { FlowCounts } from './FlowCounts';
import { childCountsOf, isFlow } from './flowChildren';
import { useFlowChildren } from './useFlowChildren';

/**
 * A flow parent's children: their counts by state (from the parent's own events, exact however
 * many are listed) and a live progress bar for each child listed. A chain's children are its
 * steps, numbered in the order they run; a child that is a group or chain itself shows its own
 * counts and links to its page, where its children are.
 */
export function FlowChildren({ api, parentId, counts }: { api: JobApi; parentId: string; counts?: ChildCounts }) {
  const { children, problem } = useFlowChildren(api, parentId);
  // `after` never changes, so the order holds while the rows move with their events.
  const steps = useMemo(() => (children ? chainSteps(children.rows) : null), [children]);
  const total = Math.max(counts?.total ?? 0, children?.rows.length ?? 0);
  const noun = steps ? 'steps' : 'children';
  const List = steps ? 'ol' : 'ul';
  return (
    <section aria-labelledby="children-title" className="card flow">
      <h2 id="children-title">{steps ? 'Steps' : 'Children'}</h2>
      <FlowCounts counts={counts} testId="flow-counts" />
      {problem && <p role="alert" className="problem">{problem}</p>}
      {children === null && !problem && <p className="muted" aria-busy="true">Loading children…</p>}
      {children && !children.complete && (
        <p className="muted" data-testid="flow-children-capped">
          The first {children.rows.length.toLocaleString('en-US')} of {total.toLocaleString('en-US')} {noun}, in the order submitted.
        </p>
      )}
      {children && children.rows.length === 0 && <p className="empty">No children.</p>}
      {children && children.rows.length > 0 && (
        <List className={steps ? 'flow-children flow-steps scroll' : 'flow-children scroll'} aria-label={steps ? 'Steps' : 'Children'}
          data-testid="flow-children">
          {(steps ?? children.rows).map((child, index) => (
            <ChildRow key={child.id} child={child} step={steps ? index + 1 : undefined} waiting={waitLabel(child, steps)} />
          ))}
        </List>
      )}
    </section>
  );
}

/**
 * One child; drawn again only when its own row changed (applyToChildren keeps the others as they
 * were). A child that waits says what for where its bar would be: it has no progress yet.
 */
const ChildRow = memo(function ChildRow({ child, step, waiting }: { child: Job; step?: number; waiting: string | null }) {
  const nested = isFlow(child);
  return (
    <li data-job-id={child.id} data-state={child.state} data-step={step} className={nested ? 'nested-flow' : undefined}>
      {step !== undefined && <span className="flow-step">Step {step}</span>}
      <Link to={paths.job(child.id)} title={child.id}><code>{shortId(child.id)}</code></Link>
      <span className="job-type">{child.type}</span>
      <StateBadge state={child.state} />
      {waiting
        ? <span className="flow-wait muted" data-testid="flow-child-waits">{waiting}</span>
        : <ProgressBar percent={child.progress.percent} state={child.state} label={`${step ? `Step ${step}, ` : ''}${child.type} ${shortId(child.id)}`}
          message={child.progress.message} testId="flow-child-progress" />}
      {nested && <FlowCounts counts={childCountsOf(child)} testId="flow-child-counts" />}
    </li>
  );
});
