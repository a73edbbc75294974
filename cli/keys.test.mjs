// Tests of cli/keys.mjs against a fake admin API (node:http): node --test cli/
// The gateway's side is tested by api-gateway's KeyAdminTest, the two together by system-tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./keys.mjs', import.meta.url));
const ADMIN = 'adm_test';

async function fakeAdmin() {
  const keys = new Map();
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const send = (status, value, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${ADMIN}`) {
      return send(401, { type: '/problems/admin-unauthorized', title: 'Admin credential required', status: 401, detail: 'Send it.' }, 'application/problem+json');
    }
    if (req.method === 'POST' && req.url === '/admin/v1/api-keys') {
      const { tenant, name } = JSON.parse(body);
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(tenant)) {
        return send(400, { type: '/problems/invalid-request', title: 'Invalid request', status: 400, detail: '1 invalid field(s)', errors: [{ field: 'tenant', detail: 'must be a-z' }] }, 'application/problem+json');
      }
      const id = String(keys.size).padStart(12, '0');
      keys.set(id, { id, tenant, name, created: '2026-12-06T12:00:00Z' });
      return send(201, { ...keys.get(id), key: `jc_made_${id}` });
    }
    if (req.method === 'GET' && req.url === '/admin/v1/api-keys') return send(200, { keys: [...keys.values()] });
    const revoke = req.method === 'DELETE' && req.url.match(/^\/admin\/v1\/api-keys\/([0-9a-f]+)$/);
    if (revoke && keys.delete(revoke[1])) return send(204);
    return send(404, { type: '/problems/api-key-not-found', title: 'API key not found', status: 404, detail: `No API key has the id ${req.url.split('/').pop()}.` }, 'application/problem+json');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

function keys(url, args, adminKey = ADMIN) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, JOBCAST_URL: url, JOBCAST_ADMIN_KEY: adminKey } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a key is added (printed once), listed without the key, and revoked', async () => {
  const admin = await fakeAdmin();
  try {
    const added = await keys(admin.url, ['add', 'acme', 'ci runner']);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout.trim(), 'jc_made_000000000000');
    assert.match(added.stderr, /tenant acme, id 000000000000: store it now/);

    const listed = await keys(admin.url, ['list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n').map((line) => line.split(' ')[0]), ['KEY-ID', '000000000000']);
    assert.match(listed.stdout, /000000000000\s+acme\s+2026-12-06\s+ci runner/);
    assert.doesNotMatch(listed.stdout, /jc_made/);

    const revoked = await keys(admin.url, ['revoke', '000000000000']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.doesNotMatch((await keys(admin.url, ['list'])).stdout, /acme/);
  } finally {
    await admin.close();
  }
});

test('refusals are told plainly, with the fields that are wrong, and exit 3', async () => {
  const admin = await fakeAdmin();
  try {
    const invalid = await keys(admin.url, ['add', 'Not A Tenant']);
    assert.equal(invalid.code, 3);
    assert.match(invalid.stderr, /400 Invalid request: 1 invalid field\(s\)\n {2}tenant: must be a-z/);

    const unknown = await keys(admin.url, ['revoke', 'abcdef12']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /404 API key not found: No API key has the id abcdef12\./);

    const wrongCredential = await keys(admin.url, ['list'], 'adm_wrong');
    assert.equal(wrongCredential.code, 3);
    assert.match(wrongCredential.stderr, /401 Admin credential required/);

    const noCredential = await keys(admin.url, ['list'], '');
    assert.equal(noCredential.code, 3);
    assert.match(noCredential.stderr, /no admin credential: set JOBCAST_ADMIN_KEY/);
  } finally {
    await admin.close();
  }
});

test('a gateway that does not answer is named', async () => {
  const admin = await fakeAdmin();
  const { url } = admin;
  await admin.close();
  const down = await keys(url, ['list']);
  assert.equal(down.code, 3);
  assert.match(down.stderr, new RegExp(`the gateway at ${url} does not answer .*start the suite first`));
});
