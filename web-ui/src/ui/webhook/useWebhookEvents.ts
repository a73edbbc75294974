import { useEffect, useState } from 'react';
import type { JobEvent } from '../../jobcast-client';
import { useLive } from '../live';
import { webhookEventsOf } from './webhookStatus';

/**
 * A job's webhook tries from the page's all-jobs feed: those of the last minutes, then each as it
 * comes. The job's own feed cannot carry them, for it ends with the terminal event they follow.
 */
export function useWebhookEvents(jobId: string): JobEvent[] {
  const { onEvents, recent } = useLive();
  const [events, setEvents] = useState<JobEvent[]>([]);

  useEffect(() => {
    setEvents(webhookEventsOf(recent(), jobId));
    return onEvents((batch) => {
      const tries = webhookEventsOf(batch, jobId);
      if (tries.length > 0) setEvents((current) => [...current, ...tries]);
    });
  }, [jobId, onEvents, recent]);

  return events;
}
