import type { JobEvent, JobState } from '../jobcast-client';

/** The states whose entries the operations chart counts per second. */
export const CHARTED_STATES: readonly JobState[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'DEAD', 'CANCELLED'];

/**
 * Counts state changes per second by state, over a sliding window of whole seconds (by the
 * worker's timestamp, so the chart shows when things happened, not when they arrived).
 */
export class RateSeries {
  private readonly counts = new Map<number, Map<JobState, number>>();

  constructor(private readonly windowSeconds = 60) {}

  add(events: readonly JobEvent[]): void {
    for (const event of events) {
      if (event.type !== 'state') continue;
      const second = Math.floor(Date.parse(event.timestamp) / 1000);
      const bucket = this.counts.get(second) ?? new Map<JobState, number>();
      bucket.set(event.state, (bucket.get(event.state) ?? 0) + 1);
      this.counts.set(second, bucket);
    }
  }

  /** Per state, the count of each second of the window ending at `nowMs`, oldest first. */
  series(nowMs: number): Map<JobState, number[]> {
    const last = Math.floor(nowMs / 1000);
    const first = last - this.windowSeconds + 1;
    for (const second of this.counts.keys()) if (second < first) this.counts.delete(second);
    const series = new Map<JobState, number[]>();
    for (const state of CHARTED_STATES) {
      series.set(state, Array.from({ length: this.windowSeconds }, (_, i) => this.counts.get(first + i)?.get(state) ?? 0));
    }
    return series;
  }

  /** Per job type, state entries per second over the last `seconds` (complete) seconds. */
  static perType(events: readonly JobEvent[], nowMs: number, seconds = 10): Map<string, { queued: number; finished: number }> {
    const since = nowMs - seconds * 1000;
    const rates = new Map<string, { queued: number; finished: number }>();
    for (const event of events) {
      if (event.type !== 'state' || Date.parse(event.timestamp) < since) continue;
      const rate = rates.get(event.jobType) ?? { queued: 0, finished: 0 };
      if (event.state === 'QUEUED') rate.queued += 1 / seconds;
      if (event.state === 'SUCCEEDED' || event.state === 'DEAD' || event.state === 'CANCELLED') rate.finished += 1 / seconds;
      rates.set(event.jobType, rate);
    }
    return rates;
  }
}
