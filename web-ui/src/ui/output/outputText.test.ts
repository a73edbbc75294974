import { describe, expect, it } from 'vitest';
import type { OutputFrame } from '../../jobcast-client';
import { EMPTY_LOG, EMPTY_OUTPUT, appendLog, appendOutput, filterLog, logEntries, withDividers, type LogDoc } from './outputText';

/** Frames of one output cut from texts, each text written by the attempt given with it. */
function frames(...parts: [attempt: number, text: string][]): OutputFrame[] {
  let offset = 0;
  return parts.map(([attempt, text]) => {
    const frame = { jobId: 'j1', output: 'log', attempt, offset, text };
    offset += new TextEncoder().encode(text).length;
    return frame;
  });
}

const log = (...parts: [number, string][]): LogDoc => frames(...parts).reduce(appendLog, EMPTY_LOG);

describe('output text', () => {
  it('grows the current section and starts one per new attempt', () => {
    const doc = frames([1, 'héllo '], [1, 'world\n'], [2, 'again']).reduce(appendOutput, EMPTY_OUTPUT);
    expect(doc.sections).toEqual([{ attempt: 1, text: 'héllo world\n' }, { attempt: 2, text: 'again' }]);
    expect(doc.length).toBe(18);
  });

  it('marks each change of attempt, and a first section written by a later attempt', () => {
    expect(withDividers([{ attempt: 1 }, { attempt: 1 }, { attempt: 2 }, { attempt: 3 }]).map((x) => ('divider' in x ? `—${x.divider}` : x.item.attempt)))
      .toEqual([1, 1, '—2', 2, '—3', 3]);
    expect(withDividers([{ attempt: 2 }]).map((x) => ('divider' in x ? x.divider : null))).toEqual([2, null]);
  });
});

describe('the log', () => {
  it('parses time, level and message, joins continuation lines, and keeps lines without a head', () => {
    const doc = log([1, '2026-12-06T09:00:01.123Z INFO  starting\n2026-12-06T09:00:02Z ERROR failed:\n    at step 3\n'], [1, 'plain text\n']);
    expect(logEntries(doc)).toEqual([
      { attempt: 1, time: '2026-12-06T09:00:01.123Z', level: 'INFO', message: 'starting', raw: '2026-12-06T09:00:01.123Z INFO  starting' },
      { attempt: 1, time: '2026-12-06T09:00:02Z', level: 'ERROR', message: 'failed:\nat step 3', raw: '2026-12-06T09:00:02Z ERROR failed:\n    at step 3' },
      { attempt: 1, message: 'plain text', raw: 'plain text' },
    ]);
  });

  it('shows a line while it is written across frames, and keeps a message\'s own leading spaces', () => {
    const doc = log([1, '2026-12-06T09:00:01.123Z WARN   indented'], [1, ' still\n2026-12-06T09:00:01.124Z DEBUG'], [1, ' done\n']);
    expect(logEntries(doc).map((e) => [e.level, e.message])).toEqual([['WARN', ' indented still'], ['DEBUG', 'done']]);
    const writing = log([1, '2026-12-06T09:00:01.123Z INFO  half a li']);
    expect(writing.entries).toEqual([]);
    expect(logEntries(writing).map((e) => e.message)).toEqual(['half a li']);
  });

  it('ends an attempt\'s unfinished line when the next attempt writes, and never continues across attempts', () => {
    const doc = log([1, '2026-12-06T09:00:01.123Z INFO  no newline'], [2, '    indented by attempt 2\n']);
    expect(logEntries(doc).map((e) => [e.attempt, e.message])).toEqual([[1, 'no newline'], [2, '    indented by attempt 2']]);
  });

  it('filters by least level and by text, ignoring case', () => {
    const entries = logEntries(log([1, [
      '2026-12-06T09:00:01.000Z DEBUG connecting',
      '2026-12-06T09:00:02.000Z INFO  Connected to DB',
      '2026-12-06T09:00:03.000Z WARN  slow db',
      '2026-12-06T09:00:04.000Z ERROR lost the db:',
      '    reset by peer',
      'raw line',
      '',
    ].join('\n')]));
    expect(filterLog(entries, null, '').length).toBe(5);
    expect(filterLog(entries, 'WARN', '').map((e) => e.level)).toEqual(['WARN', 'ERROR']);
    expect(filterLog(entries, 'INFO', '').map((e) => e.level ?? 'none')).toEqual(['INFO', 'WARN', 'ERROR', 'none']);
    expect(filterLog(entries, null, 'DB').map((e) => e.level)).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(filterLog(entries, null, 'PEER').map((e) => e.level)).toEqual(['ERROR']);
  });
});
