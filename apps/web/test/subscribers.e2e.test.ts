import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, shoot, startStack, type Stack } from './e2e-support';

/**
 * The team side of SPEC 10 in a real browser: the subscribers and custom-domain panels of the
 * status page editor, the badge panel of a monitor, and the recurrence editor with its preview.
 * Screenshots at 1280 and 375 px in SHOTS_DIR (subscribers-*, badge-*, recurrence-*).
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 600_000);
afterAll(async () => {
  await stack?.close();
}, 60_000);

const password = 'correct horse battery staple';

async function api(path: string, token: string, method = 'GET', body?: unknown) {
  const res = await fetch(`${stack.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

describe('subscribers, badges and recurrence in the dashboard', () => {
  it('shows counts and the list, removes a subscriber, shows the TXT record, enables a badge, previews a recurrence', async () => {
    const email = `owner${Date.now()}@example.test`;
    const reg = await fetch(`${stack.apiUrl}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Owner', email, password }) });
    const { access_token: token, team } = (await reg.json()) as { access_token: string; team: { id: number } };
    const monitor = await api(`/api/teams/${team.id}/monitors`, token, 'POST', { name: 'API', type: 'http', url: 'https://example.com', interval_seconds: 300, enabled: false });
    expect(monitor.status).toBe(201);
    const page = await api(`/api/teams/${team.id}/status-pages`, token, 'POST', { slug: `dash-${Date.now()}`, title: 'Dash status', is_public: true, custom_domain: `status${Date.now()}.example.test`, components: [{ name: 'API', monitor_id: monitor.json.id }] });
    expect(page.status).toBe(201);
    for (const who of ['alice@example.test', 'bob@example.test']) {
      const r = await fetch(`${stack.apiUrl}/api/public/status-pages/${page.json.slug}/subscribers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'email', email: who }) });
      expect(r.status).toBe(202);
    }

    const { page: p } = await newPage(stack);
    await p.goto('/login');
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: /sign in|log in/i }).click();
    await p.waitForURL(/\/t\/\d+\//);

    await p.goto(`/t/${team.id}/status-pages/${page.json.id}`);
    await p.getByText('2 awaiting confirmation').waitFor();
    await p.getByText('alice@example.test').waitFor();
    await p.getByText('_sentrypulse.').first().waitFor();
    await shoot(p, 'subscribers-editor');
    await p.getByRole('button', { name: 'Remove bob@example.test' }).click();
    await p.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await p.getByText('1 awaiting confirmation').waitFor();
    expect(await p.getByText('bob@example.test').count()).toBe(0);

    await p.goto(`/t/${team.id}/monitors/${monitor.json.id}`);
    await p.getByRole('button', { name: 'Enable public badge' }).click();
    await p.getByText(/\/api\/public\/badges\/[A-Za-z0-9_-]{22}\/status\.svg/).first().waitFor();
    await shoot(p, 'badge-panel');

    await p.goto(`/t/${team.id}/maintenance`);
    await p.getByLabel('Title').last().fill('Weekly patching');
    await p.getByLabel('First start (local time)').fill('2030-03-24T02:30');
    await p.getByLabel('Time zone (IANA)').fill('Europe/Berlin');
    await p.getByTestId('recurrence-preview').waitFor();
    expect(await p.getByTestId('recurrence-preview').locator('li').count()).toBe(5);
    await shoot(p, 'recurrence-editor');
  }, 180_000);
});
