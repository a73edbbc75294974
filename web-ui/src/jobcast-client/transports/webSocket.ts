import { isTerminal, type JobEvent, type JobState, type OutputFrame, type Problem, type Target } from '../types';
import type { Env, Link, LinkHandlers } from './link';
import { apiUrl, failureOfProblem } from './link';
import { outputIsQuiet } from './output';

/** RFC 6455 close codes the gateway and progress-service use. */
const TRY_AGAIN_LATER = 1013;
/** A replica (or the gateway) is stopping, or went away: reconnect at once and resume. */
const SERVICE_RESTART = 1012;
/** How long an unused socket stays open, so a transport switch or a resubscription reuses it. */
const LINGER_MS = 2000;

interface SocketSubscription {
  target: Target;
  after: number;
  handlers: LinkHandlers<JobEvent> | LinkHandlers<OutputFrame>;
  confirmed: boolean;
  probe?: ReturnType<typeof setTimeout>;
}

/** How the server tells a socket's subscriptions apart: by job id, by job id and output name, or the one all-jobs subscription. */
function keyOf(target: Target): string {
  if (target.kind === 'job') return target.jobId;
  if (target.kind === 'output') return outputKey(target.jobId, target.output);
  return '*';
}

function outputKey(jobId: string, output: string): string {
  return `${jobId} ${output}`;
}

/**
 * One WebSocket carrying many subscriptions. The server keys subscriptions by job id (outputs by
 * job id and name), and allows a single all-jobs subscription per socket; its event frames do not
 * say which subscription they answer. So a socket carries either job subscriptions (events routed
 * by `jobId`, output frames by `jobId` and `output`) or one all-jobs subscription, and the pool
 * opens one socket of each kind that is in use.
 */
class Socket {
  private socket: WebSocket | null = null;
  /** Waiting for a token: subscriptions added meanwhile go out when the socket opens. */
  private connecting = false;
  private opened = false;
  /** Some subscription was acknowledged: the path to the server works, so a close is a drop, not a block. */
  private proven = false;
  private linger?: ReturnType<typeof setTimeout>;
  private readonly subscriptions = new Map<string, SocketSubscription>();

  constructor(
    private readonly env: Env,
    private readonly onEmpty: () => void,
  ) {}

  /** Whether a subscription with the key of `target` is on this socket. */
  carries(target: Target): boolean {
    return this.subscriptions.has(keyOf(target));
  }

  add(target: Target, after: number, handlers: SocketSubscription['handlers']): Link {
    const key = keyOf(target);
    const subscription: SocketSubscription = { target, after, handlers, confirmed: false };
    this.subscriptions.set(key, subscription);
    clearTimeout(this.linger);
    if (!this.socket && !this.connecting) void this.connect();
    else if (this.opened) this.subscribe(key, subscription);
    const remove = () => {
      if (this.subscriptions.get(key) !== subscription) return;
      clearTimeout(subscription.probe);
      this.subscriptions.delete(key);
      if (this.opened) this.send({ op: 'unsubscribe', ...idOf(target) });
      this.lingerIfUnused();
    };
    return {
      close: remove,
      rewind: (earlier) => {
        subscription.after = earlier;
        if (this.opened) this.subscribe(key, subscription); // the server replaces the subscription
      },
    };
  }

