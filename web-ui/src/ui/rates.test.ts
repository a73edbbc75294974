import { describe, expect, it } from 'vitest';
import { event } from '../jobcast-client/testing/fakes';
import { RateSeries } from './rates';

const at = (seconds: number) => new Date(Date.parse('2026-11-24T10:00:00Z') + seconds * 1000).toISOString();

describe('RateSeries', () => {
  it('counts state changes per second by state over a sliding window, not progress', () => {
    const rates = new RateSeries(5);
    rates.add([
      event(1, { type: 'state', state: 'QUEUED', timestamp: at(1) }),
      event(1, { jobId: 'j2', type: 'state', state: 'QUEUED', timestamp: at(1.5) }),
      event(2, { type: 'state', state: 'RUNNING', timestamp: at(2) }),
      event(3, { timestamp: at(2) }),
      event(4, { type: 'state', state: 'SUCCEEDED', timestamp: at(4) }),
    ]);

    const series = rates.series(Date.parse(at(4.9)));
    expect(series.get('QUEUED')).toEqual([0, 2, 0, 0, 0]);
    expect(series.get('RUNNING')).toEqual([0, 0, 1, 0, 0]);
    expect(series.get('SUCCEEDED')).toEqual([0, 0, 0, 0, 1]);
    expect(rates.series(Date.parse(at(9))).get('QUEUED')).toEqual([0, 0, 0, 0, 0]);
  });
});
