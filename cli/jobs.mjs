#!/usr/bin/env node
// ./jobcast jobs: submit, follow and list Jobcast jobs from a terminal.
//
// One dependency-free ES module for Node 20+ (global fetch with streaming bodies, util.parseArgs).
// The gateway is JOBCAST_URL (default http://localhost:8080), the key JOBCAST_API_KEY (X-API-Key);
// ./jobcast sets both for the suite it runs. Contracts: web-ui/src/api/openapi.json for the API,
// docs/transports.md for event streams and, in "Live output", for a job's log and outputs.
import { parseArgs } from 'node:util';

const BASE_URL = (process.env.JOBCAST_URL || 'http://localhost:8080').replace(/\/+$/, '');
const API_KEY = process.env.JOBCAST_API_KEY || '';

const STATES = ['QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD'];
// FAILED is not terminal (a retry or DEAD follows), so the stream never ends on it; it maps to 1 anyway.
const TERMINAL = new Set(['SUCCEEDED', 'CANCELLED', 'DEAD']);
const EXIT_CODES = { SUCCEEDED: 0, FAILED: 1, DEAD: 1, CANCELLED: 2 };
const EXIT_ERROR = 3;

const RELIST_MS = 1000; // outputs are listed at most once a second (the contract)
const QUIET_RELIST_MS = 5000; // a job may log without reporting progress: look for outputs anyway
const STALL_MS = 45_000; // the server comments every 15 s on an idle stream: three missed is a dead one
const GIVE_UP_MS = 5 * 60_000; // no answer at all for this long: stop retrying and say so
const BACKOFF_MS = [250, 15_000]; // first and longest wait between reconnects

const HELP = {
  jobs: `Usage: ./jobcast jobs <command> [options]

  submit TYPE [PAYLOAD_JSON] [--follow]   submit a job and print its id; --follow: then follow it
  follow ID                               follow a job's progress, log and outputs until it ends
  ls [--state S] [--type T] [--limit N]   list your jobs, newest first
  <command> --help                        more about a command

Gateway: JOBCAST_URL (${BASE_URL}); API key: JOBCAST_API_KEY (sent as X-API-Key).
Exit codes: 0 SUCCEEDED, 1 FAILED or DEAD, 2 CANCELLED, 3 a usage or HTTP error.`,
  submit: `Usage: ./jobcast jobs submit TYPE [PAYLOAD_JSON] [--follow]

Submits a job (POST /api/v1/jobs with {"type":TYPE,"payload":PAYLOAD}) and prints its id.
PAYLOAD_JSON is a JSON object, the handler's input, e.g. '{"steps":10,"stepMillis":500}'.
  -f, --follow   then follow the job as \`follow\` does, and exit with its code`,
  follow: `Usage: ./jobcast jobs follow ID

Follows a job until it ends: its events (state and progress) and, at the same time, its log and
other outputs as they are written. On a terminal: a progress bar (percent, ETA, message) at the
bottom, the log and outputs above it. Otherwise plain lines ("RUNNING 40% rendering") and the
outputs' text as it comes. A dropped connection is resumed where it stopped, nothing lost or doubled.
Exit codes: 0 SUCCEEDED, 1 FAILED or DEAD, 2 CANCELLED, 3 a usage or HTTP error.`,
  ls: `Usage: ./jobcast jobs ls [--state S] [--type T] [--limit N] [--tag T] [--from T] [--to T] [--cursor C]

Lists your jobs, newest first (GET /api/v1/jobs): id, type, state, percent, created.
  --state S    only jobs in this state: ${STATES.join(', ')} (DEAD: the dead-letter list)
  --type T     only jobs of this type
  --limit N    jobs per page, 1-100 (the API's default: 20)
  --tag T      only jobs with this tag
  --from T     created at or after T (ISO-8601)
  --to T       created at or before T (ISO-8601)
  --cursor C   the next page, from what the previous one printed`,
};

// ---------------------------------------------------------------- errors

/** An error the user can act on: printed without a stack, exit code 3. */
class CliError extends Error {
  constructor(message, details = []) {
    super(message);
    this.details = details;
  }
}

