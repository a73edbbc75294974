/**
 * Stand-ins for the browser APIs the client uses, driven by hand in tests: sockets and event
 * sources that record what the client did and let the test play the server's part.
 */
import type { JobEvent, OutputFrame } from '../types';

export function event(seq: number, over: Partial<JobEvent> = {}): JobEvent {
  return {
    seq,
    attempt: 1,
    tseq: 100 + seq,
    jobId: 'j1',
    tenant: 't',
    jobType: 'demo.sleep',
    type: 'progress',
    state: 'RUNNING',
    percent: Math.min(100, seq * 10),
    message: `step ${seq}`,
    timestamp: new Date().toISOString(),
    ...over,
  };
}

/** A frame of output `text` of job j1, attempt 1, at a byte offset. */
export function frame(offset: number, text: string, over: Partial<OutputFrame> = {}): OutputFrame {
  return { jobId: 'j1', output: 'text', attempt: 1, offset, text, ...over };
}

export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readonly sent: Record<string, unknown>[] = [];
  closed?: { code?: number; reason?: string };
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((close: { code: number; reason: string }) => void) | null = null;

  constructor(readonly url: URL) {
    FakeWebSocket.instances.push(this);
  }

  static get last(): FakeWebSocket {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }

  /** The server accepts the upgrade. */
  open() {
    this.onopen?.();
  }

  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Acknowledges every subscription sent so far, as the server does. */
  acknowledge() {
    for (const sent of this.sent.filter((f) => f.op === 'subscribe')) {
      const { op: _op, type: _type, tag: _tag, ...subscription } = sent;
      this.receive({ op: 'subscribed', ...subscription });
    }
  }

  /** The connection ends from the server's side (or is refused, before open). */
  drop(code = 1006, reason = '') {
    this.onclose?.({ code, reason });
  }
}

export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, ((message: MessageEvent) => void)[]>();

  constructor(readonly url: URL) {
    FakeEventSource.instances.push(this);
  }

  static get last(): FakeEventSource {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1];
  }

  addEventListener(type: string, listener: (message: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.closed = true;
  }

  emit(e: JobEvent) {
    this.send(e.type, e);
  }

  /** An event of the given name (`output`, `end`, …) with a JSON body. */
  send(name: string, body: object) {
    for (const listener of this.listeners.get(name) ?? []) listener({ data: JSON.stringify(body) } as MessageEvent);
  }

  fail() {
    this.onerror?.();
  }
}

/** A fetch answering from a list of routes; records every URL asked for. */
export function fakeFetch(route: (url: URL, init?: RequestInit) => Response | Promise<Response> | undefined) {
  const calls: URL[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    calls.push(url);
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const answer = await route(url, init);
    if (!answer) return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    return answer;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/**
 * Just enough of the Web Locks API for leader election: exclusive locks, ifAvailable, queued
 * requests granted in order when the holder's promise settles, and abort signals. As in a
 * browser, a lock is taken when it is granted but the callback runs later (a task after the
 * request): whoever asked may have been closed by then.
 */
export class FakeLocks {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, { grant: () => void; signal?: AbortSignal }[]>();

  request(name: string, optionsOrCallback: unknown, maybeCallback?: (lock: unknown) => unknown): Promise<unknown> {
    const options = (typeof optionsOrCallback === 'function' ? {} : optionsOrCallback) as { ifAvailable?: boolean; signal?: AbortSignal };
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as (lock: unknown) => unknown;
    if (options.ifAvailable && this.held.has(name)) return later(() => callback(null));
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.held.add(name);
        later(() => callback({ name })).then(resolve, reject).finally(() => {
          this.held.delete(name);
          const next = this.queues.get(name)?.shift();
          next?.grant();
        });
      };
      if (!this.held.has(name)) {
        grant();
        return;
      }
      const waiting = { grant, signal: options.signal };
      this.queues.set(name, [...(this.queues.get(name) ?? []), waiting]);
      options.signal?.addEventListener('abort', () => {
        this.queues.set(name, (this.queues.get(name) ?? []).filter((w) => w !== waiting));
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }
}

/** What `run` returns (or the promise it returns settles to), on a later task. */
function later<T>(run: () => T): Promise<Awaited<T>> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(run) as Promise<Awaited<T>>;
}
