import { useEffect, useState } from 'react';
import { describeFailure, type JobApi } from '../api';
import { useLive } from '../live';
import { applyToChildren, loadChildren, type LoadedChildren } from './flowChildren';

/**
 * A flow's children, read once (`GET /api/v1/jobs?parent=`, up to MAX_CHILD_ROWS) and kept live by
 * the page's one all-jobs feed, filtered to them: no stream of their own.
 */
export function useFlowChildren(api: JobApi, parentId: string): { children: LoadedChildren | null; problem: string | null } {
  const { onEvents, recent, following } = useLive();
  const [children, setChildren] = useState<LoadedChildren | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setChildren(null);
    setProblem(null);
    // Read once the feed follows, so that every change after the read reaches the rows.
    following().then(() => loadChildren(api.listChildren, parentId)).then((loaded) => {
      if (cancelled) return;
      // Events that came while the pages were read: a child takes only what is newer than it shows.
      setChildren({ ...loaded, rows: applyToChildren(loaded.rows, recent()) });
    }, (error) => !cancelled && setProblem(describeFailure(error)));
    return () => {
      cancelled = true;
    };
  }, [api, parentId, recent, following]);

  useEffect(() => onEvents((events) => setChildren((current) => {
    if (!current) return current;
    const rows = applyToChildren(current.rows, events);
    return rows === current.rows ? current : { ...current, rows };
  })), [onEvents]);

  return { children, problem };
}
