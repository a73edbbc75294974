/**
 * Leader election among the tabs of one origin: the tab holding a Web Lock leads (it keeps the
 * lock until it closes, and the browser releases it even if the tab crashes); the others queue for
 * the lock and take over in turn. Messages travel on a BroadcastChannel of the same name.
 */
export interface TabsEnvironment {
  locks?: LockManager;
  BroadcastChannel?: typeof BroadcastChannel;
}

export class Tabs<Message> {
  readonly id = Math.random().toString(36).slice(2, 10);
  /** Undefined until the election is decided (the first answer of the lock manager). */
  leading: boolean | undefined;
  private readonly channel: BroadcastChannel;
  private readonly abort = new AbortController();
  private release?: () => void;
  private closed = false;

  /** Null when the browser lacks Web Locks or BroadcastChannel: the tab then leads alone. */
  static create<M>(name: string, environment: TabsEnvironment, onLead: () => void, onMessage: (message: M) => void): Tabs<M> | null {
    if (!environment.locks || !environment.BroadcastChannel) return null;
    return new Tabs<M>(name, environment.locks, environment.BroadcastChannel, onLead, onMessage);
  }

  private constructor(
    name: string,
    locks: LockManager,
    Channel: typeof BroadcastChannel,
    private readonly onLead: () => void,
    onMessage: (message: Message) => void,
  ) {
    this.channel = new Channel(name);
    this.channel.onmessage = (message) => onMessage(message.data as Message);
    // Decisions are announced on a later microtask: the caller may not hold this object yet.
    const decided = () => queueMicrotask(() => this.onLead());
    const hold = () => {
      // Closed before the lock was granted (a page torn down at once, React's StrictMode):
      // give it back, or the next client of this page would wait for it forever.
      if (this.closed) return undefined;
      this.leading = true;
      decided();
      return new Promise<void>((resolve) => (this.release = resolve));
    };
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (lock) return hold();
      if (this.closed) return undefined;
      this.leading = false;
      decided();
      locks.request(name, { signal: this.abort.signal }, hold).catch(() => {
        // aborted on close
      });
      return undefined;
    }).catch(() => {
      // aborted on close
    });
  }

  post(message: Message): void {
    this.channel.postMessage(message);
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    this.release?.();
    this.channel.close();
  }
}