/** Wrong arguments: also points at the command's --help. */
class UsageError extends CliError {
  constructor(message, command) {
    super(message, [`see ./jobcast jobs ${command === 'jobs' ? '' : `${command} `}--help`]);
  }
}

/** An HTTP answer that is not a success, from its RFC 9457 problem document when there is one. */
class ApiError extends CliError {
  constructor(status, problem) {
    const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.detail}`);
    super(`${problem.title} (HTTP ${status})`, [problem.detail, ...fields].filter(Boolean));
    this.title = problem.title;
    this.status = status;
    this.type = problem.type;
  }
}

/** The gateway did not answer at all (down, wrong address). Streams retry these. */
class NetworkError extends CliError {}

/** A stream that broke off mid-way; streams resume after these. */
class DroppedError extends Error {}

// ---------------------------------------------------------------- HTTP

async function send(path, { method = 'GET', headers = {}, body, signal } = {}) {
  const init = { method, signal, headers: { Accept: 'application/json', ...headers } };
  if (API_KEY) init.headers['X-API-Key'] = API_KEY;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  try {
    return await fetch(BASE_URL + path, init);
  } catch (error) {
    if (error.name === 'AbortError') throw new DroppedError('stalled', { cause: error });
    const why = error.cause?.code ?? error.cause?.message ?? error.message;
    throw new NetworkError(`cannot reach the gateway at ${BASE_URL} (${why})`, ['is the suite running? ./jobcast start']);
  }
}

/** A JSON request: the answer's body, or an ApiError. */
async function call(path, options) {
  const response = await send(path, options);
  if (!response.ok) throw await problemOf(response);
  return response.status === 204 ? null : response.json();
}

async function problemOf(response) {
  const text = await response.text().catch(() => '');
  const problem = parseJson(text);
  if (problem && typeof problem.title === 'string') return new ApiError(response.status, problem);
  return new ApiError(response.status, { title: response.statusText || 'HTTP error', detail: text.trim().slice(0, 300) });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
function retryAfterMs(response) {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- Server-Sent Events

/**
 * The messages of an SSE body: {event, data, id} per complete event, {retry} per retry: field.
 * An event cut off by a drop (no blank line yet) is never yielded, as the SSE rules say: the
 * resume asks for it again. A broken connection surfaces as a DroppedError.
 */
async function* sseMessages(body, onBytes) {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data = [];
  let id;
  try {
    for await (const chunk of body) {
      onBytes();
      buffer += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        // Lines end in \n or \r\n here (Vert.x writes \n); a lone \r as a line end is not supported.
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (data.length) yield { event: event || 'message', data: data.join('\n'), id };
          event = '';
          data = [];
          id = undefined;
          continue;
        }
        if (line.startsWith(':')) continue; // a keep-alive comment, or a reason before the stream ends
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) yield { retry: Number(value) };
      }
    }
  } catch (error) {
    throw new DroppedError('the stream broke off', { cause: error });
  }
}

function sseHeaders(resumeFrom) {
  const headers = { Accept: 'text/event-stream' };
  if (resumeFrom > 0) headers['Last-Event-ID'] = String(resumeFrom);
  return headers;
}

function backoffMs(failures) {
  const ms = Math.min(BACKOFF_MS[1], BACKOFF_MS[0] * 2 ** failures);
  return ms / 2 + (Math.random() * ms) / 2; // jitter, so that many clients do not come back at once
}

/**
 * Follows one SSE stream through drops until `handle` returns true for a message.
 *
 * `open(signal)` makes the request and is called again after every drop, so it resumes from
 * wherever the caller got to. Waits between tries grow with each try that brought nothing; the
 * server's `retry:` and Retry-After are floors (it sends them when it wants clients elsewhere or
 * later). 429 and 5xx are retried; any other refusal goes to `refused(response)`, which returns
 * true when the stream is done, false to reconnect at once, or throws.
 */
async function resumable({ label, open, handle, refused, note }) {
  let failures = 0;
  let serverRetryMs = 0;
  let lastAnswer = Date.now();
  for (;;) {
    const connection = new AbortController();
    let stall;
    const alive = () => {
      clearTimeout(stall);
      stall = setTimeout(() => connection.abort(), STALL_MS);
    };
    let why = 'the stream ended early';
    let retryAfter = 0; // this answer's Retry-After; retry: (above) holds for the rest of the stream's life
    try {
      alive();
      const response = await open(connection.signal);
      if (response.ok) {
        lastAnswer = Date.now();
        for await (const message of sseMessages(response.body, alive)) {
          if (message.retry !== undefined) {
            serverRetryMs = message.retry;
            continue;
          }
          failures = 0;
          if (await handle(message)) return;
        }
      } else if (response.status === 429 || response.status >= 500) {
        why = `HTTP ${response.status}`;
        retryAfter = retryAfterMs(response) ?? 0;
        await response.body?.cancel();
      } else if (await refused(response)) {
        return;
      } else {
        failures = 0; // the refusal was dealt with (a 410 by a snapshot): reconnect at once
        continue;
      }
    } catch (error) {
      if (!(error instanceof NetworkError || error instanceof DroppedError)) throw error;
      why = error.message;
    } finally {
      clearTimeout(stall);
      connection.abort(); // releases the socket whatever happened
    }
    if (Date.now() - lastAnswer > GIVE_UP_MS) throw new CliError(`gave up on the ${label}: ${why} for 5 minutes`);
    const wait = Math.max(serverRetryMs, retryAfter, backoffMs(failures));
    // The first reconnect is routine (a replica moving its clients); say something from the second on.
    if (failures > 0) note(`${label}: ${why}; trying again in ${(wait / 1000).toFixed(1)} s`);
    failures += 1;
    await sleep(wait);
  }
}

// ---------------------------------------------------------------- following a job

/** Follows a job's events and outputs until it ends; resolves to the exit code of its final state. */
async function followJob(id) {
  const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
  await call(path); // a wrong id, key or address fails here at once (exit 3), not after retries
  const screen = process.stdout.isTTY ? new TtyScreen(process.stdout) : new PlainScreen(process.stdout);
  const outputs = new OutputWatcher(path, screen);
  const interrupted = () => {
    screen.close(); // leaves the terminal clean: no bar half drawn
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    outputs.start();
    const final = await followEvents(path, screen, () => outputs.poke());
    await outputs.finish(); // the streams of the outputs end once everything was delivered
    return EXIT_CODES[final.state] ?? EXIT_ERROR;
  } finally {
    outputs.stop();
    screen.close(); // prints the final state last, after every output
    process.off('SIGINT', interrupted);
  }
}

/** The job's events over SSE, from the start of its history, resumed by seq; returns the terminal event. */
async function followEvents(path, screen, onEvent) {
  let lastSeq = 0;
  let final;
  const apply = (event) => {
    screen.event(event);
    onEvent();
    if (event.type === 'state' && TERMINAL.has(event.state)) final = event;
    return final !== undefined;
  };
  await resumable({
    label: 'event stream',
    note: (text) => screen.note(text),
    open: (signal) => send(`${path}/events`, { signal, headers: sseHeaders(lastSeq) }),
    handle(message) {
      const event = parseJson(message.data);
      if (typeof event?.seq !== 'number' || event.seq <= lastSeq) return false; // not an event, or one seen already
      lastSeq = event.seq;
      return apply(event);
    },
    async refused(response) {
      const problem = await problemOf(response);
      if (response.status !== 410) throw problem;
      // Too late to resume: the events we missed are gone, the job's current state stands in for them.
      const job = await call(path);
      screen.note(`${problem.title}: going on from the job as it is now (seq ${job.lastSeq})`);
      lastSeq = job.lastSeq;
      return apply(snapshotEvent(job));
    },
  });
  return final;
}

/** A job read with GET, shaped like the state event that brought it there. */
function snapshotEvent(job) {
  return {
    seq: job.lastSeq,
    type: 'state',
    state: job.state,
    percent: job.progress?.percent ?? 0,
    message: job.progress?.message ?? '',
    attempt: job.attempt,
    error: job.error,
    timestamp: job.updatedAt,
  };
}

/**
 * Finds a job's outputs (the log is one of them) and follows each as it appears. The list is read
 * at once, when events arrive (at most once a second), every few seconds while nothing happens,
 * and a last time after the job ended, so that an output written just before the end is not missed.
 */
class OutputWatcher {
  #followers = new Map();
  #queue = Promise.resolve(true);
  #lastList = 0;
  #pending;
  #quiet;

  constructor(path, screen) {
    this.path = path;
    this.screen = screen;
  }

  start() {
    this.#list();
    this.#quiet = setInterval(() => Date.now() - this.#lastList >= QUIET_RELIST_MS && this.poke(), QUIET_RELIST_MS);
  }

  /** Lists again now, or once the second since the last list is over (one pending list at most). */
  poke() {
    if (this.#pending) return;
    const wait = this.#lastList + RELIST_MS - Date.now();
    if (wait <= 0) this.#list();
    else this.#pending = setTimeout(() => ((this.#pending = undefined), this.#list()), wait);
  }

  async finish() {
    this.stop();
    let listed = false;
    for (let tries = 0; !listed && tries < 3; tries += 1) {
      if (tries) await sleep(1000);
      listed = await this.#list();
    }
    if (!listed) this.screen.note('could not list the outputs after the job ended; some may be missing');
    await Promise.all(this.#followers.values());
  }

  stop() {
    clearTimeout(this.#pending);
    clearInterval(this.#quiet);
    this.#pending = undefined;
  }

  // Lists run one after another, so that two never start a follower for the same output.
  #list() {
    this.#lastList = Date.now();
    this.#queue = this.#queue.then(() => this.#listOnce());
    return this.#queue;
  }

  async #listOnce() {
    let answer;
    try {
      answer = await call(`${this.path}/outputs`);
    } catch (error) {
      if (error instanceof CliError) return false; // a later list (there is always a last one) tries again
      throw error;
    }
    for (const { name } of answer?.outputs ?? []) {
      if (this.#followers.has(name)) continue;
      this.screen.addOutput(name);
      this.#followers.set(name, followOutput(this.path, name, this.screen));
    }
    return true;
  }
}

/**
 * One output over SSE from offset 0, resumed from the last byte offset after a drop. The offsets
 * decide what is new: a frame (or the part of one) that ends at or before what was printed is
 * skipped, so a resume that overlaps prints nothing twice. Never throws: one output that cannot be
 * followed is reported, the rest go on.
 */
async function followOutput(path, name, screen) {
  let offset = 0;
  let attempt;
  try {
    await resumable({
      label: `output ${name}`,
      note: (text) => screen.note(text),
      open: (signal) => send(`${path}/output/${encodeURIComponent(name)}`, { signal, headers: sseHeaders(offset) }),
      handle(message) {
        if (message.event === 'end') return true;
        const frame = message.event === 'output' ? parseJson(message.data) : undefined;
        if (typeof frame?.text !== 'string') return false;
        const bytes = Buffer.from(frame.text, 'utf8');
        const start = Number.isInteger(frame.offset) ? frame.offset : offset;
        if (start + bytes.length <= offset) return false;
        if (attempt !== undefined && frame.attempt !== attempt) screen.section(name, frame.attempt);
        attempt = frame.attempt;
        screen.text(name, bytes.subarray(Math.max(0, offset - start)).toString('utf8'));
        offset = start + bytes.length;
        return false;
      },
      async refused(response) {
        throw await problemOf(response);
      },
    });
  } catch (error) {
    screen.note(`output ${name}: ${error.message}`);
  }
  screen.textEnd(name);
}

// ---------------------------------------------------------------- progress and ETA

/** The job as the events tell it, with an ETA from the rate of progress of the current attempt. */
class JobProgress {
  state = 'QUEUED';
  percent = 0;
  message = '';
  #attempt;
  #first; // {t, percent}: where the rate is measured from
  #eta; // {ms, seenAt}

  apply(event) {
    // Server timestamps measure the rate, so a replayed history gives the same ETA as a live one.
    const t = Date.parse(event.timestamp) || Date.now();
    this.state = event.state ?? this.state;
    this.percent = Math.max(0, Math.min(100, event.percent ?? this.percent));
    this.message = event.message ?? this.message;
    const sameRun = this.state === 'RUNNING' && this.#first && event.attempt === this.#attempt && this.percent >= this.#first.percent;
    if (!sameRun) {
      // A new attempt starts from its own beginning; a job not running has no rate.
      this.#attempt = event.attempt;
      this.#first = this.state === 'RUNNING' ? { t, percent: this.percent } : undefined;
      this.#eta = undefined;
      return;
    }
    const perMs = (this.percent - this.#first.percent) / (t - this.#first.t);
    this.#eta = perMs > 0 && Number.isFinite(perMs) ? { ms: (100 - this.percent) / perMs, seenAt: Date.now() } : undefined;
  }

  /** Milliseconds left, counting down between events on the local clock; undefined when unknown. */
  etaMs() {
    if (!this.#eta || this.state !== 'RUNNING' || this.percent >= 100) return undefined;
    return Math.max(0, this.#eta.ms - (Date.now() - this.#eta.seenAt));
  }
}

function formatDuration(ms) {
  const total = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const mmss = `${String(m).padStart(h ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  return h ? `${h}:${mmss}` : mmss;
}

/** "RUNNING 40% rendering", with the error of a failed attempt. */
function statusLine(event) {
  const message = clean(event.message ?? '');
  let line = `${event.state} ${event.percent ?? 0}%${message ? ` ${message}` : ''}`;
  if (event.type === 'state' && event.attempt > 1 && event.state === 'RUNNING') line += ` (attempt ${event.attempt})`;
  if (event.error) line += ` - ${clean(event.error)}`;
  return line;
}

/** Control characters in a message would move the cursor: one line, printable. */
const clean = (text) => String(text).replace(/[\x00-\x1f\x7f]+/g, ' ').trim();

// ---------------------------------------------------------------- screens

/** What both screens share: which outputs exist, and how their lines are told apart. */
class Screen {
  #outputs = new Set();

  constructor(out) {
    this.out = out;
    this.progress = new JobProgress();
  }

  addOutput(name) {
    this.#outputs.add(name);
  }

  /** The log's lines carry their own time and level; other outputs get their name once there are several. */
  prefix(name) {
    if (name === 'log') return '';
    const others = [...this.#outputs].filter((n) => n !== 'log').length;
    return others > 1 ? `${name}| ` : '';
  }

  section(name, attempt) {
    this.line(`--- ${name}: attempt ${attempt} ---`);
  }
}

/** Puts `prefix` before every line of `text` that starts in it (and before its start, at a line start). */
function withPrefix(text, prefix, atLineStart) {
  if (!prefix) return text;
  return (atLineStart ? prefix : '') + text.replace(/\n(?=[^])/g, `\n${prefix}`);
}

/**
 * Not a terminal: plain lines, no escape codes. A status line when the state changes or the percent
 * passes a tenth (each line breaks the text, so not on every event); output text written as it comes. A line only ever holds one source: when another
 * source writes while a line is unfinished, a newline ends it first.
 */
class PlainScreen extends Screen {
  #last = '';
  #final;
  #openLine; // the output whose line is unfinished, if any

  #tenth = -1;

  event(event) {
    this.progress.apply(event);
    // The final line is kept until the outputs are through, so that it is the last thing printed.
    if (event.type === 'state' && TERMINAL.has(event.state)) {
      this.#final = event;
      return;
    }
    const tenth = Math.floor((event.percent ?? 0) / 10);
    if (event.type === 'state' || tenth !== this.#tenth) {
      this.#tenth = tenth;
      this.#status(statusLine(event));
    }
  }

  text(name, text) {
    if (!text) return;
    const continues = this.#openLine === name;
    if (this.#openLine !== undefined && !continues) this.out.write('\n');
    this.out.write(withPrefix(text, this.prefix(name), !continues));
    this.#openLine = text.endsWith('\n') ? undefined : name;
  }

  textEnd() {}

  line(text) {
    if (this.#openLine !== undefined) this.out.write('\n');
    this.#openLine = undefined;
    this.out.write(`${text}\n`);
  }

  note(text) {
    process.stderr.write(`jobs: ${text}\n`);
  }

  close() {
    if (this.#final) this.#status(statusLine(this.#final));
    else if (this.#openLine !== undefined) this.line('');
    this.#final = undefined;
  }

  #status(line) {
    if (line === this.#last) return;
    this.#last = line;
    this.line(line);
  }
}

const ESC = '\x1b[';
const CLEAR_LINE = `\r${ESC}2K`;
const useColor = !process.env.NO_COLOR;
const paint = (code, text) => (useColor ? `${ESC}${code}m${text}${ESC}0m` : text);
const STATE_COLORS = { SUCCEEDED: '32', FAILED: '31', DEAD: '31', CANCELLED: '33' };
const BAR_CELLS = 24;

/**
 * A terminal: one progress bar line at the bottom, redrawn in place (\r, clear line); everything
 * else is printed above it by clearing the bar, writing whole lines and drawing the bar again. An
 * output's unfinished line waits for its newline (or the output's end), because the bar has to
 * start on a line of its own.
 */
class TtyScreen extends Screen {
  #partial = new Map();
  #final;
  #ticker;
  #closed = false;

  constructor(out) {
    super(out);
    // The ETA counts down between events.
    this.#ticker = setInterval(() => this.#draw(), 1000);
  }

  event(event) {
    this.progress.apply(event);
    if (event.type === 'state' && TERMINAL.has(event.state)) this.#final = event;
    else if (event.type === 'state') this.line(paint(STATE_COLORS[event.state] ?? '1', statusLine(event)));
    this.#draw();
  }

  text(name, text) {
    const buffered = (this.#partial.get(name) ?? '') + text;
    const cut = buffered.lastIndexOf('\n') + 1;
    this.#partial.set(name, buffered.slice(cut));
    if (cut) this.#above(withPrefix(buffered.slice(0, cut), this.#prefix(name), true));
  }

  textEnd(name) {
    const rest = this.#partial.get(name);
    this.#partial.delete(name);
    if (rest) this.#above(withPrefix(`${rest}\n`, this.#prefix(name), true));
  }

  #prefix(name) {
    const prefix = this.prefix(name);
    return prefix && paint('2', prefix);
  }

  line(text) {
    this.#above(`${text}\n`);
  }

  note(text) {
    this.line(paint('2', text));
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ticker);
    for (const name of [...this.#partial.keys()]) this.textEnd(name);
    const final = this.#final ? `${paint(STATE_COLORS[this.#final.state], statusLine(this.#final))}\n` : '';
    this.out.write(CLEAR_LINE + final);
  }

  #above(text) {
    this.out.write(CLEAR_LINE + text + (this.#closed ? '' : this.#bar()));
  }

  #draw() {
    if (!this.#closed) this.out.write(CLEAR_LINE + this.#bar());
  }

  #bar() {
    const { state, percent, message } = this.progress;
    const filled = Math.round((percent / 100) * BAR_CELLS);
    let bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)} ${String(percent).padStart(3)}%`;
    if (state !== 'RUNNING') bar += ` ${state}`;
    const eta = this.progress.etaMs();
    if (eta !== undefined) bar += `  ETA ${formatDuration(eta)}`;
    if (message) bar += `  ${clean(message)}`;
    // One column short of the width: a line that fills it would wrap, and \r would redraw the wrong line.
    return [...bar].slice(0, Math.max(10, (this.out.columns || 80) - 1)).join('');
  }
}

// ---------------------------------------------------------------- commands

function parse(command, args, options = {}) {
  try {
    return parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error.message, command);
  }
}

function help(command) {
  process.stdout.write(`${HELP[command]}\n`);
  return 0;
}

async function submit(args) {
  const { values, positionals } = parse('submit', args, { follow: { type: 'boolean', short: 'f' } });
  if (values.help) return help('submit');
  const [type, payloadJson, ...extra] = positionals;
  if (!type || extra.length) throw new UsageError('submit takes TYPE and at most one PAYLOAD_JSON', 'submit');
  const body = { type };
  if (payloadJson !== undefined) body.payload = parsePayload(payloadJson);
  const job = await call('/api/v1/jobs', { method: 'POST', body });
  process.stdout.write(`${job.id}\n`);
  return values.follow ? followJob(job.id) : 0;
}

function parsePayload(text) {
  const payload = parseJson(text);
  // The API takes an object only (JobSubmission.payload); say so here rather than as a 400.
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new UsageError(`PAYLOAD_JSON must be a JSON object, like '{"steps":10}' (got ${text})`, 'submit');
  }
  return payload;
}

async function follow(args) {
  const { values, positionals } = parse('follow', args);
  if (values.help) return help('follow');
  if (positionals.length !== 1) throw new UsageError('follow takes one job id', 'follow');
  return followJob(positionals[0]);
}

// The query parameters of GET /api/v1/jobs, one option each.
const LIST_FILTERS = ['state', 'type', 'limit', 'tag', 'from', 'to', 'cursor'];

async function ls(args) {
  const options = Object.fromEntries(LIST_FILTERS.map((name) => [name, { type: 'string' }]));
  const { values, positionals } = parse('ls', args, options);
  if (values.help) return help('ls');
  if (positionals.length) throw new UsageError(`ls takes options only (got ${positionals.join(' ')})`, 'ls');
  if (values.state !== undefined) {
    values.state = values.state.toUpperCase();
    if (!STATES.includes(values.state)) throw new UsageError(`--state is one of ${STATES.join(', ')}`, 'ls');
  }
  if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) throw new UsageError('--limit is a number, 1-100', 'ls');
  const query = new URLSearchParams(LIST_FILTERS.filter((name) => values[name] !== undefined).map((name) => [name, values[name]]));
  const page = await call(`/api/v1/jobs${String(query) ? `?${query}` : ''}`);
  const rows = (page.jobs ?? []).map((job) => [
    job.id,
    job.type,
    job.state,
    `${job.progress?.percent ?? 0}%`,
    String(job.createdAt ?? '').replace(/\.\d+Z$/, 'Z'),
  ]);
  if (!rows.length) process.stderr.write('no jobs\n');
  else process.stdout.write(table(['ID', 'TYPE', 'STATE', 'PERCENT', 'CREATED'], rows, [false, false, false, true, false]));
  if (page.next) process.stderr.write(`more: ${['./jobcast jobs ls', ...withoutCursor(args), '--cursor', page.next].join(' ')}\n`);
  return 0;
}

/** The arguments of this ls without its --cursor, to ask for the next page. */
function withoutCursor(args) {
  const kept = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--cursor') i += 1;
    else if (!args[i].startsWith('--cursor=')) kept.push(args[i]);
  }
  return kept;
}

/** Columns padded to their widest cell, two spaces apart; `right[i]` aligns column i to the right. */
function table(header, rows, right) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const format = (row) => row.map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}

// ---------------------------------------------------------------- main

const COMMANDS = { submit, follow, ls };

async function main([command, ...args]) {
  if (command === undefined || ['help', '--help', '-h'].includes(command)) return help('jobs');
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${command}`, 'jobs');
  return COMMANDS[command](args);
}

function report(error) {
  if (!(error instanceof CliError)) {
    process.stderr.write(`jobs: ${error.stack ?? error}\n`);
    return;
  }
  process.stderr.write(`jobs: ${error.message}\n`);
  for (const line of error.details) process.stderr.write(`  ${line}\n`);
}

// `./jobcast jobs ls | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error) => process.exit(error.code === 'EPIPE' ? 0 : EXIT_ERROR));

const code = await main(process.argv.slice(2)).catch((error) => {
  report(error);
  return EXIT_ERROR;
});
// Exit at once: idle keep-alive sockets would otherwise hold the process for a few seconds.
process.stdout.write('', () => process.exit(code));
