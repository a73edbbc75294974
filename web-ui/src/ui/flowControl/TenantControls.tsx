import type { Gates, JobApi } from '../api';
import { heldOfTenant } from './gates';
import { LimitsForm } from './LimitsForm';
import { PauseButton } from './PauseButton';
import type { ChangeGates } from './useGates';

/** All of the tenant's jobs: the pause of them all, and how many may run at once. */
export function TenantControls({ api, gates, change, onProblem }: {
  api: JobApi;
  gates: Gates;
  change: ChangeGates;
  onProblem: (error: unknown) => void;
}) {
  const paused = gates.paused === true;
  const running = gates.running?.tenant;
  const held = heldOfTenant(gates);
  return (
    <div className="tenant-controls" data-testid="tenant-controls" data-paused={String(paused)}>
      <strong>All your jobs</strong>
      {paused && <span className="badge badge-paused">Paused</span>}
      <PauseButton paused={paused} subject="all your jobs" testIds={{ pause: 'tenant-pause', resume: 'tenant-resume' }}
        text={{ pause: 'Pause all', resume: 'Resume all' }} onProblem={onProblem}
        setPaused={(pause) => change(() => (pause ? api.pauseAll() : api.resumeAll()))} />
      <LimitsForm names={['concurrency']} current={{ concurrency: gates.concurrency }} label="Limit of all your jobs" testId="tenant-limits"
        save={(limits) => change(() => api.setTenantLimit(limits.concurrency))} />
      <span className="muted" data-testid="tenant-counts">
        {running !== undefined && `${running} running · `}{held} held
      </span>
    </div>
  );
}
