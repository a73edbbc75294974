import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { ProblemError, describeFailure, type JobApi } from '../api';
import { Link, navigate, paths } from '../router';
import { buildSubmission, jsonError, serverFieldErrors, type FieldErrors, type SubmitFields } from '../submitForm';
import { useJobTypes } from './useJobTypes';

const DEMO_BATCH = 100;
const DEMO_FLOW = 10;

/** One job, a batch of DEMO_BATCH copies, or a flow of DEMO_FLOW copies under one parent. */
type HowMany = 'one' | 'batch' | 'flow';

const EMPTY: SubmitFields = { type: '', payload: '{}', priority: '', delay: '', maxAttempts: '', timeout: '', tags: '' };

/** A form for any job type the workers offer, its payload edited as JSON and checked as you type. */
export function SubmitPage({ api }: { api: JobApi }) {
  const types = useJobTypes(api);
  const [fields, setFields] = useState<SubmitFields>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [batch, setBatch] = useState<{ accepted: number; rejected: number; tag: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = types.find((type) => type.type === fields.type);

  // Start from the first type and its example payload once the types are known.
  useEffect(() => {
    if (!fields.type && types.length > 0) {
      const first = types.find((type) => type.type === 'demo.sleep') ?? types[0];
      setFields((current) => ({ ...current, type: first.type ?? '', payload: examplePayload(first.example) }));
    }
  }, [types, fields.type]);

  const set = (name: keyof SubmitFields, value: string) => {
    setFields((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: name === 'payload' ? jsonError(value) ?? undefined : undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>, how: HowMany) => {
    event.preventDefault();
    setProblem(null);
    setBatch(null);
    const { submission, errors: found } = buildSubmission(fields);
    setErrors(found);
    if (!submission) return;
    setBusy(true);
    try {
      if (how === 'one') {
        const job = await api.submit(submission);
        navigate(paths.job(job.id));
        return;
      }
      if (how === 'flow') {
        const accepted = await api.submitFlow({ children: Array.from({ length: DEMO_FLOW }, () => submission) });
        navigate(paths.job(accepted.flow.id));
        return;
      }
      // A tag of their own, so the list can show just this batch.
      const tag = `demo-${Date.now().toString(36)}`;
      const tagged = { ...submission, tags: [...(submission.tags ?? []).slice(0, 9), tag] };
      const result = await api.submitBatch(Array.from({ length: DEMO_BATCH }, () => tagged));
      setBatch({ accepted: result.accepted ?? 0, rejected: result.rejected ?? 0, tag });
      const firstProblem = result.results?.find((item) => item.problem)?.problem;
      if (firstProblem) showProblem(new ProblemError(firstProblem));
    } catch (error) {
      showProblem(error);
    } finally {
      setBusy(false);
    }
  };

  const showProblem = (error: unknown) => {
    if (error instanceof ProblemError) {
      const { fields: byField, other } = serverFieldErrors(error.problem.errors);
      setErrors((current) => ({ ...current, ...byField }));
      setProblem([error.message, ...other].join(' '));
    } else {
      setProblem(describeFailure(error));
    }
  };

  return (
    <section aria-labelledby="submit-title">
      <h1 id="submit-title">Submit a job</h1>
      <form className="card submit-form" noValidate onSubmit={(e) => submit(e, 'one')}>
        <Field label="Job type" error={errors.type}>
          {(props) => (
            <select {...props} value={fields.type} onChange={(e) => {
              const type = types.find((t) => t.type === e.target.value);
              setFields((current) => ({ ...current, type: e.target.value, payload: examplePayload(type?.example) }));
              setErrors({});
            }}>
              {types.length === 0 && <option value="">loading…</option>}
              {types.map((type) => <option key={type.type} value={type.type}>{type.type}</option>)}
            </select>
          )}
        </Field>
        {chosen?.description && <p className="muted hint">{chosen.description}</p>}
        <Field label="Payload (JSON)" error={errors.payload} wide>
          {(props) => (
            <textarea {...props} rows={8} spellCheck={false} className="code" value={fields.payload}
              onChange={(e) => set('payload', e.target.value)} />
          )}
        </Field>
        <fieldset className="options">
          <legend>Options <span className="muted">(empty: the type's default)</span></legend>
          <Field label="Priority (0–9)" error={errors.priority}>
            {(props) => <input {...props} inputMode="numeric" placeholder="5" value={fields.priority} onChange={(e) => set('priority', e.target.value)} />}
          </Field>
          <Field label="Delay" error={errors.delay}>
            {(props) => <input {...props} placeholder="e.g. 30s" value={fields.delay} onChange={(e) => set('delay', e.target.value)} />}
          </Field>
          <Field label="Attempts (1–25)" error={errors.maxAttempts}>
            {(props) => <input {...props} inputMode="numeric" placeholder={chosen?.maxAttempts ? String(chosen.maxAttempts) : '3'} value={fields.maxAttempts} onChange={(e) => set('maxAttempts', e.target.value)} />}
          </Field>
          <Field label="Time limit" error={errors.timeout}>
            {(props) => <input {...props} placeholder={chosen?.timeoutMs ? `${chosen.timeoutMs}ms` : 'none'} value={fields.timeout} onChange={(e) => set('timeout', e.target.value)} />}
          </Field>
          <Field label="Tags" error={errors.tags}>
            {(props) => <input {...props} placeholder="comma separated" value={fields.tags} onChange={(e) => set('tags', e.target.value)} />}
          </Field>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={busy || !fields.type}>Submit</button>
          <button type="button" className="secondary" disabled={busy || !fields.type}
            onClick={(e) => submit(e as unknown as FormEvent<HTMLFormElement>, 'batch')}>
            Submit {DEMO_BATCH}
          </button>
          <button type="button" className="secondary" disabled={busy || !fields.type}
            onClick={(e) => submit(e as unknown as FormEvent<HTMLFormElement>, 'flow')}>
            Submit a flow of {DEMO_FLOW}
          </button>
        </div>
        {problem && <p role="alert" className="problem">{problem}</p>}
        {batch && (
          <p role="status" className="notice" data-testid="batch-result">
            {batch.accepted} accepted, {batch.rejected} refused.{' '}
            <Link to={paths.jobs(new URLSearchParams({ tag: batch.tag }))}>Watch them</Link>
          </p>
        )}
      </form>
    </section>
  );
}

/** A labelled control with its error shown inline and announced (aria-invalid, aria-describedby). */
function Field({ label, error, wide = false, children }: {
  label: string;
  error?: string;
  wide?: boolean;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={wide ? 'field field-wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': error ? errorId : undefined })}
      {error && <p id={errorId} className="field-error">{error}</p>}
    </div>
  );
}

function examplePayload(example: unknown): string {
  return JSON.stringify(example ?? {}, null, 2);
}
