import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, createSiteFixture, type SiteFixture } from '../../test/analytics';
import { bearer, createTeam, createTestApp, createUser, type TestApp, type TestUser } from '../../test/helpers';

let t: TestApp;
let owner: TestUser;
let teamId: number;
let site: SiteFixture;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createUser(t, 'Owner');
  teamId = await createTeam(t, owner, 'business');
  site = await createSiteFixture(t);
});
afterAll(() => t.close());

const PROBLEM = /^application\/problem\+json/;
const users = async () => Number((await t.db.selectFrom('users').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const monitors = async () => Number((await t.db.selectFrom('monitors').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('text must be well-formed Unicode (issue 18)', () => {
  it('refuses a lone surrogate in a JSON body with 400 naming the field, creating nothing', async () => {
    const before = await users();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      // The escape reaches JSON.parse as written: "\ud800" alone is a lone high surrogate.
      payload: '{"name":"Ann \\ud800","email":"ann.lone@example.test","password":"correct horse battery"}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json().errors).toEqual([{ path: 'body.name', message: expect.stringMatching(/well-formed/) }]);
    expect(await users()).toBe(before);
  });

  it('refuses a lone low surrogate nested in an array and in an object key', async () => {
    const before = await monitors();
    for (const payload of [
      '{"name":"x","type":"http","url":"https://example.com/","headers":{"X-\\udc00":"v"}}',
      '{"name":"x","type":"http","url":"https://example.com/","channel_ids":[1],"expected_status":"\\udfff"}',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/teams/${teamId}/monitors`,
        headers: { ...bearer(owner), 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/^body\.(headers\.\(key\)|expected_status): contains a lone UTF-16 surrogate/);
    }
    expect(await monitors()).toBe(before);
  });

  it('refuses body bytes that are not UTF-8 instead of reading them as U+FFFD', async () => {
    const before = await users();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([Buffer.from('{"name":"Bad '), Buffer.from([0xff, 0xfe]), Buffer.from('","email":"bad.bytes@example.test","password":"correct horse battery"}')]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(await users()).toBe(before);
  });

  it('accepts astral characters (a well-formed surrogate pair) and stores them unchanged', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"Zoë \\ud83d\\ude80","email":"rocket@example.test","password":"correct horse battery"}',
    });
    expect(res.statusCode).toBe(201);
    const row = await t.db.selectFrom('users').select('name').where('email', '=', 'rocket@example.test').executeTakeFirstOrThrow();
    expect(row.name).toBe('Zoë 🚀');
  });

  it('refuses percent-encoded surrogates and invalid UTF-8 in the query string', async () => {
    for (const q of ['%ED%A0%80', '%FF', 'a%C3']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/teams/${teamId}/monitors?cursor=${q}`, headers: bearer(owner) });
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).not.toContain(q);
    }
  });

  it('refuses a lone surrogate in a collect beacon sent as text/plain', async () => {
    const res = await collect(t.app, undefined, { raw: `{"site":"${site.code}","name":"pageview","url":"https://example.com/\\ud800"}`, contentType: 'text/plain' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.url');
  });
});

describe('framework errors are problem+json and never echo the URL', () => {
  const secret = 'probe-aaaaaaaaaaaa-7f3e';

  it('answers 414 for a path segment longer than the router matches', async () => {
    const long = `${secret}${'x'.repeat(200)}`;
    const res = await t.app.inject({ method: 'GET', url: `/api/heartbeat/${long}` });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.json()).toMatchObject({ status: 414, title: 'URI too long' });
    expect(res.body).not.toContain(secret);
  });

  it('answers 404 for an unknown route without quoting it', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/${secret}?token=${secret}` });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).not.toContain(secret);
    // Security headers of the main context still apply.
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/api/health' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.headers['content-type']).toMatch(PROBLEM);
    const team = await t.app.inject({ method: 'PUT', url: `/api/teams/${teamId}/monitors/1`, headers: bearer(owner) });
    expect(team.statusCode).toBe(405);
    expect(team.headers.allow).toBe('GET, PATCH, DELETE, HEAD');
  });

  it('answers 400 for a URL with broken percent-encoding', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/heartbeat/${secret}%E0%A4%A` });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).not.toContain(secret);
  });

  it('answers 400 for bad JSON, 415 for another media type, 413 for too large a body', async () => {
    const headers = { ...bearer(owner), 'content-type': 'application/json' };
    const bad = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers, payload: '{"name": ' });
    expect([bad.statusCode, bad.json().detail]).toEqual([400, 'The body is not valid JSON.']);
    const empty = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers, payload: '' });
    expect(empty.statusCode).toBe(400);
    const text = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers: { ...bearer(owner), 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
    const big = await t.app.inject({ method: 'POST', url: `/api/teams/${teamId}/monitors`, headers, payload: JSON.stringify({ name: 'x'.repeat(600 * 1024) }) });
    expect(big.statusCode).toBe(413);
    for (const res of [bad, empty, text, big]) expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('keeps prototype-poisoning protection in the JSON parser', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"a@example.test","password":"correct horse battery","__proto__":{"admin":true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('answers what the HTTP parser refuses with a problem+json 400 on a real socket', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(`GET /api/${secret} HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, title: 'Bad request' });
    expect(raw).not.toContain(secret);
  });
});
