// Tests of cli/queues.mjs against a fake API (node:http): node --test cli/
// job-service's side is tested by its LimitsScriptTest and FlowControlTest, the two together by system-tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./queues.mjs', import.meta.url));
const KEY = 'jc_test';

async function fakeApi() {
  const gates = { concurrency: null, paused: false, types: {}, running: {}, held: {} };
  const seen = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push(`${req.method} ${req.url} ${body}`);
    const send = (status, value, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(JSON.stringify(value));
    };
    if (req.headers['x-api-key'] !== KEY) return send(401, { title: 'Not authenticated', status: 401, detail: 'Send a key.' }, 'application/problem+json');
    const type = (req.url.match(/^\/api\/v1\/(?:queues|limits\/types)\/([^/]+)/) || [])[1];
    if (req.method === 'POST' && req.url.endsWith('/pause')) {
      if (type) gates.types[type] = { ...gates.types[type], paused: true }; else gates.paused = true;
      gates.held[type ? `paused:type:${type}` : 'paused:tenant'] = 2;
    } else if (req.method === 'POST' && req.url.endsWith('/resume')) {
      if (type) gates.types[type] = { ...gates.types[type], paused: false }; else gates.paused = false;
      delete gates.held[type ? `paused:type:${type}` : 'paused:tenant'];
    } else if (req.method === 'PUT' && type) {
      const limits = JSON.parse(body);
      if (limits.perKey !== undefined && limits.perKey < 1) {
        return send(400, { title: 'Invalid request', status: 400, detail: '1 invalid field(s)', errors: [{ field: 'perKey', detail: 'must be an integer from 1 to 100000' }] }, 'application/problem+json');
      }
      gates.types[type] = { ...limits, paused: gates.types[type]?.paused ?? false };
      gates.running[`type:${type}`] = 1;
    } else if (req.method === 'PUT' && req.url === '/api/v1/limits/tenant') {
      gates.concurrency = JSON.parse(body).concurrency ?? null;
    } else if (!(req.method === 'GET' && req.url === '/api/v1/limits')) {
      return send(404, { title: 'No such endpoint', status: 404, detail: req.url }, 'application/problem+json');
    }
    return send(200, gates);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

function queues(url, args, key = KEY) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, JOBCAST_URL: url, JOBCAST_API_KEY: key } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('pause and resume a type, and all of your jobs, with what each holds', async () => {
  const api = await fakeApi();
  try {
    const paused = await queues(api.url, ['pause', 'demo.sleep']);
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stdout, /^paused {4}demo\.sleep$/m);
    assert.match(paused.stdout, /^demo\.sleep +PAUSED .* held 2$/m);
    const resumed = await queues(api.url, ['resume', 'demo.sleep']);
    assert.match(resumed.stdout, /^demo\.sleep +running .* held 0$/m);
    const all = await queues(api.url, ['pause']);
    assert.match(all.stdout, /^all jobs +PAUSED {2}no limit {2}held 2$/m);
    assert.deepEqual(api.seen.map((line) => line.trim()), ['POST /api/v1/queues/demo.sleep/pause', 'POST /api/v1/queues/demo.sleep/resume', 'POST /api/v1/pause']);
  } finally {
    await api.close();
  }
});

test('limits are set with flags, removed when left out, and a refusal names the field', async () => {
  const api = await fakeApi();
  try {
    const set = await queues(api.url, ['limit', 'demo.sleep', '--concurrency', '10', '--per-key', '3']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^demo\.sleep +running {2}at most 10 at once \(1 running\), 3 per key {2}held 0$/m);
    assert.equal(api.seen.at(-1), 'PUT /api/v1/limits/types/demo.sleep {"concurrency":10,"perKey":3}');
    await queues(api.url, ['limit', '--all']);
    assert.equal(api.seen.at(-1), 'PUT /api/v1/limits/tenant {}');
    const refused = await queues(api.url, ['limit', 'demo.sleep', '--per-key', '0']);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /400 Invalid request: 1 invalid field\(s\)\n {2}perKey: must be an integer from 1 to 100000/);
    const bad = await queues(api.url, ['limit', 'demo.sleep', '--per-key', 'many']);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /--per-key must be a whole number/);
  } finally {
    await api.close();
  }
});

test('without a key, or without a gateway, it says what to do', async () => {
  const noKey = await queues('http://127.0.0.1:9', ['list'], '');
  assert.equal(noKey.code, 3);
  assert.match(noKey.stderr, /set JOBCAST_API_KEY/);
  const away = await queues('http://127.0.0.1:9', ['list']);
  assert.equal(away.code, 3);
  assert.match(away.stderr, /does not answer .* start the suite first/);
});
