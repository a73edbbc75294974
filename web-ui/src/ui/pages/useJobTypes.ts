import { useEffect, useState } from 'react';
import type { JobApi, JobTypeInfo } from '../api';

/** The job types the workers registered (empty until known, or when the call fails). */
export function useJobTypes(api: JobApi): JobTypeInfo[] {
  const [types, setTypes] = useState<JobTypeInfo[]>([]);
  useEffect(() => {
    let cancelled = false;
    api.jobTypes().then((answer) => !cancelled && setTypes(answer), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [api]);
  return types;
}
