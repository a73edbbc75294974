// Tests of cli/jobs.mjs against a fake gateway (node:http), no backend needed:
//   node --test cli/
// The fake speaks the contract of docs/transports.md: SSE events resumed by Last-Event-ID (seq),
// outputs listed and followed over SSE, resumed by Last-Event-ID (byte offset), 410 when too late.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./jobs.mjs', import.meta.url));
const KEY = 'jc_test_key';
const JOB_ID = '0b7f2d1e-5a52-4a8e-9a39-2f0f5c1d9e11';
const JOB_PATH = `/api/v1/jobs/${JOB_ID}`;

// ---------------------------------------------------------------- the fake gateway

/** Starts a server on a free port; `routes` maps "METHOD /path" to a handler(req, res, url). */
async function fakeGateway(routes) {
  const seen = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    seen.push({ method: req.method, path: url.pathname, headers: req.headers });
    if (req.headers['x-api-key'] !== KEY) return problem(res, 401, 'Unauthorized', 'no or wrong X-API-Key');
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return problem(res, 404, 'Not found', `${req.method} ${url.pathname}`);
    try {
      await route(req, res, url);
    } catch (error) {
      // A failed check in a handler shows up in the test as a 400 and the CLI's exit code.
      problem(res, 400, 'Fake gateway check failed', error.message);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function problem(res, status, title, detail, type = '/problems/test') {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type, title, status, detail }));
}

function openSse(req, res) {
  assert.equal(req.headers.accept, 'text/event-stream');
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.write(': hello\n\n');
}

const sseEvent = (event) => `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/** Writes `text`, then breaks the connection without ending the response, like a dying replica. */
function dropAfter(res, text) {
  res.write(text, () => res.socket.destroy());
}

function jobEvent(seq, type, state, percent, message, extra = {}) {
  const timestamp = new Date(Date.UTC(2026, 11, 6, 9, 0, seq)).toISOString();
  return { seq, tseq: seq, attempt: 1, jobId: JOB_ID, tenant: 'dev', jobType: 'demo.render', type, state, percent, message, timestamp, ...extra };
}

function job(fields) {
  return { id: JOB_ID, type: 'demo.render', state: 'RUNNING', progress: { percent: 0, message: '' }, attempt: 1, lastSeq: 0, ...fields };
}

/**
 * An output's SSE endpoint: the frames of `text` split at `cuts` (character indexes). The first
 * connection sends the frames before `dropAt` then half of the next one and breaks; later ones must
 * resume at the right byte offset (recorded in `resumes`) and get the rest and the end.
 */
function outputRoute(name, text, cuts, dropAt) {
  const pieces = [0, ...cuts, text.length].slice(1).map((end, i, ends) => text.slice(i ? ends[i - 1] : 0, end));
  const frames = [];
  let offset = 0;
  for (const piece of pieces) {
    frames.push({ jobId: JOB_ID, output: name, attempt: 1, offset, text: piece });
    offset += Buffer.byteLength(piece);
  }
  const frameText = (f) => `id: ${f.offset + Buffer.byteLength(f.text)}\nevent: output\ndata: ${JSON.stringify(f)}\n\n`;
  const resumes = [];
  const route = (req, res) => {
    openSse(req, res);
    const after = Number(req.headers['last-event-id'] ?? 0);
    resumes.push(after);
    const rest = frames.filter((f) => f.offset >= after);
    assert.ok(after === 0 || after === offset || frames.some((f) => f.offset === after), `resumed at ${after}, not at a frame's end`);
    if (resumes.length === 1 && dropAt !== undefined) {
      const partial = frameText(rest[dropAt]);
      return dropAfter(res, rest.slice(0, dropAt).map(frameText).join('') + partial.slice(0, partial.length / 2));
    }
    res.end(rest.map(frameText).join('') + `event: end\ndata: ${JSON.stringify({ jobId: JOB_ID, output: name, length: offset, state: 'SUCCEEDED' })}\n\n`);
  };
  return { route, resumes, length: offset };
}

// ---------------------------------------------------------------- running the CLI

