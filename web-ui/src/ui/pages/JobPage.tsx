import { useEffect, useMemo, useRef, useState } from 'react';
import {
  INITIAL_STATUS, TRANSPORTS, applyEvents, emptyView, estimateRemainingMs,
  type FeedStatus, type JobView, type TransportName,
} from '../../jobcast-client';
import { describeFailure, type Job, type JobApi } from '../api';
import { FeedIndicator, TRANSPORT_LABELS } from '../components/FeedIndicator';
import { JsonBlock } from '../components/JsonBlock';
import { ProgressBar } from '../components/ProgressBar';
import { StateBadge } from '../components/StateBadge';
import { FlowChildren } from '../flow/FlowChildren';
import { isFlow, latestChildCounts } from '../flow/flowChildren';
import { waitingReason } from '../flowControl/waiting';
import { WaitingNotice } from '../flowControl/WaitingNotice';
import { PartOfFlow } from '../flow/PartOfFlow';
import { TakesResultOf } from '../flow/TakesResultOf';
import { formatClock, formatDuration, formatIsoDuration, useNow } from '../format';
import { useLive } from '../live';
import { OutputsSection } from '../output/OutputsSection';
import { Link, navigate, paths } from '../router';
import { CompletionWebhook } from '../webhook/CompletionWebhook';
import { useWebhookEvents } from '../webhook/useWebhookEvents';
import { latestWebhookStatus, withWebhookEvents } from '../webhook/webhookStatus';
import { Attempts } from './Attempts';

type Choice = 'auto' | TransportName;

/** Rows of the timeline drawn at most: a job may emit thousands of events; the page stays fast. */
const TIMELINE_ROWS = 500;

/**
 * One job: a large progress bar with the time left (or why it waits, when a limit or a pause holds
 * it), the event timeline, attempts, payload and result, cancel and retry, its log and outputs as
 * they are written, and the transport it is followed over, which the user may switch.
 */
