import type { JobState } from '../api';

export function StateBadge({ state, testId }: { state: JobState; testId?: string }) {
  return (
    <span className={`badge badge-${state.toLowerCase()}`} data-testid={testId}>
      {state}
    </span>
  );
}
