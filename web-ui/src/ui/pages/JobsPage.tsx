import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { STATES, describeFailure, type Job, type JobApi, type JobState, type ListFilter } from '../api';
import { FeedIndicator } from '../components/FeedIndicator';
import { ProgressBar } from '../components/ProgressBar';
import { StateBadge } from '../components/StateBadge';
import { FlowCounts } from '../flow/FlowCounts';
import { childCountsOf, groupUnderParents, isFlow } from '../flow/flowChildren';
import { PartOfFlow } from '../flow/PartOfFlow';
import { formatAge, jobDuration, shortId, useNow } from '../format';
import { applyToRows } from '../jobsTable';
import { useLive } from '../live';
import { Link, navigate, paths } from '../router';
import { useJobTypes } from './useJobTypes';

const PAGE_SIZE = 20;

/** The jobs, newest first: filters in the address, pages by cursor, rows kept live by the all-jobs feed. */
export function JobsPage({ api, search }: { api: JobApi; search: string }) {
  const query = new URLSearchParams(search);
  const filter: ListFilter = {
    state: (query.get('state') as JobState | null) || undefined,
    type: query.get('type') || undefined,
    tag: query.get('tag') || undefined,
  };
  const cursor = query.get('cursor') || undefined;
  const live = useLive();
  const now = useNow(1000);
  const types = useJobTypes(api);
  const [rows, setRows] = useState<Job[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [actionProblem, setActionProblem] = useState<string | null>(null);
  const filterKey = `${filter.state ?? ''}|${filter.type ?? ''}|${filter.tag ?? ''}|${cursor ?? ''}`;
  const filterRef = useRef(filter);
  filterRef.current = filter;

  useEffect(() => {
    let cancelled = false;
    setRows(null);
    setProblem(null);
    api.listJobs(filterRef.current, cursor, PAGE_SIZE).then((page) => {
      if (cancelled) return;
      // Events that came while the page was read: rows take only what is newer than they show.
      setRows(applyToRows(page.jobs ?? [], live.recent(), filterRef.current, false));
      setNext(page.next ?? null);
    }, (error) => !cancelled && setProblem(describeFailure(error)));
    return () => {
      cancelled = true;
    };
    // filterKey stands for the filter and cursor (read through filterRef): a new one reads the page again.
  }, [api, filterKey, cursor, live.recent]);

  const { onEvents } = live;
  useEffect(() => onEvents((events) => {
    setRows((current) => (current ? applyToRows(current, events, filterRef.current, !cursor) : current));
  }), [onEvents, cursor]);

  const setFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params = new URLSearchParams();
    for (const name of ['state', 'type', 'tag']) {
      const value = String(form.get(name) ?? '').trim();
      if (value) params.set(name, value);
    }
    navigate(paths.jobs(params));
  };
  const page = (to: string | null) => {
    const params = new URLSearchParams(query);
    params.delete('cursor');
    if (to) params.set('cursor', to);
    navigate(paths.jobs(params));
  };

  const act = useCallback(async (action: 'cancel' | 'retry', id: string) => {
    setActionProblem(null);
    try {
      const job = await (action === 'cancel' ? api.cancel(id) : api.retry(id));
      setRows((current) => current?.map((row) => (row.id === id && job.lastSeq >= row.lastSeq ? { ...row, ...job } : row)) ?? current);
    } catch (error) {
      setActionProblem(describeFailure(error));
    }
  }, [api]);

  return (
    <section aria-labelledby="jobs-title">
      <div className="page-head">
        <h1 id="jobs-title">Jobs</h1>
        <FeedIndicator status={live.status} compact />
      </div>
      <form className="filters" onSubmit={setFilter} key={filterKey} aria-label="Filter jobs">
        <label>
          State
          <select name="state" defaultValue={filter.state ?? ''}>
            <option value="">any</option>
            {STATES.map((state) => <option key={state}>{state}</option>)}
          </select>
        </label>
        <label>
          Type
          {/* Keyed by the types (not the whole form, which would drop what is being typed when they
              arrive): a type from the address is selected once its option exists. */}
          <select name="type" defaultValue={filter.type ?? ''} key={types.length}>
            <option value="">any</option>
            {types.map((type) => <option key={type.type}>{type.type}</option>)}
            {filter.type && !types.some((t) => t.type === filter.type) && <option>{filter.type}</option>}
          </select>
        </label>
        <label>
          Tag
          <input name="tag" defaultValue={filter.tag ?? ''} placeholder="any" spellCheck={false} />
        </label>
        <button type="submit">Filter</button>
        {(filter.state || filter.type || filter.tag) && (
          <button type="button" className="secondary" onClick={() => navigate(paths.jobs())}>Clear</button>
        )}
      </form>
      {problem && <p role="alert" className="problem">{problem}</p>}
      {actionProblem && <p role="alert" className="problem">{actionProblem}</p>}
      {rows === null && !problem && <p className="muted" aria-busy="true">Loading jobs…</p>}
      {rows !== null && rows.length === 0 && (
        <p className="empty">No jobs{filter.state || filter.type || filter.tag ? ' match these filters' : ' yet'}. <Link to={paths.submit()}>Submit one</Link>.</p>
      )}
      {rows !== null && rows.length > 0 && <JobsTable rows={rows} now={now} onAction={act} />}
      <nav className="pager" aria-label="Pages">
        <button type="button" className="secondary" disabled={!cursor} onClick={() => page(null)}>Newest</button>
        <button type="button" className="secondary" disabled={!next} onClick={() => page(next)}>Older</button>
      </nav>
    </section>
  );
}

