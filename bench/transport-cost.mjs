// Measures what each transport costs, against a running suite (./jobcast start):
//   node --experimental-websocket bench/transport-cost.mjs
// Memory: RSS growth of progress-service per idle connection (SSE, WebSocket, held long poll),
// opened straight to progress-service so the gateway's own sockets do not count.
// Latency: time from an event's creation on the worker to its arrival, per transport, through
// the gateway, for one job that emits a progress event every 20 ms. Bytes: wire size per update.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { execSync } from 'node:child_process';

const home = process.env.JOBCAST_HOME ?? '.jobcast';
const gateway = `http://127.0.0.1:${process.env.JOBCAST_GATEWAY_PORT ?? 8080}`;
const progressPort = Number(process.env.JOBCAST_PROGRESS_SERVICE_PORT ?? 8082);
const key = readFileSync(`${home}/dev-api-key`, 'utf8').trim();
const idle = Number(process.env.IDLE_CONNECTIONS ?? 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pid = readFileSync(`${home}/run/progress-service.pid`, 'utf8').trim();
const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
// Live Java heap after a full GC: what the connections really hold, without uncollected garbage.
const liveHeapKb = () => {
  execSync(`jcmd ${pid} GC.run`);
  return Number(/used (\d+)K/.exec(execSync(`jcmd ${pid} GC.heap_info`).toString())[1]);
};
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const direct = (path) => new Promise((resolve, reject) => {
  const req = http.get({ host: '127.0.0.1', port: progressPort, path, agent, headers: { 'X-Jobcast-Tenant': 'dev' } }, resolve);
  req.on('error', reject);
  return req;
});

async function memoryPer(kind, open) {
  const heapBefore = liveHeapKb();
  const rssBefore = rssKb();
  const handles = [];
  for (let i = 0; i < idle; i++) handles.push(await open());
  await sleep(1500);
  const rssPer = ((rssKb() - rssBefore) * 1024) / idle;
  const heapPer = ((liveHeapKb() - heapBefore) * 1024) / idle;
  handles.forEach((h) => h.destroy?.() ?? h.close?.());
  await sleep(1000);
  return { kind, heapPer: Math.round(heapPer), rssPer: Math.round(rssPer) };
}

async function submit(steps, stepMillis) {
  const res = await fetch(`${gateway}/api/v1/jobs`, {
    method: 'POST', headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'demo.sleep', payload: { steps, stepMillis } }),
  });
  return (await res.json()).id;
}

const percentile = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
// Events emitted before every client was attached arrive as replay; they say nothing of latency.
const LIVE_AFTER_SEQ = 5;
const lag = (event) => (event.seq > LIVE_AFTER_SEQ ? Date.now() - Date.parse(event.timestamp) : undefined);
const note = (lags, value) => value !== undefined && lags.push(value);

async function followSse(id) {
  const res = await fetch(`${gateway}/api/v1/jobs/${id}/events`, { headers: { 'X-API-Key': key } });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const lags = []; let bytes = 0; let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.length;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (data) note(lags, lag(JSON.parse(data.slice(6))));
    }
  }
  return { transport: 'SSE', lags, bytes };
}

function followWs(id) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${gateway.replace('http', 'ws')}/api/v1/ws?access_token=${key}`);
    const lags = []; let bytes = 0;
    ws.onopen = () => ws.send(JSON.stringify({ op: 'subscribe', jobId: id }));
    ws.onmessage = (m) => {
      const frame = JSON.parse(m.data);
      if (frame.op) return;
      bytes += Buffer.byteLength(m.data) + 4; // + the frame header
      note(lags, lag(frame));
      if (frame.type === 'state' && ['SUCCEEDED', 'FAILED'].includes(frame.state)) { ws.close(); resolve({ transport: 'WebSocket', lags, bytes }); }
    };
  });
}

async function followLongPoll(id) {
  const lags = []; let bytes = 0; let after = 0; let polls = 0;
  for (;;) {
    const res = await fetch(`${gateway}/api/v1/jobs/${id}/progress?after=${after}&wait=25`, { headers: { 'X-API-Key': key } });
    const body = await res.text(); polls++;
    bytes += body.length + 150; // + response headers, about
    const answer = JSON.parse(body);
    answer.events.forEach((e) => note(lags, lag(e)));
    after = answer.lastSeq;
    if (answer.done) return { transport: 'long polling', lags, bytes, polls };
  }
}

async function followShortPoll(id, everyMs) {
  const lags = []; let bytes = 0; let etag; let polls = 0; let lastSeq = 0;
  for (;;) {
    const res = await fetch(`${gateway}/api/v1/jobs/${id}`, { headers: { 'X-API-Key': key, ...(etag ? { 'If-None-Match': etag } : {}) } });
    polls++;
    const body = await res.text();
    bytes += body.length + 150;
    if (res.status === 200) {
      etag = res.headers.get('etag');
      const job = JSON.parse(body);
      if (job.lastSeq > lastSeq) { lags.push(Date.now() - Date.parse(job.updatedAt)); lastSeq = job.lastSeq; }
      if (['SUCCEEDED', 'FAILED'].includes(job.state)) return { transport: `short polling (${everyMs} ms)`, lags, bytes, polls };
    }
    await sleep(everyMs);
  }
}

const memory = [
  await memoryPer('SSE', () => direct('/api/v1/events')),
  await memoryPer('WebSocket', () => new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${progressPort}/api/v1/ws`, { headers: { 'X-Jobcast-Tenant': 'dev' } });
    ws.onopen = () => resolve(ws);
  })),
];
const heldId = await submit(1, 60000);
memory.push(await memoryPer('long poll (held)', () => direct(`/api/v1/jobs/${heldId}/progress?after=2&wait=30`)));

const steps = 100;
const id = await submit(steps, 20);
const runs = await Promise.all([followSse(id), followWs(id), followLongPoll(id), followShortPoll(id, 500)]);

console.log(`| transport | events seen | latency p50 | p99 | max | bytes per update | requests |`);
console.log(`|---|---|---|---|---|---|---|`);
for (const r of runs) {
  console.log(`| ${r.transport} | ${r.lags.length} | ${percentile(r.lags, 50)} ms | ${percentile(r.lags, 99)} ms | ${Math.max(...r.lags)} ms | ${Math.round(r.bytes / r.lags.length)} | ${r.polls ?? 1} |`);
}
console.log();
console.log(`| connection kind (${idle} idle, on progress-service) | live heap per connection | RSS growth per connection |`);
console.log(`|---|---|---|`);
for (const m of memory) console.log(`| ${m.kind} | ${m.heapPer} B | ${m.rssPer} B |`);
process.exit(0);