export function JobPage({ api, id, search }: { api: JobApi; id: string; search: string }) {
  const live = useLive();
  const now = useNow(1000);
  const choice = transportChoice(new URLSearchParams(search).get('transport'));
  const [job, setJob] = useState<Job | null>(null);
  const [view, setView] = useState<JobView>(() => emptyView(id));
  const [status, setStatus] = useState<FeedStatus>(INITIAL_STATUS);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A retry reopens the feed: the job lives on after its terminal event.
  const [generation, setGeneration] = useState(0);
  const lastSeq = useRef(0);
  lastSeq.current = view.lastSeq;
  const webhookEvents = useWebhookEvents(id);

  useEffect(() => {
    setView(emptyView(id));
    setJob(null);
    setProblem(null);
    lastSeq.current = 0;
  }, [id]);

  // The record, for what events do not carry (payload, options), and again when the job ends.
  useEffect(() => {
    let cancelled = false;
    api.getJob(id).then((answer) => !cancelled && setJob(answer), (error) => !cancelled && setProblem(describeFailure(error)));
    return () => {
      cancelled = true;
    };
  }, [api, id, view.done, generation]);

  // Follow from the last event shown: a switch of transport resumes where the previous one was.
  useEffect(() => {
    const subscription = live.client.followJob(id, {
      after: lastSeq.current,
      transport: choice === 'auto' ? undefined : choice,
      onEvents: (events) => setView((current) => applyEvents(current, events)),
      onStatus: setStatus,
    });
    return () => subscription.close();
  }, [live.client, id, choice, generation]);

  const switchTo = (next: Choice) => {
    const params = new URLSearchParams(search);
    if (next === 'auto') params.delete('transport');
    else params.set('transport', next);
    navigate(`${paths.job(id)}${params.toString() ? '?' + params : ''}`, { replace: true });
  };

  const act = async (action: 'cancel' | 'retry' | 'share') => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      if (action === 'share') {
        const issued = await api.share(id);
        setNotice(`${window.location.origin}${issued.url}`);
      } else if (action === 'cancel') {
        setJob(await api.cancel(id));
      } else {
        setJob(await api.retry(id));
        setGeneration((g) => g + 1);
      }
    } catch (error) {
      setProblem(describeFailure(error));
    } finally {
      setBusy(false);
    }
  };

  const remaining = estimateRemainingMs(view);
  const state = view.lastSeq > 0 ? view.state : job?.state ?? 'QUEUED';
  const childCounts = latestChildCounts(view.events, job);
  // A flow's parent runs nothing: its children (listed live here) are what is retried.
  const flow = isFlow(job) || childCounts !== undefined;
  const cancellable = state === 'QUEUED' || state === 'SCHEDULED' || state === 'RUNNING';
  const retryable = !flow && (state === 'DEAD' || state === 'CANCELLED' || state === 'FAILED');
  const result = view.result ?? job?.result;
  const error = view.error ?? job?.error;
  // The timeline, with the webhook tries that follow the terminal event (they come on the all-jobs feed).
  const timeline = useMemo(() => withWebhookEvents(view.events, webhookEvents), [view.events, webhookEvents]);
  const webhookUrl = job?.onComplete?.url;
  const waiting = waitingReason(view, job);

  return (
    <section aria-labelledby="job-title" className="job-page">
      <p><Link to={paths.jobs()}>← All jobs</Link></p>
      <div className="page-head">
        <h1 id="job-title">
          {job?.type ?? view.events[0]?.jobType ?? 'Job'} <code className="job-id">{id}</code>
        </h1>
        <StateBadge state={state} testId="job-state" />
      </div>
      {job?.parent && <PartOfFlow parent={job.parent} />}
      {job?.after && <TakesResultOf after={job.after} waiting={state === 'SCHEDULED'} />}

      <div className="card">
        {waiting && <WaitingNotice reason={waiting} concurrencyKey={job?.concurrencyKey} />}
        <ProgressBar percent={view.percent} state={state} label={`Progress of job ${id}`} message={view.message} large testId="job-progress" />
        <p className="progress-line">
          <strong data-testid="job-percent">{view.percent}%</strong>
          <span data-testid="job-message">{view.message}</span>
          <span className="muted" data-testid="job-eta">
            {remaining !== null ? `about ${formatDuration(remaining)} left` : ''}
          </span>
        </p>
        <div className="actions">
          <button type="button" onClick={() => act('cancel')} disabled={!cancellable || busy || job?.cancelRequested}>
            {job?.cancelRequested && cancellable ? 'Cancelling…' : 'Cancel'}
          </button>
          <button type="button" onClick={() => act('retry')} disabled={!retryable || busy}>Retry</button>
          <button type="button" className="secondary" onClick={() => act('share')} disabled={busy}>Share link</button>
        </div>
        {notice && <p className="notice">Share link (works without JavaScript): <a href={notice} data-testid="share-link">{notice}</a></p>}
        {problem && <p role="alert" className="problem">{problem}</p>}
      </div>

      {flow && <FlowChildren api={api} parentId={id} counts={childCounts} />}

      <fieldset className="card transports">
        <legend>Follow over</legend>
        <div className="segmented">
          {(['auto', ...TRANSPORTS] as Choice[]).map((option) => (
            <label key={option} className={choice === option ? 'chosen' : undefined}>
              <input type="radio" name="transport" value={option} checked={choice === option} onChange={() => switchTo(option)} />
              {option === 'auto' ? 'Auto (shared)' : TRANSPORT_LABELS[option]}
            </label>
          ))}
        </div>
        <FeedIndicator status={status} />
      </fieldset>

      <div className="columns">
        <section aria-labelledby="timeline-title" className="card">
          <h2 id="timeline-title">Timeline <span className="muted">({timeline.length} events{timeline.length > TIMELINE_ROWS ? `, the latest ${TIMELINE_ROWS} shown` : ''})</span></h2>
          <div className="scroll" tabIndex={0} aria-label="Event timeline">
            <table className="timeline" data-testid="timeline">
              <thead>
                <tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Attempt</th><th scope="col">Event</th><th scope="col">%</th><th scope="col">Message</th></tr>
              </thead>
              <tbody>
                {timeline.slice(-TIMELINE_ROWS).reverse().map((event) => (
                  <tr key={event.seq} data-seq={event.seq}>
                    <td><code>{event.seq}</code></td>
                    <td><time dateTime={event.timestamp}>{formatClock(event.timestamp)}</time></td>
                    <td>{event.attempt}</td>
                    <td>{event.type === 'state' ? <StateBadge state={event.state} /> : event.type}</td>
                    <td>{event.percent}</td>
                    <td>{event.error ?? event.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <div className="side">
          <Attempts view={view} now={now} />
          {job && (
            <section aria-labelledby="details-title" className="card">
              <h2 id="details-title">Details</h2>
              <dl className="details">
                <dt>Attempts</dt><dd>{job.attempt} of {job.maxAttempts} ({job.attemptsLeft} left)</dd>
                <dt>Priority</dt><dd>{job.priority}</dd>
                {job.tags.length > 0 && <><dt>Tags</dt><dd>{job.tags.join(', ')}</dd></>}
                {job.concurrencyKey && <><dt>Concurrency key</dt><dd data-testid="job-concurrency-key"><code>{job.concurrencyKey}</code></dd></>}
                {job.timeout && <><dt>Time limit</dt><dd>{formatIsoDuration(job.timeout)}</dd></>}
                {job.runAt && <><dt>Runs at</dt><dd>{new Date(job.runAt).toLocaleString()}</dd></>}
                {job.worker && <><dt>Worker</dt><dd>{job.worker}</dd></>}
                <dt>Created</dt><dd>{new Date(job.createdAt).toLocaleString()}</dd>
                <dt>Kept for</dt><dd>{formatIsoDuration(job.ttl)}</dd>
              </dl>
              <h3>Payload</h3>
              <JsonBlock value={job.payload ?? {}} testId="job-payload" />
            </section>
          )}
          {webhookUrl && <CompletionWebhook url={webhookUrl} status={latestWebhookStatus(timeline, job)} />}
          {result !== undefined && state === 'SUCCEEDED' && (
            <section aria-labelledby="result-title" className="card">
              <h2 id="result-title">Result</h2>
              <JsonBlock value={result} testId="job-result" />
            </section>
          )}
          {error && (
            <section aria-labelledby="error-title" className="card">
              <h2 id="error-title">Error</h2>
              <p className="problem" data-testid="job-error">{error}</p>
            </section>
          )}
        </div>
      </div>

      <OutputsSection key={id} jobId={id} state={state} lastSeq={view.lastSeq} done={view.done}
        transport={choice === 'auto' ? undefined : choice} generation={generation} />
    </section>
  );
}

function transportChoice(value: string | null): Choice {
  return value && (TRANSPORTS as readonly string[]).includes(value) ? (value as TransportName) : 'auto';
}
