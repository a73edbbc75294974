import { ProblemError, describeFailure } from '../api';

/** The limits a form sets: the tenant's `concurrency`, a type's `concurrency` and `perKey`. */
export type LimitName = 'concurrency' | 'perKey';
export type Limits = Partial<Record<LimitName, number>>;
/** The form as typed: each limit a string, empty for none. */
export type LimitTexts = Partial<Record<LimitName, string>>;
export type LimitErrors = Partial<Record<LimitName, string>>;

/** The API's bounds (a 400 otherwise). */
export const MIN_LIMIT = 1;
export const MAX_LIMIT = 100_000;
const OUT_OF_RANGE = `A whole number from ${MIN_LIMIT} to ${MAX_LIMIT.toLocaleString('en')}, or empty for no limit.`;

/** The texts a form starts from: the limits set now. */
export function textsOf(limits: Limits, names: readonly LimitName[]): LimitTexts {
  return Object.fromEntries(names.map((name) => [name, limits[name] == null ? '' : String(limits[name])]));
}

/**
 * Checks the texts as the API would: empty removes a limit (it is left out of what is sent), any
 * other text must be a whole number in bounds. Checked here too so that a typo is caught before
 * it is sent, and never taken for "empty", which would remove the limit.
 */
export function parseLimits(texts: LimitTexts, names: readonly LimitName[]): { limits?: Limits; errors: LimitErrors } {
  const limits: Limits = {};
  const errors: LimitErrors = {};
  for (const name of names) {
    const text = (texts[name] ?? '').trim();
    if (!text) continue;
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(value) && value >= MIN_LIMIT && value <= MAX_LIMIT) limits[name] = value;
    else errors[name] = OUT_OF_RANGE;
  }
  return Object.keys(errors).length > 0 ? { errors } : { limits, errors };
}

/** A failed save in the form's terms: the API's per-field errors by limit, and the rest in words. */
export function saveErrors(error: unknown, names: readonly LimitName[]): { errors: LimitErrors; problem: string } {
  if (!(error instanceof ProblemError)) return { errors: {}, problem: describeFailure(error) };
  const errors: LimitErrors = {};
  const other: string[] = [];
  for (const { field, detail } of error.problem.errors ?? []) {
    const name = names.find((candidate) => candidate === field);
    if (name) errors[name] = [errors[name], detail].filter(Boolean).join(' ');
    else other.push(`${field}: ${detail}`);
  }
  return { errors, problem: [error.message, ...other].join(' ') };
}
