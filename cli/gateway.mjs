// What the small request/answer commands (./jobcast keys, ./jobcast queues) share: the gateway's
// address, a call that turns a refusal (a problem document, docs/problems.md) into one readable
// error, and how a command ends. jobs.mjs streams, so it keeps a fuller client of its own.
export const BASE_URL = (process.env.JOBCAST_URL || 'http://localhost:8080').replace(/\/+$/, '');
const EXIT_ERROR = 3;

/** A refusal, or a usage error: its message is all the user needs. */
export class Refused extends Error {}

/** Sends one request with `headers` (the credential) and answers its JSON, or throws Refused. */
export async function call(method, path, body, headers) {
  let response;
  try {
    response = await fetch(BASE_URL + path, {
      method,
      headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new Refused(`the gateway at ${BASE_URL} does not answer (${error.cause?.code || error.message}); start the suite first (./jobcast start)`);
  }
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const details = (parsed?.errors || []).map((e) => `\n  ${e.field}: ${e.detail}`).join('');
    throw new Refused(`${response.status} ${parsed?.title || response.statusText}: ${parsed?.detail || text}${details}`);
  }
  return parsed;
}

/** Runs a command's main with its arguments; a Refused ends it with its message and exit code 3. */
export function run(name, main) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`jobcast ${name}: ${error instanceof Refused ? error.message : error.stack}`);
    process.exit(EXIT_ERROR);
  });
}
