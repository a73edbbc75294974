#!/usr/bin/env node
// ./jobcast queues: your limits and pauses (docs/flow-control.md) from a terminal. The gateway is
// JOBCAST_URL (default http://localhost:8080), the key JOBCAST_API_KEY (X-API-Key); ./jobcast sets
// both for the suite it runs. Refusals are problem documents (docs/problems.md), printed as such.
import { parseArgs } from 'node:util';
import { BASE_URL, Refused, run, call as send } from './gateway.mjs';

const API_KEY = process.env.JOBCAST_API_KEY || '';

const USAGE = `Usage: ./jobcast queues <command>

  list                                    your limits and pauses, and the jobs they count running and hold
  pause [TYPE]                            pause jobs of TYPE, or all of your jobs: running ones finish, no other starts
  resume [TYPE]                           resume them: the jobs the pause held start
  limit TYPE [--concurrency N] [--per-key M]
                                          at most N jobs of TYPE at once, M per concurrencyKey (left out: removed)
  limit --all [--concurrency N]           at most N of all your jobs at once (left out: removed)

Gateway: JOBCAST_URL (${BASE_URL}); API key: JOBCAST_API_KEY (sent as X-API-Key).`;

/** A call with this command's credential. */
function call(method, path, body) {
  if (!API_KEY) throw new Refused('no API key: set JOBCAST_API_KEY (./jobcast sets the suite\'s dev key)');
  return send(method, path, body, { 'X-API-Key': API_KEY });
}

const held = (gates, prefix) => Object.entries(gates.held || {})
  .filter(([gate]) => gate === prefix || gate.startsWith(`${prefix}:`)).reduce((sum, [, n]) => sum + n, 0);

/** One line per gate: what is set, what runs, what waits. */
function describe(gates) {
  const lines = [];
  const tenant = gates.concurrency ? `at most ${gates.concurrency} at once, ${gates.running?.tenant ?? 0} running` : 'no limit';
  lines.push(`${'all jobs'.padEnd(14)} ${gates.paused ? 'PAUSED' : 'running'}  ${tenant}  held ${held(gates, 'tenant') + held(gates, 'paused:tenant')}`);
  for (const [type, gate] of Object.entries(gates.types || {})) {
    const limits = [gate.concurrency && `at most ${gate.concurrency} at once (${gates.running?.[`type:${type}`] ?? 0} running)`,
      gate.perKey && `${gate.perKey} per key`].filter(Boolean).join(', ') || 'no limit';
    const waiting = held(gates, `type:${type}`) + held(gates, `key:${type}`) + held(gates, `paused:type:${type}`);
    lines.push(`${type.padEnd(14)} ${gate.paused ? 'PAUSED' : 'running'}  ${limits}  held ${waiting}`);
  }
  return lines;
}

function limitsOf(options) {
  const limits = {};
  for (const [flag, field] of [['concurrency', 'concurrency'], ['per-key', 'perKey']]) {
    if (options[flag] !== undefined) {
      if (!/^\d+$/.test(options[flag])) throw new Refused(`--${flag} must be a whole number, was ${options[flag]}`);
      limits[field] = Number(options[flag]);
    }
  }
  return limits;
}

async function main(args) {
  const [command, ...rest] = args;
  const type = rest[0] && !rest[0].startsWith('--') ? encodeURIComponent(rest[0]) : null;
  switch (command) {
    case undefined:
    case 'list':
      describe(await call('GET', '/api/v1/limits')).forEach((line) => console.log(line));
      return;
    case 'pause':
    case 'resume': {
      const gates = await call('POST', type ? `/api/v1/queues/${type}/${command}` : `/api/v1/${command}`);
      console.log(`${command === 'pause' ? 'paused' : 'resumed'}    ${type ? decodeURIComponent(type) : 'all of your jobs'}`);
      describe(gates).forEach((line) => console.log(line));
      return;
    }
    case 'limit': {
      const { values, positionals } = parseArgs({
        args: rest, allowPositionals: true,
        options: { all: { type: 'boolean' }, concurrency: { type: 'string' }, 'per-key': { type: 'string' } },
      });
      if (values.all === (positionals.length === 1) || positionals.length > 1) throw new Refused('queues limit TYPE [...] or queues limit --all [...]');
      if (values.all && values['per-key'] !== undefined) throw new Refused('--per-key is a type\'s limit: queues limit TYPE --per-key M');
      const gates = await call('PUT', values.all ? '/api/v1/limits/tenant' : `/api/v1/limits/types/${encodeURIComponent(positionals[0])}`,
        limitsOf(values));
      describe(gates).forEach((line) => console.log(line));
      return;
    }
    case '--help':
    case 'help':
      console.log(USAGE);
      return;
    default:
      throw new Refused(`unknown command ${command}\n\n${USAGE}`);
  }
}

run('queues', main);
