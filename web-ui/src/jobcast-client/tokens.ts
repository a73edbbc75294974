/**
 * Stream tokens: EventSource and WebSocket cannot send headers and an API key must never travel in
 * a URL, so every stream, poll and socket carries a short-lived read-only token (`?token=`),
 * issued by `POST /api/v1/stream-tokens`. A page gets them from its own server, or with the
 * user's API key.
 */
export interface IssuedToken {
  token: string;
  /** ISO-8601; without it the token is used until the server refuses it. */
  expiresAt?: string;
}

/** A fixed token (e.g. rendered into the page by the site's server), or a function that issues one. */
export type TokenProvider = string | (() => Promise<string | IssuedToken>);

/** Hands out a current token: cached, renewed ahead of its expiry, one request at a time. */
export class TokenSource {
  private current: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly provider: TokenProvider,
    /** Renew this long before the expiry, so a token never expires between issue and use. */
    private readonly renewBeforeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (typeof this.provider === 'string') return this.provider;
    if (this.current && this.current.expiresAt - this.renewBeforeMs > this.now()) return this.current.token;
    this.pending ??= this.issue().finally(() => (this.pending = null));
    return this.pending;
  }

  /** The server refused the token (401): the next get() asks for a new one. */
  invalidate(): void {
    this.current = null;
  }

  private async issue(): Promise<string> {
    const issued = await (this.provider as () => Promise<string | IssuedToken>)();
    const { token, expiresAt } = typeof issued === 'string' ? { token: issued, expiresAt: undefined } : issued;
    this.current = { token, expiresAt: expiresAt ? Date.parse(expiresAt) : Number.POSITIVE_INFINITY };
    return token;
  }
}
