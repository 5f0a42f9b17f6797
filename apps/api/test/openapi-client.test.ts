import createClient from 'openapi-fetch';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { paths } from '../openapi/schema';
import { createTestApp, type TestApp } from './helpers';

/**
 * An integrator's client: openapi-fetch typed by the openapi-typescript output the contract test
 * keeps current (apps/api/openapi/schema.d.ts), against the real API over HTTP. `pnpm typecheck`
 * checks the calls against the document; the answers go through the contract checker too.
 */
let t: TestApp;
let api: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  api = createClient<paths>({ baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}` });
});
afterAll(() => t.close());

describe('a client generated from the document', () => {
  it('registers, creates, lists and deletes a monitor, and reads problems as typed errors', async () => {
    const reg = await api.POST('/api/auth/register', {
      body: { name: 'Integrator', email: 'integrator@example.test', password: 'correct horse battery' },
    });
    expect(reg.response.status).toBe(201);
    const token = reg.data!.access_token;
    const teamId = reg.data!.team!.id;
    const headers = { authorization: `Bearer ${token}` };

    const created = await api.POST('/api/teams/{teamId}/monitors', {
      params: { path: { teamId } },
      headers,
      body: { type: 'http', name: 'Homepage', url: 'https://example.com/', interval_seconds: 300 },
    });
    expect(created.response.status).toBe(201);
    const monitorId = created.data!.id;

    const list = await api.GET('/api/teams/{teamId}/monitors', { params: { path: { teamId }, query: { limit: 10 } }, headers });
    expect(list.data!.items.map((m) => m.id)).toEqual([monitorId]);

    const conflict = await api.POST('/api/auth/register', {
      body: { name: 'Again', email: 'integrator@example.test', password: 'correct horse battery' },
    });
    expect(conflict.response.status).toBe(409);
    expect(conflict.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(conflict.error).toMatchObject({ status: 409, title: 'Conflict' });

    const gone = await api.DELETE('/api/teams/{teamId}/monitors/{monitorId}', { params: { path: { teamId, monitorId } }, headers });
    expect(gone.response.status).toBe(204);
    const missing = await api.GET('/api/teams/{teamId}/monitors/{monitorId}', { params: { path: { teamId, monitorId } }, headers });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.type).toBe('https://sentrypulse.dev/problems/not-found');

    const anonymous = await api.GET('/api/teams/{teamId}/monitors', { params: { path: { teamId } } });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.detail).toBe('A valid access token is required.');
  });
});
