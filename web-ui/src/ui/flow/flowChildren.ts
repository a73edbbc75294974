import type { JobEvent } from '../../jobcast-client';
import { STATES, type ChildCounts, type Job, type JobApi, type JobState } from '../api';
import { applyToJob } from '../jobsTable';

/** The most children a flow's page lists; their counts are exact all the same (the parent's events carry them). */
export const MAX_CHILD_ROWS = 1000;

/** Children read per request (the API's largest page). */
const CHILD_PAGE = 100;

/** A flow's parent: a job of type `flow`, or one that counts children. */
export function isFlow(job: Pick<Job, 'type' | 'children'> | null | undefined): boolean {
  return job?.type === 'flow' || job?.children !== undefined;
}

/**
 * A flow's counts of children by state, as its latest word has them: the parent's latest event
 * that carries them, or the job as read when that is newer (or no event carried them yet).
 */
export function latestChildCounts(events: readonly JobEvent[], job?: Pick<Job, 'lastSeq' | 'children'> | null): ChildCounts | undefined {
  let event: JobEvent | undefined;
  for (let index = events.length - 1; index >= 0 && !event; index--) if (events[index].children) event = events[index];
  if (event?.children && (!job?.children || event.seq >= job.lastSeq)) return event.children;
  return childCountsOf(job);
}

/** A job's counts of children by state as the API read them (a flow's parent has them; other jobs do not). */
export function childCountsOf(job: Pick<Job, 'children'> | null | undefined): ChildCounts | undefined {
  return job?.children ? { ...job.children, total: job.children.total ?? 0 } : undefined;
}

/** The states a flow's children are in, in the order of a job's life, with how many are in each. */
export function countsByState(counts: ChildCounts): { state: JobState; count: number }[] {
  return STATES.filter((state) => (counts[state] ?? 0) > 0).map((state) => ({ state, count: counts[state] }));
}

/**
 * Live events applied to a flow's children: events of other jobs are passed over, and a child
 * takes only events newer than it shows (see applyToJob). The same array when nothing changed.
 */
export function applyToChildren(children: Job[], events: readonly JobEvent[]): Job[] {
  let positions: Map<string, number> | undefined;
  let next = children;
  for (const event of events) {
    positions ??= new Map(children.map((child, index) => [child.id, index]));
    const index = positions.get(event.jobId);
    if (index === undefined) continue;
    const updated = applyToJob(next[index], event);
    if (updated !== next[index]) {
      next = next === children ? [...children] : next;
      next[index] = updated;
    }
  }
  return next;
}

/** A flow's children as read: the first `max` (in the order submitted), and whether that is all of them. */
export interface LoadedChildren {
  rows: Job[];
  complete: boolean;
}

/** Reads a flow's children page by page (`next`), up to `max` of them. */
export async function loadChildren(listChildren: JobApi['listChildren'], parent: string, max = MAX_CHILD_ROWS): Promise<LoadedChildren> {
  const rows: Job[] = [];
  let cursor: string | undefined;
  do {
    const page = await listChildren(parent, cursor, Math.min(CHILD_PAGE, max - rows.length));
    rows.push(...page.jobs ?? []);
    cursor = page.next ?? undefined;
  } while (cursor && rows.length < max);
  return { rows: rows.slice(0, max), complete: !cursor };
}

/** A row of the jobs table, and how deep it sits under flows shown on the same page. */
export interface GroupedRow {
  job: Job;
  depth: number;
}

/**
 * The rows of a jobs page with each flow's children that are on the page moved right under it
 * (nested flows nest deeper); every other row keeps its place.
 */
export function groupUnderParents(rows: readonly Job[]): GroupedRow[] {
  const onPage = new Set(rows.map((job) => job.id));
  const underParent = (job: Job) => job.parent !== undefined && job.parent !== job.id && onPage.has(job.parent);
  const childrenOf = new Map<string, Job[]>();
  for (const job of rows) {
    if (!underParent(job)) continue;
    const siblings = childrenOf.get(job.parent!);
    if (siblings) siblings.push(job);
    else childrenOf.set(job.parent!, [job]);
  }
  const grouped: GroupedRow[] = [];
  const place = (job: Job, depth: number) => {
    grouped.push({ job, depth });
    for (const child of childrenOf.get(job.id) ?? []) place(child, depth + 1);
  };
  for (const job of rows) if (!underParent(job)) place(job, 0);
  if (grouped.length < rows.length) { // parents that name each other: impossible, but no row may vanish
    const placed = new Set(grouped.map((row) => row.job));
    for (const job of rows) if (!placed.has(job)) grouped.push({ job, depth: 0 });
  }
  return grouped;
}
