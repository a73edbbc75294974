import type { ChildCounts } from '../api';
import { countsByState } from './flowChildren';

/** A flow's children counted by state, as a legend: "5 succeeded · 3 running · 8 in all" (nothing for other jobs). */
export function FlowCounts({ counts, testId }: { counts: ChildCounts | undefined; testId?: string }) {
  if (!counts) return null;
  return (
    <ul className="legend flow-counts" aria-label="Children by state" data-testid={testId} data-total={counts.total}>
      {countsByState(counts).map(({ state, count }) => (
        <li key={state} data-state={state} data-count={count}>
          <span className={`swatch line-${state.toLowerCase()}`} aria-hidden="true" />
          {count} {state.toLowerCase()}
        </li>
      ))}
      <li data-state="total" data-count={counts.total}>{counts.total} in all</li>
    </ul>
  );
}
