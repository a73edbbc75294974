import { useCallback, useEffect, useRef, useState } from 'react';
import { describeFailure, type Gates, type JobApi } from '../api';

/**
 * The tenant's limits and pauses, read again every `refreshMs`, and `change` to set them (every
 * change answers the gates as they are after it, which are shown at once).
 */
export function useGates(api: JobApi, refreshMs: number) {
  const [gates, setGates] = useState<Gates | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Bumped when a change starts and when it ends: a read that overlapped a change may show the
  // gates from before it, and would flip a Resume button back to Pause until the next read.
  const version = useRef(0);
  const latestChange = useRef(0);

  useEffect(() => {
    let cancelled = false;
    const refresh = () => {
      const seen = version.current;
      api.limits().then((answer) => {
        if (cancelled || version.current !== seen) return;
        setGates(answer);
        setProblem(null);
      }, (error) => !cancelled && setProblem(describeFailure(error)));
    };
    refresh();
    const timer = setInterval(refresh, refreshMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, refreshMs]);

  /** Runs a call that answers the gates and shows its answer; rejects as the call does, for the control that made it to show. */
  const change = useCallback(async (call: () => Promise<Gates>): Promise<Gates> => {
    const mine = ++latestChange.current;
    version.current++;
    try {
      const answer = await call();
      // Of two changes in flight, the one made last has the newer answer.
      if (latestChange.current === mine) setGates(answer);
      return answer;
    } finally {
      version.current++;
    }
  }, []);

  return { gates, problem, change };
}

export type ChangeGates = ReturnType<typeof useGates>['change'];
