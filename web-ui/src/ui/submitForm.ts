import type { JobSubmission } from './api';

/** The submit form as typed: every field a string, as inputs hold them. */
export interface SubmitFields {
  type: string;
  payload: string;
  priority: string;
  delay: string;
  maxAttempts: string;
  timeout: string;
  tags: string;
}

export type FieldErrors = Partial<Record<keyof SubmitFields, string>>;

const DURATION = /^(P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?|\d+(ms|s|m|h|d))$/;
const TAG = /^[A-Za-z0-9._:-]{1,64}$/;

/** Where a JSON text fails to parse, in words a person can act on (line and column when known). */
export function jsonError(text: string): string | null {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : 'The payload must be a JSON object ({ … }).';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    if (!position) return `Not valid JSON: ${message}`;
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `Not valid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
  }
}

/**
 * Checks the fields as the API would and builds the submission; the API checks again, and its
 * per-field errors are shown the same way.
 */
export function buildSubmission(fields: SubmitFields): { submission?: JobSubmission; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!fields.type) errors.type = 'Choose a job type.';
  const payloadError = fields.payload.trim() === '' ? null : jsonError(fields.payload);
  if (payloadError) errors.payload = payloadError;
  const priority = integer(fields.priority, 0, 9);
  if (priority === undefined) errors.priority = 'A whole number from 0 to 9.';
  const maxAttempts = integer(fields.maxAttempts, 1, 25);
  if (maxAttempts === undefined) errors.maxAttempts = 'A whole number from 1 to 25.';
  for (const field of ['delay', 'timeout'] as const) {
    if (fields[field].trim() && !DURATION.test(fields[field].trim())) errors[field] = 'A duration such as 250ms, 30s, 5m, 2h, 1d or PT30S.';
  }
  const tags = fields.tags.split(/[\s,]+/).filter(Boolean);
  if (tags.length > 10) errors.tags = 'At most 10 tags.';
  else if (tags.some((tag) => !TAG.test(tag))) errors.tags = 'Tags are 1–64 of A–Z a–z 0–9 . _ : -';
  if (Object.keys(errors).length > 0) return { errors };

  const submission: JobSubmission = { type: fields.type };
  if (fields.payload.trim()) submission.payload = JSON.parse(fields.payload);
  if (typeof priority === 'number') submission.priority = priority;
  if (typeof maxAttempts === 'number') submission.maxAttempts = maxAttempts;
  if (fields.delay.trim()) submission.delay = fields.delay.trim();
  if (fields.timeout.trim()) submission.timeout = fields.timeout.trim();
  if (tags.length) submission.tags = tags;
  return { submission, errors };
}

/** Empty is fine (the default applies): undefined only for a value out of range or not whole. */
function integer(text: string, min: number, max: number): number | undefined | null {
  if (!text.trim()) return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** Maps the API's per-field errors (`payload`, `jobs[0].priority`, `children[0].payload.steps`, ...) onto the form's fields. */
export function serverFieldErrors(errors: { field?: string; detail?: string }[] | undefined): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  const known: (keyof SubmitFields)[] = ['type', 'payload', 'priority', 'delay', 'maxAttempts', 'timeout', 'tags'];
  for (const error of errors ?? []) {
    const name = (error.field ?? '').replace(/^(jobs|children)\[\d+\]\./, '').split(/[.[]/)[0];
    const field = known.find((candidate) => candidate === name) ?? (name === 'runAt' ? 'delay' : undefined);
    if (field) fields[field] = [fields[field], error.detail].filter(Boolean).join(' ');
    else other.push(`${error.field}: ${error.detail}`);
  }
  return { fields, other };
}