/** Runs jobs.mjs with stdout a pipe or (`tty`) a terminal, through util-linux `script`. */
function runCli(gateway, ...args) {
  return runIn(gateway, false, args);
}

const quote = (arg) => `'${arg.replaceAll("'", "'\\''")}'`;
const hasScript = spawnSync('script', ['--version']).status === 0;

function runIn(gateway, tty, args) {
  const [command, argv] = tty
    ? ['script', ['-qec', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null']]
    : [process.execPath, [CLI, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { ...process.env, JOBCAST_URL: gateway.url, JOBCAST_API_KEY: KEY, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const occurrences = (haystack, needle) => haystack.split(needle).length - 1;

// ---------------------------------------------------------------- tests

test('follow survives a dropped event stream and a dropped output stream: the text once, exit 0', async (t) => {
  const events = [
    jobEvent(1, 'state', 'QUEUED', 0, ''),
    jobEvent(2, 'state', 'RUNNING', 0, ''),
    jobEvent(3, 'progress', 'RUNNING', 40, 'rendering'),
    jobEvent(4, 'progress', 'RUNNING', 80, 'encoding'),
    jobEvent(5, 'state', 'SUCCEEDED', 100, 'done', { result: { frames: 2 } }),
  ];
  // Multi-byte characters make byte offsets differ from string indexes; cuts fall mid-line.
  const TEXT = 'Rendering 2 frames\nframe 1 ✓ (12 ms)\nframe 2 ✓ (11 ms)\nwrote out.mp4 — 2 frames, 3.1 kB\n';
  const text = outputRoute('text', TEXT, [7, 30, 44, 60], 2);
  const eventResumes = [];
  let lists = 0;
  const gateway = await fakeGateway({
    [`GET ${JOB_PATH}`]: (req, res) => json(res, 200, job({ lastSeq: 2 })),
    [`GET ${JOB_PATH}/events`]: (req, res) => {
      openSse(req, res);
      const after = Number(req.headers['last-event-id'] ?? 0);
      eventResumes.push(after);
      if (eventResumes.length === 1) {
        // seq 1-3 whole, then seq 4 cut off: it must not count as received
        return dropAfter(res, events.slice(0, 3).map(sseEvent).join('') + sseEvent(events[3]).slice(0, 30));
      }
      res.end(events.filter((e) => e.seq > after).map(sseEvent).join(''));
    },
    // The output appears only after the first list: the CLI has to look again.
    [`GET ${JOB_PATH}/outputs`]: (req, res) => {
      lists += 1;
      const outputs = lists === 1 ? [] : [{ name: 'text', length: text.length, sections: [{ attempt: 1, offset: 0 }] }];
      json(res, 200, { jobId: JOB_ID, state: 'RUNNING', outputs });
    },
    [`GET ${JOB_PATH}/output/text`]: text.route,
  });
  t.after(gateway.close);

  const { code, stdout, stderr } = await runCli(gateway, 'follow', JOB_ID);

  assert.equal(code, 0, stderr);
  assert.deepEqual(eventResumes, [0, 3], 'the event stream resumes after the last whole event');
  assert.equal(text.resumes[0], 0);
  assert.equal(text.resumes[1], Buffer.byteLength(TEXT.slice(0, 30)), 'the output resumes at the byte offset it got to');
  assert.equal(occurrences(stdout, TEXT), 1, `the whole text exactly once in:\n${stdout}`);
  for (const line of ['QUEUED 0%', 'RUNNING 0%', 'RUNNING 40% rendering', 'RUNNING 80% encoding']) {
    assert.equal(occurrences(stdout, `${line}\n`), 1, `"${line}" once in:\n${stdout}`);
  }
  assert.ok(stdout.endsWith('SUCCEEDED 100% done\n'), `the final state comes last:\n${stdout}`);
  assert.doesNotMatch(stdout, /\x1b/, 'no escape codes when stdout is not a terminal');
  assert.ok(lists >= 2);
});

test('on a terminal: a progress bar, and the output text once above it', { skip: !hasScript && 'no util-linux script' }, async (t) => {
  const TEXT = 'first line\nsecond ✓ line\n';
  const text = outputRoute('text', TEXT, [5, 14], 1);
  const gateway = await fakeGateway({
    [`GET ${JOB_PATH}`]: (req, res) => json(res, 200, job({})),
    [`GET ${JOB_PATH}/events`]: (req, res) => {
      openSse(req, res);
      res.end([jobEvent(1, 'state', 'RUNNING', 0, ''), jobEvent(2, 'progress', 'RUNNING', 50, 'half'), jobEvent(3, 'state', 'SUCCEEDED', 100, 'done')].map(sseEvent).join(''));
    },
    [`GET ${JOB_PATH}/outputs`]: (req, res) => json(res, 200, { jobId: JOB_ID, state: 'SUCCEEDED', outputs: [{ name: 'text', length: text.length, sections: [] }] }),
    [`GET ${JOB_PATH}/output/text`]: text.route,
  });
  t.after(gateway.close);

  const { code, stdout } = await runIn(gateway, true, ['follow', JOB_ID]);

  assert.equal(code, 0, stdout);
  assert.match(stdout, /\x1b\[2K/, 'the bar is redrawn in place');
  assert.match(stdout, / 50%\s+ETA|\s50%\s+half/, 'the bar shows the percent');
  // What stays on the screen: every line as the terminal ends it, the bar's redraws cut away.
  const lines = stdout.split('\r\n').map((line) => line.split('\r').at(-1).replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
  assert.deepEqual(lines.filter((line) => line && !line.includes('%')), TEXT.trimEnd().split('\n'));
  assert.ok(lines.includes('SUCCEEDED 100% done'), stdout);
});

test('a 410 on resume re-reads the job and goes on from its lastSeq; DEAD exits 1', async (t) => {
  const eventResumes = [];
  const gateway = await fakeGateway({
    [`GET ${JOB_PATH}`]: (req, res) => json(res, 200, job({ lastSeq: 7, progress: { percent: 60, message: 'step 6' } })),
    [`GET ${JOB_PATH}/events`]: (req, res) => {
      const after = Number(req.headers['last-event-id'] ?? 0);
      eventResumes.push(after);
      if (after === 2) return problem(res, 410, 'Too late to resume', 'Events after 2 are no longer kept.', '/problems/history-expired');
      openSse(req, res);
      if (after === 0) return dropAfter(res, sseEvent(jobEvent(1, 'state', 'QUEUED', 0, '')) + sseEvent(jobEvent(2, 'state', 'RUNNING', 0, '')));
      assert.equal(after, 7, 'resumes from the snapshot');
      res.end(sseEvent(jobEvent(8, 'state', 'DEAD', 60, 'step 6', { error: 'out of attempts' })));
    },
    [`GET ${JOB_PATH}/outputs`]: (req, res) => json(res, 200, { jobId: JOB_ID, state: 'RUNNING', outputs: [] }),
  });
  t.after(gateway.close);

  const { code, stdout, stderr } = await runCli(gateway, 'follow', JOB_ID);

  assert.equal(code, 1, stderr);
  assert.deepEqual(eventResumes, [0, 2, 7]);
  assert.match(stderr, /Too late to resume/);
  assert.match(stdout, /RUNNING 60% step 6\n/);
  assert.ok(stdout.endsWith('DEAD 60% step 6 - out of attempts\n'), stdout);
});

test('several outputs: the log as it is, the others by name; CANCELLED exits 2', async (t) => {
  const LOG = '2026-12-06T09:00:01.123Z INFO  started\n2026-12-06T09:00:02.000Z WARN  slow disk\n    retrying\n';
  const log = outputRoute('log', LOG, [40]);
  const a = outputRoute('a', 'one\ntwo\n', [4]);
  const b = outputRoute('b', 'three\n', []);
  const gateway = await fakeGateway({
    [`GET ${JOB_PATH}`]: (req, res) => json(res, 200, job({})),
    [`GET ${JOB_PATH}/events`]: (req, res) => {
      openSse(req, res);
      res.end(sseEvent(jobEvent(1, 'state', 'RUNNING', 0, '')) + sseEvent(jobEvent(2, 'state', 'CANCELLED', 10, 'stopped')));
    },
    [`GET ${JOB_PATH}/outputs`]: (req, res) =>
      json(res, 200, { jobId: JOB_ID, state: 'CANCELLED', outputs: ['log', 'a', 'b'].map((name) => ({ name, length: 1, sections: [] })) }),
    [`GET ${JOB_PATH}/output/log`]: log.route,
    [`GET ${JOB_PATH}/output/a`]: a.route,
    [`GET ${JOB_PATH}/output/b`]: b.route,
  });
  t.after(gateway.close);

  const { code, stdout, stderr } = await runCli(gateway, 'follow', JOB_ID);

  assert.equal(code, 2, stderr);
  const lines = stdout.split('\n');
  for (const line of [...LOG.trimEnd().split('\n'), 'a| one', 'a| two', 'b| three']) {
    assert.equal(lines.filter((l) => l === line).length, 1, `"${line}" once in:\n${stdout}`);
  }
});

test('submit sends {type, payload} and prints the id; a refusal prints the problem and exits 3', async (t) => {
  const bodies = [];
  const gateway = await fakeGateway({
    'POST /api/v1/jobs': async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      bodies.push(JSON.parse(body));
      if (JSON.parse(body).type === 'nope') return problem(res, 422, 'Unknown job type', 'No worker registered type nope.');
      json(res, 202, job({ state: 'QUEUED', type: JSON.parse(body).type }));
    },
  });
  t.after(gateway.close);

  const ok = await runCli(gateway, 'submit', 'demo.sleep', '{"steps":2,"stepMillis":10}');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, `${JOB_ID}\n`);
  assert.deepEqual(bodies[0], { type: 'demo.sleep', payload: { steps: 2, stepMillis: 10 } });

  const refused = await runCli(gateway, 'submit', 'nope');
  assert.equal(refused.code, 3);
  assert.deepEqual(bodies[1], { type: 'nope' });
  assert.match(refused.stderr, /Unknown job type \(HTTP 422\)\n {2}No worker registered type nope\./);

  const bad = await runCli(gateway, 'submit', 'demo.sleep', '{not json');
  assert.equal(bad.code, 3);
  assert.equal(bodies.length, 2, 'a bad payload is refused before any request');
});

test('ls passes the filters and prints an aligned table', async (t) => {
  let query;
  const gateway = await fakeGateway({
    'GET /api/v1/jobs': (req, res, url) => {
      query = Object.fromEntries(url.searchParams);
      json(res, 200, {
        jobs: [
          job({ progress: { percent: 40, message: 'x' }, createdAt: '2026-12-06T09:00:01.123Z' }),
          job({ id: 'short', type: 't', state: 'SUCCEEDED', progress: { percent: 100, message: '' }, createdAt: '2026-12-06T08:00:00Z' }),
        ],
        next: null,
      });
    },
  });
  t.after(gateway.close);

  const { code, stdout, stderr } = await runCli(gateway, 'ls', '--state', 'running', '--type', 'demo.render', '--limit', '2');

  assert.equal(code, 0, stderr);
  assert.deepEqual(query, { state: 'RUNNING', type: 'demo.render', limit: '2' });
  const [header, first, second] = stdout.trimEnd().split('\n');
  for (const column of ['TYPE', 'STATE', 'CREATED']) {
    const at = header.indexOf(column);
    assert.ok(at > 0 && first[at - 1] === ' ' && first[at] !== ' ' && second[at] !== ' ', `${column} aligned:\n${stdout}`);
  }
  assert.match(first, /RUNNING\s+40%\s+2026-12-06T09:00:01Z$/);
  assert.match(second, /^short\s+t\s+SUCCEEDED\s+100%/);

  const usage = await runCli(gateway, 'ls', '--state', 'SLEEPING');
  assert.equal(usage.code, 3);
  assert.match(usage.stderr, /--state is one of/);
});
