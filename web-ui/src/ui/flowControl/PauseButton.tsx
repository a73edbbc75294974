import { useState } from 'react';

/**
 * Pause or Resume, whichever applies now. Its test id says which (`pause-<type>` or
 * `resume-<type>`), so that a test waits for the one it means to click.
 */
export function PauseButton({ paused, subject, testIds, text = { pause: 'Pause', resume: 'Resume' }, setPaused, onProblem }: {
  paused: boolean;
  /** What it pauses, for the accessible name ("Pause demo.sleep"). */
  subject: string;
  testIds: { pause: string; resume: string };
  text?: { pause: string; resume: string };
  setPaused: (paused: boolean) => Promise<unknown>;
  /** Told of a failure, and of null when a click starts (a new try clears the last failure). */
  onProblem: (error: unknown) => void;
}) {
  const [busy, setBusy] = useState(false);
  const click = async () => {
    setBusy(true);
    onProblem(null);
    try {
      await setPaused(!paused);
    } catch (error) {
      onProblem(error);
    } finally {
      setBusy(false);
    }
  };
  const label = paused ? text.resume : text.pause;
  return (
    <button type="button" className="small secondary" onClick={click} disabled={busy}
      aria-label={`${paused ? 'Resume' : 'Pause'} ${subject}`} data-testid={paused ? testIds.resume : testIds.pause}>
      {label}
    </button>
  );
}
