import { useId, useMemo, useRef, useState } from 'react';
import type { JobcastClient, TransportName } from '../../jobcast-client';
import { formatClock } from '../format';
import { SectionDivider, useFollowScroll } from './OutputPanel';
import { EMPTY_LOG, LEVELS, appendLog, filterLog, logEntries, withDividers, type Level, type LogEntry } from './outputText';
import { useOutput } from './useOutputs';

/** Entries drawn at most: a log may hold tens of thousands; the page stays fast (the filter still sees them all). */
const LOG_ROWS = 5000;

/** The job's log as it is written: levels, a level filter, a search, and following the end. */
export function LogPanel({ client, jobId, transport, generation }: {
  client: JobcastClient;
  jobId: string;
  transport?: TransportName;
  generation: number;
}) {
  const titleId = useId();
  const { doc, complete, problem } = useOutput(client, jobId, 'log', { empty: EMPTY_LOG, append: appendLog, transport, generation });
  const [minimum, setMinimum] = useState<Level | null>(null);
  const [query, setQuery] = useState('');
  const entries = useMemo(() => logEntries(doc), [doc]);
  const shown = useMemo(() => filterLog(entries, minimum, query), [entries, minimum, query]);
  const box = useRef<HTMLPreElement>(null);
  const { follow, setFollow, onScroll } = useFollowScroll(box, shown);

  return (
    <section aria-labelledby={titleId} className="card output-panel">
      <div className="output-head">
        <h2 id={titleId}>
          Log{' '}
          <span className="muted" data-testid="log-count">
            ({shown.length === entries.length ? `${entries.length} lines` : `${shown.length} of ${entries.length} lines`}
            {shown.length > LOG_ROWS ? `, the last ${LOG_ROWS} shown` : ''}{complete ? ', complete' : ''})
          </span>
        </h2>
        <div className="output-tools">
          <label>
            Level
            <select value={minimum ?? ''} onChange={(e) => setMinimum((e.target.value || null) as Level | null)} data-testid="log-level">
              <option value="">All</option>
              {LEVELS.map((level) => <option key={level} value={level}>{level === 'ERROR' ? 'ERROR' : `${level} and above`}</option>)}
            </select>
          </label>
          <label>
            Search
            <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Text in the log" data-testid="log-search" />
          </label>
          <label className="toggle">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="log-follow" />
            Follow
          </label>
        </div>
      </div>
      <pre className="output log" data-testid="output-log" ref={box} onScroll={onScroll} tabIndex={0} aria-label="Log">
        {withDividers(shown.slice(-LOG_ROWS)).map((part, index) =>
          'divider' in part ? <SectionDivider key={index} attempt={part.divider} /> : <LogLine key={index} entry={part.item} />)}
      </pre>
      {problem && <p role="alert" className="problem">{problem}</p>}
    </section>
  );
}

function LogLine({ entry }: { entry: LogEntry }) {
  const level = entry.level?.toLowerCase() ?? 'none';
  return (
    <span className={`log-line log-${level}`} data-level={entry.level ?? ''}>
      {entry.time && <><time className="log-time" dateTime={entry.time} title={entry.time}>{formatClock(entry.time)}</time>{' '}</>}
      {entry.level && <><span className={`log-level level-${level}`}>{entry.level.padEnd(5)}</span>{' '}</>}
      {/* Continuation lines keep their indentation, so they read as part of the entry. */}
      <span className="log-message">{entry.message.replaceAll('\n', '\n    ')}</span>
      {'\n'}
    </span>
  );
}