const CANCELLABLE = new Set<JobState>(['QUEUED', 'SCHEDULED', 'RUNNING']);
const RETRYABLE = new Set<JobState>(['DEAD', 'CANCELLED', 'FAILED']);

function JobsTable({ rows, now, onAction }: { rows: Job[]; now: number; onAction: (action: 'cancel' | 'retry', id: string) => void }) {
  // Up/down arrows (or j/k) move between rows; Enter opens the focused job.
  const moveFocus = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const delta = event.key === 'ArrowDown' || event.key === 'j' ? 1 : event.key === 'ArrowUp' || event.key === 'k' ? -1 : 0;
    if (!delta) return;
    const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>('a.row-link')];
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const target = links[Math.min(links.length - 1, Math.max(0, index + delta))];
    if (target) {
      event.preventDefault();
      target.focus();
    }
  };
  return (
    <table className="jobs" data-testid="jobs-table">
      <caption className="visually-hidden">Jobs, newest first, a flow's children under it; arrow keys move between rows</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">State</th>
          <th scope="col" className="col-progress">Progress</th>
          <th scope="col">Attempt</th>
          <th scope="col">Duration</th>
          <th scope="col">Created</th>
          <th scope="col"><span className="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody onKeyDown={moveFocus}>
        {groupUnderParents(rows).map(({ job, depth }) => (
          <tr key={job.id} data-job-id={job.id} data-state={job.state} className={depth > 0 ? 'flow-child' : undefined}>
            <td data-label="Job">
              {depth > 0 && <span className="flow-branch" aria-hidden="true">↳</span>}
              <Link to={paths.job(job.id)} className="row-link"><code>{shortId(job.id)}</code></Link>{' '}
              <span className="job-type">{job.type}</span>
              {job.parent && <PartOfFlow parent={job.parent} compact />}
              {job.tags.length > 0 && <span className="tags">{job.tags.map((tag) => <span key={tag} className="tag">{tag}</span>)}</span>}
              <FlowCounts counts={childCountsOf(job)} />
            </td>
            <td data-label="State"><StateBadge state={job.state} /></td>
            <td data-label="Progress" className="col-progress">
              <ProgressBar percent={job.progress.percent} state={job.state} label={`Progress of job ${shortId(job.id)}`} message={job.progress.message} />
            </td>
            <td data-label="Attempt">{job.attempt}{job.maxAttempts ? ` / ${job.maxAttempts}` : ''}</td>
            <td data-label="Duration">{jobDuration(job, now)}</td>
            <td data-label="Created"><time dateTime={job.createdAt}>{formatAge(job.createdAt, now)}</time></td>
            <td className="row-actions">
              {CANCELLABLE.has(job.state) && !job.cancelRequested && (
                <button type="button" className="small secondary" onClick={() => onAction('cancel', job.id)} aria-label={`Cancel job ${shortId(job.id)}`}>Cancel</button>
              )}
              {RETRYABLE.has(job.state) && !isFlow(job) && (
                <button type="button" className="small secondary" onClick={() => onAction('retry', job.id)} aria-label={`Retry job ${shortId(job.id)}`}>Retry</button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
