import { describe, expect, it } from 'vitest';
import { buildSubmission, jsonError, serverFieldErrors, type SubmitFields } from './submitForm';

const fields = (over: Partial<SubmitFields> = {}): SubmitFields => ({
  type: 'demo.sleep', payload: '{"steps": 3}', priority: '', delay: '', maxAttempts: '', timeout: '', tags: '', ...over,
});

describe('buildSubmission', () => {
  it('sends only what was filled in, typed as the API wants it', () => {
    expect(buildSubmission(fields()).submission).toEqual({ type: 'demo.sleep', payload: { steps: 3 } });
    expect(buildSubmission(fields({ priority: '9', delay: '30s', maxAttempts: '2', timeout: 'PT1M', tags: 'a, b:c' })).submission)
      .toEqual({ type: 'demo.sleep', payload: { steps: 3 }, priority: 9, delay: '30s', maxAttempts: 2, timeout: 'PT1M', tags: ['a', 'b:c'] });
  });

  it('names each field that is wrong, and builds nothing', () => {
    const { submission, errors } = buildSubmission(fields({ payload: '[1]', priority: '10', maxAttempts: '1.5', delay: 'soon', tags: 'no spaces!' }));
    expect(submission).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['delay', 'maxAttempts', 'payload', 'priority', 'tags']);
  });
});

describe('jsonError', () => {
  it('says where the JSON breaks, by line and column', () => {
    expect(jsonError('{\n  "steps": 3,\n}')).toMatch(/^Not valid JSON at line 3, column 1/);
    expect(jsonError('{"steps": 3}')).toBeNull();
    expect(jsonError('"text"')).toBe('The payload must be a JSON object ({ … }).');
  });
});

describe('serverFieldErrors', () => {
  it('puts the API\'s errors next to the form\'s fields, batch items and flow children included', () => {
    expect(serverFieldErrors([
      { field: 'payload.steps', detail: 'must be at least 1' },
      { field: 'jobs[0].priority', detail: 'must be 0-9' },
      { field: 'children[3].timeout', detail: 'too long' },
      { field: 'idempotencyKey', detail: 'too long' },
    ])).toEqual({ fields: { payload: 'must be at least 1', priority: 'must be 0-9', timeout: 'too long' }, other: ['idempotencyKey: too long'] });
  });
});
