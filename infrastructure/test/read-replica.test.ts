import { createDb, sql, type Db } from '@sentrypulse/db';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '@sentrypulse/db/testing';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/compose';
import { freePort, startApi, waitForHttp, type Proc } from './support/processes';

// DATABASE_READ_URL in a real api process. The "replica" is made the way an operator seeds one:
// backup.sh of the primary, restore.sh into another database. Rows that exist only on the
// replica show up in stats; writes land on the primary only.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let primary: TestDatabase;
let replicaName: string;
let replica: Db;
let server: Db;
let api: Proc;
let base: string;
let token: string;
let teamId: number;
let siteId: number;
const dir = mkdtempSync(join(tmpdir(), 'sp-replica-'));

function urlFor(name: string) {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

function script(name: string, args: string[], env: Record<string, string>) {
  const res = spawnSync('bash', [join(ROOT, 'infrastructure', name), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return res.stdout.trim();
}

async function post(path: string, body: unknown, auth = true) {
  const res = await fetch(`${base}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

beforeAll(async () => {
  primary = await createTestDatabase('replicaprimary');
  server = createDb(new URL('/', TEST_SERVER_URL).toString(), { connectionLimit: 1 });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: primary.url,
    REDIS_URL,
    REDIS_PREFIX: `spreplica${randomBytes(3).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
  };

  // 1. Account, team and site on the primary (an api without a replica).
  let setup = startApi(env, 'api-setup');
  await waitForHttp(`${base}/api/health`, setup);
  const reg = await post('/auth/register', { name: 'Reader', email: `reader${randomBytes(3).toString('hex')}@example.test`, password: 'correct horse battery staple' }, false);
  expect(reg.status).toBe(201);
  token = reg.json.access_token;
  teamId = reg.json.team.id;
  const site = await post(`/teams/${teamId}/sites`, { name: 'Replica site', domain: 'example.com' });
  expect(site.status).toBe(201);
  siteId = site.json.id;
  expect(await setup.stop()).toBe(0);

  // 2. Seed the replica from a backup of the primary.
  replicaName = `sp_replica_${randomBytes(4).toString('hex')}`;
  const file = script('backup.sh', [], { DATABASE_URL: primary.url, BACKUP_DIR: dir });
  script('restore.sh', [file], { DATABASE_URL: urlFor(replicaName) });
  replica = createDb(urlFor(replicaName), { connectionLimit: 2 });

  // 3. Pageviews that only the replica has (as if replication were ahead of a stale primary).
  const now = Date.now();
  await replica
    .insertInto('pageviews_raw')
    .values(
      [1, 2, 3].map((i) => ({
        site_id: siteId, ts: new Date(now - i * 1_000), event_id: randomBytes(16), visitor_id: randomBytes(8), visit_id: i,
        name: 'pageview', hostname: 'example.com', pathname: '/', entry_page: '/', referrer_source: '', utm_source: '',
        utm_medium: '', utm_campaign: '', browser: 'Firefox', os: 'Linux', device: 'desktop', country: 'DE', props: null,
      })),
    )
    .execute();

  // 4. The api as deployed with a read replica.
  api = setup = startApi({ ...env, DATABASE_READ_URL: urlFor(replicaName) });
  await waitForHttp(`${base}/api/ready`, api);
});

afterAll(async () => {
  expect(await api?.stop()).toBe(0);
  await replica?.destroy();
  if (replicaName) await sql`DROP DATABASE IF EXISTS ${sql.id(replicaName)}`.execute(server);
  await server?.destroy();
  await primary?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DATABASE_READ_URL', () => {
  it('serves stats from the replica', async () => {
    const res = await fetch(`${base}/api/teams/${teamId}/sites/${siteId}/realtime`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ visitors: 3, pageviews: 3 });
    const onPrimary = await primary.db.selectFrom('pageviews_raw').select(primary.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(onPrimary.n)).toBe(0);
  });

  it('sends writes to the primary only', async () => {
    const site = await post(`/teams/${teamId}/sites`, { name: 'Second', domain: 'second.example.com' });
    expect(site.status).toBe(201);
    const onPrimary = await primary.db.selectFrom('sites').select('name').where('id', '=', site.json.id).execute();
    const onReplica = await replica.selectFrom('sites').select('name').where('id', '=', site.json.id).execute();
    expect(onPrimary).toEqual([{ name: 'Second' }]);
    expect(onReplica).toEqual([]);
  });
});
