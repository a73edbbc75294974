import { isTerminal, type JobEvent, type Target } from '../types';
import type { Env, Link, LinkHandlers } from './link';
import { apiUrl, failureOfProblem } from './link';

/** RFC 6455 close codes the gateway and progress-service use. */
const TRY_AGAIN_LATER = 1013;
/** A replica (or the gateway) is stopping, or went away: reconnect at once and resume. */
const SERVICE_RESTART = 1012;
/** How long an unused socket stays open, so a transport switch or a resubscription reuses it. */
const LINGER_MS = 2000;

interface SocketSubscription {
  target: Target;
  after: number;
  handlers: LinkHandlers;
  confirmed: boolean;
  probe?: ReturnType<typeof setTimeout>;
}

/**
 * One WebSocket carrying many subscriptions. The server keys subscriptions by job id, and allows a
 * single all-jobs subscription per socket; its event frames do not say which subscription they
 * answer. So a socket carries either job subscriptions (frames routed by `jobId`) or one all-jobs
 * subscription, and the pool opens one socket of each kind that is in use.
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

  add(target: Target, after: number, handlers: LinkHandlers): Link {
    const key = target.kind === 'job' ? target.jobId : '*';
    const subscription: SocketSubscription = { target, after, handlers, confirmed: false };
    this.subscriptions.set(key, subscription);
    clearTimeout(this.linger);
    if (!this.socket && !this.connecting) void this.connect();
    else if (this.opened) this.subscribe(key, subscription);
    const remove = () => {
      if (this.subscriptions.get(key) !== subscription) return;
      clearTimeout(subscription.probe);
      this.subscriptions.delete(key);
      if (this.opened) this.send(target.kind === 'job' ? { op: 'unsubscribe', jobId: key } : { op: 'unsubscribe', all: true });
      if (this.subscriptions.size === 0) this.linger = setTimeout(() => this.shutDown(), LINGER_MS);
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
    this.send(target.kind === 'job'
      ? { op: 'subscribe', jobId: key, after }
      : { op: 'subscribe', all: true, after, type: target.type, tag: target.tag });
    if (!subscription.confirmed) {
      clearTimeout(subscription.probe);
      subscription.probe = setTimeout(() => {
        // No acknowledgement in time: a proxy holds the frames back. Give the socket up.
        this.closeSocket(4000, 'no acknowledgement');
        this.failAll({ kind: 'refused', detail: `no answer on the WebSocket within ${this.env.probeTimeoutMs} ms` });
      }, this.env.probeTimeoutMs);
    }
  }

  private receive(data: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame.op === 'string') {
      const key = frame.all === true || (frame.op === 'error' && !frame.jobId) ? '*' : String(frame.jobId);
      const subscription = this.subscriptions.get(key);
      if (!subscription) return;
      if (frame.op === 'subscribed') this.confirm(subscription);
      if (frame.op === 'error') {
        this.subscriptions.delete(key);
        clearTimeout(subscription.probe);
        const status = Number(frame.status);
        const problem = { type: String(frame.type), title: String(frame.title), status, detail: frame.detail as string | undefined };
        subscription.handlers.failed(failureOfProblem(problem));
      }
      return;
    }
    const event = frame as unknown as JobEvent;
    const key = this.subscriptions.has('*') ? '*' : event.jobId;
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    this.confirm(subscription);
    subscription.handlers.events([event]);
    if (subscription.target.kind === 'job' && isTerminal(event)) {
      // The server ends a job's subscription after its terminal event.
      this.subscriptions.delete(key);
      subscription.handlers.ended();
      if (this.subscriptions.size === 0) this.linger = setTimeout(() => this.shutDown(), LINGER_MS);
    }
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

/** The WebSocket transport: one socket for all job subscriptions, one per all-jobs subscription. */
export class WebSocketTransport {
  private readonly sockets = new Map<string, Socket>();

  open(target: Target, after: number, handlers: LinkHandlers, env: Env): Link {
    const key = target.kind === 'job' ? 'jobs' : `all:${target.type ?? ''}|${target.tag ?? ''}`;
    let socket = this.sockets.get(key);
    if (!socket) {
      const created: Socket = new Socket(env, () => {
        if (this.sockets.get(key) === created) this.sockets.delete(key);
      });
      socket = created;
      this.sockets.set(key, socket);
    }
    return socket.add(target, after, handlers);
  }
}
