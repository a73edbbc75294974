import { useId } from 'react';

/** A labelled HTML5 <progress>: the label names the job, the value text says percent and message. */
export function ProgressBar({ percent, label, message, state, large = false, testId }: {
  percent: number;
  /** Colours the bar by how the job ended. */
  state?: string;
  label: string;
  message?: string;
  large?: boolean;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className={large ? 'progress progress-large' : 'progress'} data-state={state}>
      <label htmlFor={id} className={large ? undefined : 'visually-hidden'}>
        {label}
      </label>
      <progress
        id={id}
        max={100}
        value={percent}
        data-testid={testId}
        aria-valuetext={message ? `${percent}% — ${message}` : `${percent}%`}
      >
        {percent}%
      </progress>
      <span className="progress-percent" aria-hidden="true">{percent}%</span>
    </div>
  );
}
