#!/usr/bin/env node
// ./jobcast keys: make, list and revoke API keys through the gateway's admin API (docs/problems.md
// names its refusals). The gateway is JOBCAST_URL (default http://localhost:8080); the admin
// credential JOBCAST_ADMIN_KEY (Authorization: Bearer), which ./jobcast sets for the suite it runs.
import { BASE_URL, Refused, run, call as send } from './gateway.mjs';

const ADMIN_KEY = process.env.JOBCAST_ADMIN_KEY || '';
const KEYS = '/admin/v1/api-keys';

const USAGE = `Usage: ./jobcast keys <command>

  add TENANT [NAME]   a new API key for TENANT, printed once (store it now)
  list                the keys: id, tenant, created, name (never the keys themselves)
  revoke ID           revoke a key by the id list shows (8 or more of its hex digits)

Gateway: JOBCAST_URL (${BASE_URL}); admin credential: JOBCAST_ADMIN_KEY.`;

/** A call with this command's credential. */
function call(method, path, body) {
  if (!ADMIN_KEY) throw new Refused('no admin credential: set JOBCAST_ADMIN_KEY (./jobcast sets the suite\'s own)');
  return send(method, path, body, { Authorization: `Bearer ${ADMIN_KEY}` });
}

const row = (...cells) => cells.map((cell, i) => (i < 3 ? String(cell).padEnd([14, 24, 12][i]) : cell)).join(' ');

async function main(args) {
  const [command, ...rest] = args;
  switch (command) {
    case 'add': {
      if (rest.length < 1 || rest.length > 2) throw new Refused('keys add TENANT [NAME]');
      const made = await call('POST', KEYS, { tenant: rest[0], name: rest[1] || '' });
      console.log(made.key);
      console.error(`A key for tenant ${made.tenant}, id ${made.id}: store it now, it is not shown again.`);
      return;
    }
    case undefined:
    case 'list': {
      const { keys } = await call('GET', KEYS);
      console.log(row('KEY-ID', 'TENANT', 'CREATED', 'NAME'));
      for (const key of keys) console.log(row(key.id, key.tenant, String(key.created).slice(0, 10), key.name));
      return;
    }
    case 'revoke': {
      if (rest.length !== 1) throw new Refused('keys revoke ID (the id that keys list shows)');
      await call('DELETE', `${KEYS}/${encodeURIComponent(rest[0])}`);
      console.log(`revoked    key ${rest[0]} (the gateway stops accepting it at once, other gateways within 5 s)`);
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

run('keys', main);
