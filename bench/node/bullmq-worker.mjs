// BullMQ's worker side of the benchmark: runs the two job types the Jobcast side runs —
// "noop" (one progress update, the trivial job of the throughput scenario) and "ticker"
// ({events, intervalMs}: progress updates at a steady rate, for the latency scenario).
//   node bullmq-worker.mjs --redis-port 26390 --prefix bench1 --concurrency 50
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { args, event, sleep } from './common.mjs';

const opts = args({ 'redis-port': 6379, prefix: 'bench', concurrency: 50 });
const connection = () => new IORedis({ host: '127.0.0.1', port: opts['redis-port'], maxRetriesPerRequest: null });
const common = { prefix: opts.prefix, concurrency: opts.concurrency };

const noop = new Worker('noop', async (job) => {
  await job.updateProgress(event(job.id, 1, 0, job.data.tag ?? 'load', 100));
  return null;
}, { ...common, connection: connection() });

const ticker = new Worker('ticker', async (job) => {
  const { events, intervalMs } = job.data;
  const start = performance.now();
  for (let tick = 1; tick <= events; tick++) {
    const wait = start + tick * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    await job.updateProgress(event(job.id, tick, 0, 'ticker', Math.floor((tick * 100) / events)));
  }
  return { events };
}, { ...common, connection: connection() });

for (const w of [noop, ticker]) w.on('error', (e) => console.error(`worker error: ${e.message}`));
await Promise.all([noop.waitUntilReady(), ticker.waitUntilReady()]);
console.log(JSON.stringify({ event: 'ready' }));
const stop = async () => { await Promise.all([noop.close(), ticker.close()]); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
