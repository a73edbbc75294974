import { describe, expect, it } from 'vitest';
import { event } from '../../jobcast-client/testing/fakes';
import { latestWebhookStatus, webhookEventsOf, withWebhookEvents } from './webhookStatus';

const attempt = (seq: number, message: string, jobId = 'j1') => event(seq, { jobId, type: 'webhook', state: 'SUCCEEDED', message });

describe('webhookEventsOf', () => {
  it('picks one job\'s webhook tries out of any jobs\' events', () => {
    const tries = [attempt(6, 'try 1 failed: HTTP 500'), attempt(7, 'delivered')];
    expect(webhookEventsOf([event(5), tries[0], attempt(3, 'elsewhere', 'j2'), tries[1]], 'j1')).toEqual(tries);
  });
});

describe('withWebhookEvents', () => {
  const own = [event(4), event(5, { type: 'state', state: 'SUCCEEDED' })];

  it('adds the tries the job\'s own feed did not carry, in order of seq, each once', () => {
    const merged = withWebhookEvents(own, [attempt(7, 'delivered'), attempt(6, 'try 1 failed'), attempt(7, 'delivered')]);
    expect(merged.map((e) => `${e.seq}:${e.type}`)).toEqual(['4:progress', '5:state', '6:webhook', '7:webhook']);
  });

  it('keeps the same array when there is nothing to add', () => {
    expect(withWebhookEvents(own, [])).toBe(own);
    const carried = [...own, attempt(6, 'delivered')];
    expect(withWebhookEvents(carried, [attempt(6, 'delivered')])).toBe(carried);
  });
});

describe('latestWebhookStatus', () => {
  const job = { lastSeq: 6, webhook: 'try 1 failed: HTTP 500; next at 10:00:05' };

  it('takes the message of the latest try heard of, when it is newer than the job as read', () => {
    expect(latestWebhookStatus([event(5), attempt(7, 'try 2 failed: timeout'), attempt(8, 'delivered to 127.0.0.1 on try 3')], job))
      .toBe('delivered to 127.0.0.1 on try 3');
    expect(latestWebhookStatus([attempt(6, 'the same try')], job)).toBe('the same try');
  });

  it('takes the job as read when no try was heard of, or the job is newer', () => {
    expect(latestWebhookStatus([event(5)], job)).toBe(job.webhook);
    expect(latestWebhookStatus([attempt(3, 'an older try')], job)).toBe(job.webhook);
    expect(latestWebhookStatus([attempt(3, 'heard, not yet read')], { lastSeq: 9 })).toBe('heard, not yet read');
    expect(latestWebhookStatus([], { lastSeq: 2 })).toBeUndefined();
    expect(latestWebhookStatus([], null)).toBeUndefined();
  });
});
