import { useEffect, useState, type FormEvent } from 'react';
import { ProblemError, streamToken, submitJob } from './client/api';
import { followJob } from './client/followJob';
import { applyEvent, emptyView, type JobView } from './client/jobView';
import { initialApiKey, storeApiKey, takeKeyFromLink } from './apiKey';

export function App() {
  const [apiKey, setApiKey] = useState(initialApiKey);
  const [steps, setSteps] = useState(20);
  const [stepMillis, setStepMillis] = useState(200);
  const [job, setJob] = useState<JobView | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  // A key link opened in a tab that already shows the page only changes the hash.
  useEffect(() => {
    const onHashChange = () => {
      const key = takeKeyFromLink();
      if (key) setApiKey(key);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const jobId = job?.jobId;
  useEffect(() => {
    if (!jobId || !token) return undefined;
    return followJob(jobId, {
      token,
      onEvent: (event) => setJob((view) => (view ? applyEvent(view, event) : view)),
      onError: (p) => setProblem(`${p.title}${p.detail ? ': ' + p.detail : ''}`),
    });
  }, [jobId, token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    setSubmitting(true);
    try {
      const accepted = await submitJob(apiKey, 'demo.sleep', { steps, stepMillis });
      setToken(await streamToken(apiKey, [accepted.id]));
      setJob(emptyView(accepted.id));
    } catch (error) {
      setProblem(error instanceof ProblemError ? error.message : `The gateway cannot be reached (${error}).`);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <main>
      <header>
        <h1>Jobcast</h1>
        <p className="tagline">Background jobs with live progress.</p>
      </header>

      <section aria-labelledby="settings">
        <h2 id="settings">API key</h2>
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(e) => {
              setApiKey(e.target.value);
              storeApiKey(e.target.value);
            }}
            placeholder="printed by ./jobcast run"
          />
        </label>
      </section>

      <section aria-labelledby="demo">
        <h2 id="demo">Run a demo job</h2>
        <form onSubmit={submit}>
          <label>
            steps
            <input
              type="number"
              min={1}
              max={1000}
              value={numberValue(steps)}
              onChange={(e) => setSteps(e.target.valueAsNumber)}
            />
          </label>
          <label>
            stepMillis
            <input
              type="number"
              min={0}
              max={60000}
              value={numberValue(stepMillis)}
              onChange={(e) => setStepMillis(e.target.valueAsNumber)}
            />
          </label>
          <button type="submit" disabled={submitting || !apiKey}>
            Submit demo.sleep
          </button>
        </form>
        {problem && (
          <p role="alert" className="problem">
            {problem}
          </p>
        )}
      </section>

      {job && <JobPanel job={job} />}
    </main>
  );
}

function JobPanel({ job }: { job: JobView }) {
  return (
    <section aria-labelledby="job" className="job">
      <h2 id="job">
        Job <code>{job.jobId}</code>
      </h2>
      <label htmlFor="job-progress">
        Progress <span data-testid="job-percent">{job.percent}%</span>
      </label>
      <progress
        id="job-progress"
        data-testid="job-progress"
        max={100}
        value={job.percent}
        aria-valuetext={`${job.percent}% — ${job.message}`}
      />
      <p>
        <span className={`state state-${job.state.toLowerCase()}`} data-testid="job-state">
          {job.state}
        </span>{' '}
        attempt {job.attempt} · {job.message}
      </p>
      {job.state === 'SUCCEEDED' && (
        <pre data-testid="job-result">{JSON.stringify(job.result, null, 2)}</pre>
      )}
      {job.error && <p className="problem">{job.error}</p>}
      <details>
        <summary>{job.events.length} events</summary>
        <ol className="events">
          {job.events.map((e) => (
            <li key={e.seq}>
              <code>#{e.seq}</code> {e.type} {e.type === 'state' ? e.state : `${e.percent}%`} {e.message}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

/** An emptied number input gives NaN, which React will not put in a value attribute. */
function numberValue(n: number): number | string {
  return Number.isNaN(n) ? '' : n;
}
