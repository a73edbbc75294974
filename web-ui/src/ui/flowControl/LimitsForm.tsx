import { useId, useState, type FormEvent } from 'react';
import { parseLimits, saveErrors, textsOf, type LimitErrors, type LimitName, type Limits, type LimitTexts } from './limitsForm';

const LABELS: Record<LimitName, string> = { concurrency: 'At once', perKey: 'Per key' };

/**
 * A small inline form for limits. It shows the limits set now and follows them as the page
 * refreshes, until a field is edited: then what was typed stays until it is saved. Empty removes
 * a limit. Mistakes, the form's or the API's (a 400 naming the field), show next to the field.
 */
export function LimitsForm({ names, current, save, label, testId }: {
  names: readonly LimitName[];
  current: Limits;
  /** Sends all of the form's limits (one left out is removed); rejects with the API's problem. */
  save: (limits: Limits) => Promise<unknown>;
  /** The form's accessible name, e.g. "Limits of demo.sleep". */
  label: string;
  testId: string;
}) {
  const id = useId();
  const [edited, setEdited] = useState<LimitTexts | null>(null);
  const [errors, setErrors] = useState<LimitErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const texts = edited ?? textsOf(current, names);

  const edit = (name: LimitName, text: string) => {
    setEdited({ ...texts, [name]: text });
    setErrors((shown) => ({ ...shown, [name]: undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    const { limits, errors: found } = parseLimits(texts, names);
    setErrors(found);
    if (!limits) return;
    setBusy(true);
    try {
      await save(limits);
      setEdited(null);
    } catch (error) {
      const failed = saveErrors(error, names);
      setErrors(failed.errors);
      setProblem(failed.problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    // Checked by parseLimits rather than by the browser: a number input would take a typo for empty, which removes the limit.
    <form className="limits-form" aria-label={label} data-testid={testId} onSubmit={submit} noValidate>
      {names.map((name) => {
        const inputId = `${id}-${name}`;
        const errorId = `${inputId}-error`;
        return (
          <div className="limit-field" key={name}>
            <label htmlFor={inputId}>{LABELS[name]}</label>
            <input id={inputId} name={name} inputMode="numeric" size={6} placeholder="none" value={texts[name] ?? ''}
              aria-invalid={errors[name] ? true : undefined} aria-describedby={errors[name] ? errorId : undefined}
              onChange={(event) => edit(name, event.target.value)} />
            {errors[name] && <p id={errorId} className="field-error">{errors[name]}</p>}
          </div>
        );
      })}
      <button type="submit" className="small" disabled={busy}>Set</button>
      {problem && <p role="alert" className="problem">{problem}</p>}
    </form>
  );
}