  private async connect(): Promise<void> {
    let token: string;
    this.connecting = true;
    try {
      token = await this.env.tokens.get();
    } catch (error) {
      this.connecting = false;
      this.failAll({ kind: 'dropped', detail: `no stream token: ${error}` });
      return;
    }
    this.connecting = false;
    if (this.subscriptions.size === 0) return;
    const url = apiUrl(this.env, '/api/v1/ws', { token });
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new this.env.WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.opened = true;
      this.subscriptions.forEach((subscription, key) => this.subscribe(key, subscription));
    };
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.opened = false;
      const busy = close.code === TRY_AGAIN_LATER;
      const restarting = close.code === SERVICE_RESTART;
      const reason = `WebSocket closed (${close.code}${close.reason ? ': ' + close.reason : ''})`;
      // A socket that never had a subscription acknowledged counts as refused: blocked, or buffered on the way.
      this.failAll({ kind: busy || restarting || this.proven ? 'dropped' : 'refused', detail: reason,
        retryAfterMs: busy ? 2000 : undefined });
    };
  }

  private subscribe(key: string, subscription: SocketSubscription): void {
    const { target, after } = subscription;
    this.send({ op: 'subscribe', ...idOf(target), after, ...(target.kind === 'all' ? { type: target.type, tag: target.tag } : {}) });
    if (!subscription.confirmed) {
      clearTimeout(subscription.probe);
      subscription.probe = setTimeout(() => void this.silent(key, subscription), this.env.probeTimeoutMs);
    }
  }

  /** No answer in time: a proxy holds the frames back (give the socket up), unless an output merely has nothing new. */
  private async silent(key: string, subscription: SocketSubscription): Promise<void> {
    if (subscription.target.kind === 'output') {
      const quiet = await outputIsQuiet(this.env, subscription.target, subscription.after);
      if (this.subscriptions.get(key) !== subscription || subscription.confirmed) return;
      if (quiet === true) {
        this.confirm(subscription);
        return;
      }
      if (quiet !== false) {
        this.subscriptions.delete(key);
        subscription.handlers.failed(quiet);
        this.lingerIfUnused();
        return;
      }
    }
    this.closeSocket(4000, 'no acknowledgement');
    this.failAll({ kind: 'refused', detail: `no answer on the WebSocket within ${this.env.probeTimeoutMs} ms` });
  }

  private receive(data: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    const output = typeof frame.output === 'string' ? frame.output : null;
    if (typeof frame.op === 'string') {
      if (frame.op === 'error' && output === null && String(frame.type).startsWith('/problems/output')) {
        this.failOutputsOf(String(frame.jobId), frame);
        return;
      }
      const key = output !== null ? outputKey(String(frame.jobId), output)
        : frame.all === true || (frame.op === 'error' && !frame.jobId) ? '*' : String(frame.jobId);
      const subscription = this.subscriptions.get(key);
      if (!subscription) return;
      if (frame.op === 'subscribed') this.confirm(subscription);
      if (frame.op === 'output-end' && output !== null) {
        // The server ends an output's subscription once the job ended and every byte went out.
        this.confirm(subscription);
        this.subscriptions.delete(key);
        subscription.handlers.ended({ jobId: String(frame.jobId), output, length: Number(frame.length), state: frame.state as JobState });
        this.lingerIfUnused();
      }
      if (frame.op === 'error') {
        this.subscriptions.delete(key);
        clearTimeout(subscription.probe);
        subscription.handlers.failed(failureOfProblem(problemOf(frame)));
      }
      return;
    }
    if (output !== null) {
      const subscription = this.subscriptions.get(outputKey(String(frame.jobId), output));
      if (!subscription) return;
      this.confirm(subscription);
      (subscription.handlers as LinkHandlers<OutputFrame>).events([frame as unknown as OutputFrame]);
      return;
    }
    const event = frame as unknown as JobEvent;
    const key = this.subscriptions.has('*') ? '*' : event.jobId;
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    this.confirm(subscription);
    (subscription.handlers as LinkHandlers<JobEvent>).events([event]);
    if (subscription.target.kind === 'job' && isTerminal(event)) {
      // The server ends a job's subscription after its terminal event.
      this.subscriptions.delete(key);
      subscription.handlers.ended();
      this.lingerIfUnused();
    }
  }

  /**
   * An error about an output that does not say which one (an error frame names only the job):
   * it must not end the job's event subscription, so it goes to that job's output subscriptions.
   */
  private failOutputsOf(jobId: string, frame: Record<string, unknown>): void {
    for (const [key, subscription] of [...this.subscriptions]) {
      if (subscription.target.kind !== 'output' || subscription.target.jobId !== jobId) continue;
      this.subscriptions.delete(key);
      clearTimeout(subscription.probe);
      subscription.handlers.failed(failureOfProblem(problemOf(frame)));
    }
    this.lingerIfUnused();
  }

  private lingerIfUnused(): void {
    if (this.subscriptions.size === 0) this.linger = setTimeout(() => this.shutDown(), LINGER_MS);
  }

  private confirm(subscription: SocketSubscription): void {
    if (subscription.confirmed) return;
    subscription.confirmed = true;
    this.proven = true;
    clearTimeout(subscription.probe);
    subscription.handlers.confirmed();
  }

  private failAll(failure: Parameters<LinkHandlers['failed']>[0]): void {
    const failed = [...this.subscriptions.values()];
    this.subscriptions.clear();
    this.closeSocket(1000, 'failed');
    this.onEmpty();
    for (const subscription of failed) {
      clearTimeout(subscription.probe);
      subscription.handlers.failed(failure);
    }
  }

  private send(frame: object): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private closeSocket(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.opened = false;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      try {
        socket.close(code, reason);
      } catch {
        // already closing
      }
    }
  }

  private shutDown(): void {
    if (this.subscriptions.size > 0) return;
    this.closeSocket(1000, 'no subscriptions');
    this.onEmpty();
  }
}

function problemOf(frame: Record<string, unknown>): Problem {
  return { type: String(frame.type), title: String(frame.title), status: Number(frame.status), detail: frame.detail as string | undefined };
}

/** What names a subscription in the messages to the server. */
function idOf(target: Target): object {
  if (target.kind === 'output') return { jobId: target.jobId, output: target.output };
  return target.kind === 'job' ? { jobId: target.jobId } : { all: true };
}

/**
 * The WebSocket transport: one socket for all job and output subscriptions, one per all-jobs
 * subscription. The server keeps one subscription per key on a socket (a second subscribe
 * replaces the first), so a subscription whose key a socket already carries for another feed (a
 * tab's chosen transport beside the feed it leads for the other tabs) goes on a socket of its own.
 */
export class WebSocketTransport {
  private readonly sockets = new Map<string, Socket[]>();

  open(target: Target, after: number, handlers: LinkHandlers<JobEvent> | LinkHandlers<OutputFrame>, env: Env): Link {
    const kind = target.kind === 'all' ? `all:${target.type ?? ''}|${target.tag ?? ''}` : 'jobs';
    const pool = this.sockets.get(kind) ?? [];
    let socket = pool.find((candidate) => !candidate.carries(target));
    if (!socket) {
      const created: Socket = new Socket(env, () => {
        const left = (this.sockets.get(kind) ?? []).filter((other) => other !== created);
        if (left.length > 0) this.sockets.set(kind, left);
        else this.sockets.delete(kind);
      });
      socket = created;
      this.sockets.set(kind, [...pool, created]);
    }
    return socket.add(target, after, handlers);
  }
}
