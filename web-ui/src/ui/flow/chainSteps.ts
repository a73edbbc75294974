import type { Job } from '../api';
import { shortId } from '../format';

/**
 * A chain's steps in the order they run, or null when the children are not a chain. The API
 * tells a chain only by `after`: each step from the second on takes the result of the step
 * before it, a sibling. Children of a group that itself waits carry `after` too, but naming a job
 * outside the group, so a group never reads as a chain. (A one-step chain reads as a group: there
 * is nothing to number.) The order comes from the links, not the listing, so it holds whichever
 * order the children were listed in.
 */
export function chainSteps(children: readonly Job[]): Job[] | null {
  if (children.length < 2) return null;
  const ids = new Set(children.map((child) => child.id));
  const nextOf = new Map<string, Job>();
  let first: Job | undefined;
  for (const child of children) {
    if (child.after !== undefined && child.after !== child.id && ids.has(child.after)) {
      if (nextOf.has(child.after)) return null; // two steps after one: not a line
      nextOf.set(child.after, child);
    } else if (first) {
      return null; // two children that wait for no sibling: a group
    } else {
      first = child;
    }
  }
  const steps: Job[] = [];
  for (let step = first; step && steps.length < children.length; step = nextOf.get(step.id)) steps.push(step);
  return steps.length === children.length ? steps : null;
}

/**
 * What a child that waits is waiting for, shown where its progress bar would be: a chain's step
 * waits for a step of the same chain ("waits for step 2"; `steps` in order, null for a group), the
 * first step of a waiting chain or a child of a waiting group for a job outside it, and a child
 * scheduled by time for that time. Null for a child that does not wait.
 */
export function waitLabel(child: Pick<Job, 'state' | 'after' | 'runAt'>, steps: readonly Pick<Job, 'id'>[] | null): string | null {
  if (child.state !== 'SCHEDULED') return null;
  if (child.after) {
    const index = steps?.findIndex((step) => step.id === child.after) ?? -1;
    return index >= 0 ? `waits for step ${index + 1}` : `waits for ${shortId(child.after)}`;
  }
  return child.runAt ? `runs at ${new Date(child.runAt).toLocaleString()}` : null;
}
