// BullMQ's side of the flows scenario: one FlowProducer flow, N "noop" children under one parent,
// measured from flowProducer.add to the parent's "completed" seen by a QueueEvents subscriber (as
// Jobcast's is to the parent's SUCCEEDED seen by an SSE subscriber). The children run in
// bullmq-worker.mjs, the throughput scenario's worker process (the same trivial job, the same
// concurrency), so this process does what Jobcast's load generator does and no more; the parent's
// worker is here: it runs nothing, as Jobcast's parent does, but BullMQ needs one to complete it.
// Prints one JSON line with BullmqRun's fields (jobs: children; completed: children the parent counts
// as processed; submitSeconds: until add answered; seconds: until the parent completed).
//   node bullmq-flow.mjs --redis-port 26390 --prefix bqflow1 --children 10000 --concurrency 50
import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { args, nowMicros, sleep } from './common.mjs';

const opts = args({ 'redis-port': 6379, prefix: 'bench', children: 10000, concurrency: 50, timeout: 300 });
const connection = () => new IORedis({ host: '127.0.0.1', port: opts['redis-port'], maxRetriesPerRequest: null });
const parentQueue = 'flow';
// Named up front, so its completion is recognised whenever it comes.
const parentId = `flow-${opts.prefix}`;

const parents = new Worker(parentQueue, async () => null,
  { prefix: opts.prefix, concurrency: opts.concurrency, connection: connection() });
parents.on('error', (e) => console.error(`worker error: ${e.message}`));
const producer = new FlowProducer({ prefix: opts.prefix, connection: connection() });
const events = new QueueEvents(parentQueue, { prefix: opts.prefix, connection: connection() });
const queue = new Queue(parentQueue, { prefix: opts.prefix, connection: connection() });
await Promise.all([parents.waitUntilReady(), producer.waitUntilReady(), events.waitUntilReady(), queue.waitUntilReady()]);
await sleep(300); // QueueEvents reads its stream from "$": let its first XREAD block before the flow is added

let completedAt = 0;
let failedReason;
const ended = new Promise((resolve) => {
  events.on('completed', ({ jobId }) => {
    if (jobId === parentId) { completedAt = nowMicros(); resolve(); }
  });
  events.on('failed', ({ jobId, failedReason: reason }) => {
    if (jobId === parentId) { failedReason = reason; resolve(); }
  });
});

const children = Array.from({ length: opts.children }, () => ({ name: 'noop', queueName: 'noop', data: { tag: 'flow' } }));
const t0 = nowMicros();
await producer.add({ name: 'flow', queueName: parentQueue, opts: { jobId: parentId }, children });
const addedAt = nowMicros();
const timedOut = await Promise.race([ended.then(() => false), sleep(opts.timeout * 1000).then(() => true)]);
const cpu = process.cpuUsage();
// Outside the measured time: how many children the parent has as processed (all of them, or the count is off).
const parent = await queue.getJob(parentId);
const { processed = 0 } = parent ? await parent.getDependenciesCount({ processed: true }) : {};
console.log(JSON.stringify({
  system: 'bullmq', jobs: opts.children, completed: processed, submitSeconds: (addedAt - t0) / 1e6,
  seconds: completedAt ? (completedAt - t0) / 1e6 : null, timedOut,
  producerCpuSeconds: (cpu.user + cpu.system) / 1e6,
  error: failedReason ?? (timedOut ? `the parent did not complete within ${opts.timeout} s` : undefined),
}));
await Promise.race([Promise.all([parents.close(), producer.close(), events.close(), queue.close()]), sleep(3000)]);
process.exit(0);
