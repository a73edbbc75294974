import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs` (for durations and ages that tick). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** An ISO-8601 duration as the API writes them (PT1.5S, PT168H, P1D) in words: "1.5 s", "7 d". */
export function formatIsoDuration(iso: string): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(iso);
  if (!match) return iso;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  const ms = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000;
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  return formatDuration(ms);
}

/** How long ago, coarse: "just now", "12 s ago", "3 min ago", else the local date and time. */
export function formatAge(iso: string | undefined, now: number): string {
  if (!iso) return '—';
  const age = now - Date.parse(iso);
  if (age < 2000) return 'just now';
  if (age < 60_000) return `${Math.floor(age / 1000)} s ago`;
  if (age < 3_600_000) return `${Math.floor(age / 60_000)} min ago`;
  return new Date(iso).toLocaleString();
}

/** 14:03:07.125, for event timelines. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  return `${date.toLocaleTimeString([], { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** How long a job ran (or has been running). */
export function jobDuration(job: { startedAt?: string; finishedAt?: string }, now: number): string {
  if (!job.startedAt) return '—';
  return formatDuration((job.finishedAt ? Date.parse(job.finishedAt) : now) - Date.parse(job.startedAt));
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** 512 B, 12.5 KiB, 1.0 MiB: sizes of outputs. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
