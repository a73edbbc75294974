import type { Gates, JobApi } from '../api';
import { heldKeys, heldOfType } from './gates';
import { LimitsForm } from './LimitsForm';
import { PauseButton } from './PauseButton';
import type { ChangeGates } from './useGates';

/** The cells of a type's row in the queues table that show and change its pause and limits. */
export function TypeControls({ api, type, gates, change, onProblem }: {
  api: JobApi;
  type: string;
  gates: Gates | null;
  change: ChangeGates;
  onProblem: (error: unknown) => void;
}) {
  const limits = gates?.types?.[type] ?? {};
  const running = gates?.running?.[`type:${type}`];
  const keys = heldKeys(gates, type);
  return (
    <>
      <td data-label="Held" data-testid={`held-${type}`}>
        <strong>{heldOfType(gates, type)}</strong>
        {keys.length > 0 && <span className="muted"> ({keys.map(([key, n]) => `${key} ${n}`).join(', ')})</span>}
      </td>
      <td data-label="Limits">
        <LimitsForm names={['concurrency', 'perKey']} current={limits} label={`Limits of ${type}`} testId={`limits-${type}`}
          save={(set) => change(() => api.setTypeLimits(type, set))} />
        {running !== undefined && <span className="muted">{running} running</span>}
      </td>
      <td data-label="Pause">
        {/* Unknown until the gates are read: no button that might say the opposite of what is true. */}
        {gates && <PauseButton paused={limits.paused === true} subject={type} testIds={{ pause: `pause-${type}`, resume: `resume-${type}` }}
          onProblem={onProblem} setPaused={(pause) => change(() => (pause ? api.pauseType(type) : api.resumeType(type)))} />}
      </td>
    </>
  );
}
