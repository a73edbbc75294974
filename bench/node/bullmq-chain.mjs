// BullMQ's side of the flows scenario's chain hand-off. BullMQ has no chain, but a FlowProducer flow
// where each job has exactly one child runs the deepest job first and each parent once its child
// completed: a chain of N steps, nested N deep. Measured from flowProducer.add to the top job's
// "completed" seen by a QueueEvents subscriber (as Jobcast's chain is to its root's SUCCEEDED seen by
// an SSE subscriber). The steps do what the throughput scenario's "noop" does (one updateProgress),
// in a worker of this process: only one step is ever ready, so the worker's place matters little and
// the time is each step's start after the one before.
// Prints one JSON line with BullmqRun's fields (jobs: steps; completed: steps the worker ran;
// submitSeconds: until add answered; seconds: until the top job completed; producerCpuSeconds: this
// process's, its worker's included).
//   node bullmq-chain.mjs --redis-port 26390 --prefix bqchain1 --steps 50 --concurrency 50
import { FlowProducer, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { args, event, nowMicros, sleep } from './common.mjs';

const opts = args({ 'redis-port': 6379, prefix: 'bench', steps: 50, concurrency: 50, timeout: 300 });
const connection = () => new IORedis({ host: '127.0.0.1', port: opts['redis-port'], maxRetriesPerRequest: null });
const queueName = 'chain';
// Named up front, so its completion is recognised whenever it comes.
const topId = `chain-${opts.prefix}`;

// Counted in the processor, not on the worker's "completed": that can come after QueueEvents saw the top job's.
let completed = 0;
const worker = new Worker(queueName, async (job) => {
  await job.updateProgress(event(job.id, 1, 0, 'chain', 100));
  completed++;
  return null;
}, { prefix: opts.prefix, concurrency: opts.concurrency, connection: connection() });
worker.on('error', (e) => console.error(`worker error: ${e.message}`));
const producer = new FlowProducer({ prefix: opts.prefix, connection: connection() });
const events = new QueueEvents(queueName, { prefix: opts.prefix, connection: connection() });
await Promise.all([worker.waitUntilReady(), producer.waitUntilReady(), events.waitUntilReady()]);
await sleep(300); // QueueEvents reads its stream from "$": let its first XREAD block before the flow is added

let completedAt = 0;
let failedReason;
const ended = new Promise((resolve) => {
  events.on('completed', ({ jobId }) => {
    if (jobId === topId) { completedAt = nowMicros(); resolve(); }
  });
  events.on('failed', ({ jobId, failedReason: reason }) => {
    // Any step's failure ends the chain: the jobs above it never run.
    failedReason = `step ${jobId} failed: ${reason}`; resolve();
  });
});

// Built from the deepest job up: step 1 runs first, step N (the top job) last.
let flow;
for (let step = 1; step <= opts.steps; step++) {
  flow = {
    name: 'step', queueName, data: { step },
    ...(step === opts.steps ? { opts: { jobId: topId } } : {}),
    ...(flow ? { children: [flow] } : {}),
  };
}
const t0 = nowMicros();
await producer.add(flow);
const addedAt = nowMicros();
const timedOut = await Promise.race([ended.then(() => false), sleep(opts.timeout * 1000).then(() => true)]);
const cpu = process.cpuUsage();
console.log(JSON.stringify({
  system: 'bullmq', jobs: opts.steps, completed, submitSeconds: (addedAt - t0) / 1e6,
  seconds: completedAt ? (completedAt - t0) / 1e6 : null, timedOut,
  producerCpuSeconds: (cpu.user + cpu.system) / 1e6,
  error: failedReason ?? (timedOut ? `the top job did not complete within ${opts.timeout} s` : undefined),
}));
await Promise.race([Promise.all([worker.close(), producer.close(), events.close()]), sleep(3000)]);
process.exit(0);
