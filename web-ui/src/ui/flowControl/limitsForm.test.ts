import { describe, expect, it } from 'vitest';
import { ProblemError } from '../api';
import { parseLimits, saveErrors, textsOf } from './limitsForm';

const BOTH = ['concurrency', 'perKey'] as const;

describe('parseLimits', () => {
  it('takes whole numbers from 1 to 100,000, and leaves an empty field out (which removes that limit)', () => {
    expect(parseLimits({ concurrency: ' 10 ', perKey: '3' }, BOTH)).toEqual({ limits: { concurrency: 10, perKey: 3 }, errors: {} });
    expect(parseLimits({ concurrency: '100000', perKey: '' }, BOTH)).toEqual({ limits: { concurrency: 100_000 }, errors: {} });
    expect(parseLimits({}, BOTH)).toEqual({ limits: {}, errors: {} });
  });

  it('refuses anything else, a typo included, rather than taking it for empty', () => {
    for (const text of ['0', '-1', '100001', '2.5', '1e3', 'abc', '10 jobs']) {
      const { limits, errors } = parseLimits({ concurrency: '5', perKey: text }, BOTH);
      expect(limits, text).toBeUndefined();
      expect(errors, text).toEqual({ perKey: 'A whole number from 1 to 100,000, or empty for no limit.' });
    }
  });
});

describe('textsOf', () => {
  it('starts from the limits set now, empty where none is (the API may answer null)', () => {
    expect(textsOf({ concurrency: 10 }, BOTH)).toEqual({ concurrency: '10', perKey: '' });
    expect(textsOf({ concurrency: null as unknown as number }, ['concurrency'])).toEqual({ concurrency: '' });
  });
});

describe('saveErrors', () => {
  it('puts the API\'s field errors on their fields and says the rest in words', () => {
    const problem = new ProblemError({
      type: '/problems/invalid-limits', title: 'Invalid limits', status: 400,
      errors: [{ field: 'perKey', detail: 'must be from 1 to 100000' }, { field: 'other', detail: 'unknown' }],
    });
    expect(saveErrors(problem, BOTH)).toEqual({ errors: { perKey: 'must be from 1 to 100000' }, problem: 'Invalid limits other: unknown' });
  });

  it('says why the gateway was not reached', () => {
    expect(saveErrors(new TypeError('Failed to fetch'), BOTH)).toEqual({ errors: {}, problem: 'The gateway cannot be reached (Failed to fetch).' });
  });
});
