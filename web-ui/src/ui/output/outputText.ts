import { utf8Length, type OutputFrame } from '../../jobcast-client';

/**
 * What the page keeps of a job's outputs as frames arrive: plain text by attempt (sections), and
 * the log parsed into entries as it grows. Everything here is pure: the panels render it.
 */

/** The text one attempt wrote to an output. */
export interface Section {
  attempt: number;
  text: string;
}

export interface OutputDoc {
  sections: Section[];
  /** Bytes so far: where the next frame starts. */
  length: number;
}

export const EMPTY_OUTPUT: OutputDoc = { sections: [], length: 0 };

/** Adds a frame: to the current section, or as a new one when another attempt wrote it. */
export function appendOutput(doc: OutputDoc, frame: OutputFrame): OutputDoc {
  const last = doc.sections[doc.sections.length - 1];
  const sections = last?.attempt === frame.attempt
    ? [...doc.sections.slice(0, -1), { attempt: last.attempt, text: last.text + frame.text }]
    : [...doc.sections, { attempt: frame.attempt, text: frame.text }];
  return { sections, length: frame.offset + utf8Length(frame.text) };
}

/** Log levels (the worker's `JobOutputs.Level`), least severe first; the filter shows a level and those above it. */
export const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type Level = (typeof LEVELS)[number];

/** One entry of the log: its first line's parts, and the continuation lines (indented by four spaces) joined below. */
export interface LogEntry {
  attempt: number;
  /** ISO-8601, as the worker wrote it; absent for a line that is not an entry's head. */
  time?: string;
  /** Absent for a line that is not an entry's head (the filter counts it as INFO). */
  level?: Level;
  message: string;
  /** The entry as written (all its lines), what the search looks in. */
  raw: string;
}

export interface LogDoc {
  entries: LogEntry[];
  /** The last line while it has no newline yet (frames need not end at one). */
  partial: string;
  partialAttempt: number;
  length: number;
}

export const EMPTY_LOG: LogDoc = { entries: [], partial: '', partialAttempt: 0, length: 0 };

const CONTINUATION = '    ';
/** `2026-12-06T09:00:01.123Z INFO  message`: the level padded to five characters, then a space. */
const HEAD = /^(\d{4}-\d\d-\d\dT\S+) (DEBUG|INFO|WARN|ERROR)(?: |$)/;

export function appendLog(doc: LogDoc, frame: OutputFrame): LogDoc {
  let entries = doc.entries;
  let partial = doc.partial;
  if (partial !== '' && doc.partialAttempt !== frame.attempt) {
    // The attempt before ended without a newline: its last line is complete all the same.
    entries = addLine(entries, partial, doc.partialAttempt);
    partial = '';
  }
  const lines = (partial + frame.text).split('\n');
  partial = lines.pop() ?? '';
  if (lines.length > 0) {
    entries = entries.slice();
    for (const line of lines) entries = addLine(entries, line, frame.attempt, true);
  }
  return { entries, partial, partialAttempt: frame.attempt, length: frame.offset + utf8Length(frame.text) };
}

/** The entries to show: the complete ones and, as it is being written, the last line. */
export function logEntries(doc: LogDoc): LogEntry[] {
  return doc.partial === '' ? doc.entries : addLine(doc.entries, doc.partial, doc.partialAttempt);
}

/** Adds a line (a copy of `entries` unless `inPlace`: the caller made one already). */
function addLine(entries: LogEntry[], line: string, attempt: number, inPlace = false): LogEntry[] {
  const list = inPlace ? entries : entries.slice();
  const last = list[list.length - 1];
  if (line.startsWith(CONTINUATION) && last?.attempt === attempt) {
    list[list.length - 1] = { ...last, message: `${last.message}\n${line.slice(CONTINUATION.length)}`, raw: `${last.raw}\n${line}` };
    return list;
  }
  const head = HEAD.exec(line);
  list.push(head
    // The message starts after the level, padded to five characters, and one space.
    ? { attempt, time: head[1], level: head[2] as Level, message: line.slice(head[1].length + 7), raw: line }
    : { attempt, message: line, raw: line });
  return list;
}

/** Entries at `minimum` or above (every entry when none) whose text contains `query`, ignoring case. */
export function filterLog(entries: LogEntry[], minimum: Level | null, query: string): LogEntry[] {
  const needle = query.trim().toLowerCase();
  const floor = minimum === null ? 0 : LEVELS.indexOf(minimum);
  return entries.filter((entry) =>
    (floor === 0 || (entry.level ? LEVELS.indexOf(entry.level) : LEVELS.indexOf('INFO')) >= floor)
    && (needle === '' || entry.raw.toLowerCase().includes(needle)));
}

/**
 * Where the page marks a new attempt's text: before an item whose attempt differs from the one
 * shown before it (the first attempt is 1, so text from a later attempt is marked even at the top).
 */
export function withDividers<T extends { attempt: number }>(items: T[]): ({ divider: number } | { item: T })[] {
  const out: ({ divider: number } | { item: T })[] = [];
  let shown = 1;
  for (const item of items) {
    if (item.attempt !== shown) out.push({ divider: item.attempt });
    shown = item.attempt;
    out.push({ item });
  }
  return out;
}
