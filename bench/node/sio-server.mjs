// The Socket.IO peer: one Socket.IO 4 server (its default in-memory adapter, connection state
// recovery on) that fans events out to the benchmark's clients, fed either
//   - by its own generator (fan-out and resume): POST /bench/stream?prefix=P&rate=R&jobs=J, like
//     the bare Vert.x server, broadcast to every client with io.emit (encoded once per broadcast);
//   - or by BullMQ (latency): a QueueEvents subscriber relays each job's progress to the room
//     named after the job, and the "noop" load's progress to the room "all" (--bullmq-prefix P).
//   node --expose-gc sio-server.mjs --port 28093 [--redis-port 26390 --bullmq-prefix bench1]
import http from 'node:http';
import { Server } from 'socket.io';
import { QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { args, event } from './common.mjs';

const opts = args({ port: 28093, 'redis-port': 6379, 'bullmq-prefix': '' });
const streams = new Map();
const jobSeq = new Map();
let tseq = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/bench/stream') {
    stream(url.searchParams.get('prefix'), Number(url.searchParams.get('rate') ?? 0), Number(url.searchParams.get('jobs') ?? 1));
    res.end('{}');
  } else if (url.pathname === '/bench/gc') {
    // node --expose-gc: the memory scenario measures after a full collection, as it does on the JVMs.
    if (global.gc) global.gc();
    res.end(JSON.stringify({ gc: Boolean(global.gc) }));
  } else if (url.pathname === '/bench/stats') {
    res.end(JSON.stringify({ connections: io.engine.clientsCount }));
  } else if (!url.pathname.startsWith('/socket.io/')) {
    res.statusCode = 404;
    res.end();
  }
});
const io = new Server(server, {
  transports: ['websocket', 'polling'],
  connectionStateRecovery: { maxDisconnectionDuration: 120000, skipMiddlewares: true },
  perMessageDeflate: false,
});
io.on('connection', (socket) => {
  socket.on('subscribe', (room) => socket.join(room));
});

function stream(prefix, rate, jobs) {
  clearInterval(streams.get(prefix));
  streams.delete(prefix);
  if (rate <= 0) return;
  const start = performance.now();
  let emitted = 0;
  const width = Math.max(1, 35 - prefix.length);
  streams.set(prefix, setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; emitted < due; emitted++) {
      const jobId = `${prefix}-${String(emitted % jobs).padStart(width, '0')}`;
      const seq = (jobSeq.get(jobId) ?? 0) + 1;
      jobSeq.set(jobId, seq);
      io.emit('event', event(jobId, seq, ++tseq, prefix, seq % 100));
    }
  }, 5));
}

if (opts['bullmq-prefix']) {
  const connection = () => new IORedis({ host: '127.0.0.1', port: opts['redis-port'], maxRetriesPerRequest: null });
  const ticker = new QueueEvents('ticker', { prefix: opts['bullmq-prefix'], connection: connection() });
  const noop = new QueueEvents('noop', { prefix: opts['bullmq-prefix'], connection: connection() });
  ticker.on('progress', ({ jobId, data }) => io.to(jobId).emit('event', data));
  noop.on('progress', ({ data }) => io.to('all').emit('event', data));
  await Promise.all([ticker.waitUntilReady(), noop.waitUntilReady()]);
}
server.listen(opts.port, '127.0.0.1', () => console.log(JSON.stringify({ event: 'ready', port: opts.port })));
process.on('SIGTERM', () => process.exit(0));
