// BullMQ's client side of the benchmark, printing one JSON result on stdout.
//   throughput: N "noop" jobs added in batches (addBulk), measured from the first add to the last
//               "completed" seen by a QueueEvents subscriber; e2e latency per job.
//   single:     N "noop" jobs added one per call (queue.add), by `clients` concurrent callers, each
//               waiting for its answer before the next; measured from the first add to the last answer.
//   steady:     "noop" jobs at a steady rate for some seconds, after one "ticker" job (the latency
//               scenario's load; the Socket.IO server relays the progress to the clients).
//   node bullmq-producer.mjs --mode throughput --redis-port 26390 --prefix bench1 --jobs 10000
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { args, Histo, nowMicros, sleep } from './common.mjs';

const opts = args({
  mode: 'throughput', 'redis-port': 6379, prefix: 'bench', jobs: 10000, batch: 500, inflight: 4, clients: 64,
  rate: 2000, seconds: 15, 'ticker-id': 'ticker-1', 'ticker-events': 1000, 'ticker-interval': 10, timeout: 300,
});
const connection = () => new IORedis({ host: '127.0.0.1', port: opts['redis-port'], maxRetriesPerRequest: null });
// The events stream is trimmed to maxLen (10,000 by default): at thousands of jobs a second with
// five events each, a subscriber that lags a second would lose completions. Keep a million.
const streams = { events: { maxLen: 1000000 } };
const noop = new Queue('noop', { prefix: opts.prefix, connection: connection(), streams });
const ticker = new Queue('ticker', { prefix: opts.prefix, connection: connection(), streams });
const events = new QueueEvents('noop', { prefix: opts.prefix, connection: connection() });
await Promise.all([noop.waitUntilReady(), ticker.waitUntilReady(), events.waitUntilReady()]);
await sleep(300); // QueueEvents reads its stream from "$": let its first XREAD block before jobs flow

const submitted = new Map(); // job id -> µs of its batch's add
const early = new Map(); // completions seen before addBulk answered with the id
const e2e = new Histo();
const timeline = [];
let t0 = 0;
let completed = 0;
let last = 0;
let resolveAll;
const allDone = new Promise((resolve) => { resolveAll = resolve; });
const note = (id, at) => {
  e2e.record(at - submitted.get(id));
  completed++;
  last = at;
  const bucket = Math.floor((at - t0) / 250000);
  timeline[bucket] = (timeline[bucket] ?? 0) + 1;
  if (completed === target) resolveAll();
};
events.on('completed', ({ jobId }) => {
  const at = nowMicros();
  if (submitted.has(jobId)) note(jobId, at); else early.set(jobId, at);
});

let target = opts.jobs;
if (opts.mode === 'throughput') {
  t0 = nowMicros();
  let next = 0;
  const lane = async () => {
    while (next < opts.jobs) {
      const n = Math.min(opts.batch, opts.jobs - next);
      next += n;
      const at = nowMicros();
      const added = await noop.addBulk(Array.from({ length: n }, () => ({ name: 'noop', data: { tag: 'load' } })));
      for (const job of added) {
        submitted.set(job.id, at);
        if (early.has(job.id)) { note(job.id, early.get(job.id)); early.delete(job.id); }
      }
    }
  };
  await Promise.all(Array.from({ length: opts.inflight }, lane));
  const timedOut = await Promise.race([allDone.then(() => false), sleep(opts.timeout * 1000).then(() => true)]);
  const seconds = (last - t0) / 1e6;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({
    system: 'bullmq', jobs: opts.jobs, completed, seconds, jobsPerSec: completed / seconds, timedOut,
    producerCpuSeconds: (cpu.user + cpu.system) / 1e6,
    e2e: e2e.toJSON(), timeline: Array.from(timeline, (v) => v ?? 0), bucketMillis: 250,
  }));
} else if (opts.mode === 'single') {
  t0 = nowMicros();
  let next = 0;
  let answered = 0;
  let lastAnswer = t0;
  const caller = async () => {
    while (next < opts.jobs) {
      next++;
      const at = nowMicros();
      const job = await noop.add('noop', { tag: 'single' });
      lastAnswer = nowMicros();
      answered++;
      submitted.set(job.id, at);
      if (early.has(job.id)) { note(job.id, early.get(job.id)); early.delete(job.id); }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, caller));
  const submitSeconds = (lastAnswer - t0) / 1e6;
  const timedOut = await Promise.race([allDone.then(() => false), sleep(opts.timeout * 1000).then(() => true)]);
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({
    system: 'bullmq', jobs: opts.jobs, clients: opts.clients, accepted: answered, submitSeconds,
    acceptedPerSec: answered / submitSeconds, completed, seconds: (last - t0) / 1e6, timedOut,
    producerCpuSeconds: (cpu.user + cpu.system) / 1e6, e2e: e2e.toJSON(),
  }));
} else {
  await ticker.add('ticker', { events: opts['ticker-events'], intervalMs: opts['ticker-interval'] },
    { jobId: opts['ticker-id'] });
  await sleep(500);
  const perBatch = opts.rate / 20;
  target = Number.MAX_SAFE_INTEGER;
  t0 = nowMicros();
  let added = 0;
  for (let i = 0; i < opts.seconds * 20; i++) {
    const due = t0 + i * 50000;
    const wait = (due - nowMicros()) / 1000;
    if (wait > 0) await sleep(wait);
    const at = nowMicros();
    noop.addBulk(Array.from({ length: perBatch }, () => ({ name: 'noop', data: { tag: 'all' } }))).then((jobs) => {
      for (const job of jobs) {
        submitted.set(job.id, at);
        if (early.has(job.id)) { note(job.id, early.get(job.id)); early.delete(job.id); }
      }
    });
    added += perBatch;
  }
  const submitSeconds = (nowMicros() - t0) / 1e6;
  await sleep(2000);
  const backlog = await noop.getWaitingCount();
  console.log(JSON.stringify({
    system: 'bullmq', offeredPerSec: opts.rate, added, submitSeconds, completed, completedPerSec: completed / (submitSeconds + 2),
    backlogAfter: backlog, e2e: e2e.toJSON(),
  }));
}
await Promise.race([Promise.all([noop.close(), ticker.close(), events.close()]), sleep(3000)]);
process.exit(0);
