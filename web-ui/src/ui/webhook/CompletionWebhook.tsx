/**
 * Where the job's completion webhook goes (`onComplete.url`), and how its latest delivery went:
 * the server tries again with backoff until it is answered 2xx, and each try says so live.
 */
export function CompletionWebhook({ url, status }: { url: string; status: string | undefined }) {
  return (
    <section aria-labelledby="webhook-title" className="card">
      <h2 id="webhook-title">Completion webhook</h2>
      <p><code className="webhook-url" data-testid="webhook-url">{url}</code></p>
      <p className={status ? undefined : 'muted'} data-testid="webhook-status">
        {status ?? 'Not sent yet: it goes out when the job ends.'}
      </p>
    </section>
  );
}
