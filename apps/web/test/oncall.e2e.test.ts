import { signAckToken } from '@sentrypulse/shared/ack-link';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, shoot, startStack, type Stack } from './e2e-support';

/**
 * On-call in the dashboard (SPEC 11): the Slack channel form with its help and a masked secret,
 * the escalation policy editor with its timeline preview, the policy on the monitor form, and the
 * public acknowledge page of a signed link. Screenshots at 1280 and 375 px.
 */
let stack: Stack;
const password = 'correct horse battery staple';

beforeAll(async () => {
  stack = await startStack();
}, 600_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

describe('on-call dashboard', () => {
  it('adds a Slack channel, builds a policy with a preview, names it on a monitor, and acknowledges from a link', async () => {
    const { context, page } = await newPage(stack);
    await page.goto('/register');
    await page.getByLabel('Name').fill('Olga Oncall');
    await page.getByLabel('Email').fill('olga@example.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    const teamId = Number(/\/t\/(\d+)\//.exec(page.url())![1]);

    // Slack channel through the form: per-type help, the URL is masked once saved.
    await page.goto(`/t/${teamId}/channels`);
    await page.getByLabel('Type').selectOption('slack');
    await expect.poll(() => page.getByTestId('channel-help').textContent()).toContain('Incoming Webhooks');
    await page.getByLabel('Name').fill('Slack #ops');
    await page.getByLabel('Webhook URL').fill('https://hooks.slack.com/services/T000/B000/supersecretpart1234');
    await shoot(page, 'oncall-channel-form');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await expect.poll(() => page.getByTestId('channels').textContent()).toContain('Slack #ops');
    expect(await page.getByTestId('channels').textContent()).not.toContain('supersecretpart');
    expect(await page.getByTestId('channels').textContent()).toContain('https://hooks.slack.com/…1234');

    // Two more channels through the API, as the same user.
    const login = await stack.api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'olga@example.test', password } });
    const auth = { authorization: `Bearer ${login.json().access_token}` };
    {
      for (const body of [
        { type: 'pagerduty', name: 'PagerDuty', config: { routing_key: 'PdKeyPdKeyPdKeyPdKeyPdKeyPdKey55' } },
        { type: 'sms', name: 'SMS on-call', config: { account_sid: `AC${'e5'.repeat(16)}`, auth_token: 'twiliosecrettoken0123456789abcd', from: '+15550001111', to: '+15552223333' } },
      ]) {
        const res = await stack.api.app.inject({ method: 'POST', url: `/api/teams/${teamId}/channels`, headers: auth, payload: body });
        expect(res.statusCode).toBe(201);
      }
    }

    // The policy editor and its preview.
    await page.goto(`/t/${teamId}/escalation`);
    await page.getByLabel('Name').fill('Primary on-call');
    const steps = page.getByTestId('policy-steps');
    await steps.getByLabel('Slack #ops (slack)').check();
    await page.getByRole('button', { name: 'Add step' }).click();
    await steps.locator('li').nth(1).getByLabel('PagerDuty (pagerduty)').check();
    await page.getByRole('button', { name: 'Add step' }).click();
    await steps.locator('li').nth(2).getByLabel('SMS on-call (sms)').check();
    await page.getByLabel('Remind every (minutes, empty = never)').fill('30');
    await expect.poll(() => page.getByTestId('policy-preview').textContent()).toBe('0 min: Slack #ops; 5 min: PagerDuty; 15 min: SMS on-call');
    await shoot(page, 'oncall-policy-editor');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await expect.poll(() => page.getByTestId('policies').textContent()).toContain('Primary on-call');

    // The monitor form names the policy.
    await page.goto(`/t/${teamId}/monitors/new`);
    await expect.poll(() => page.getByLabel('Escalation policy').locator('option').allTextContents()).toContain('Primary on-call');
    await shoot(page, 'oncall-monitor-policy');

    // A signed link for an open incident: opening it changes nothing; the button acknowledges.
    const inc = await stack.api.db.insertInto('incidents').values({ team_id: teamId, kind: 'manual', title: 'Checkout is down', severity: 'critical', started_at: new Date() }).executeTakeFirstOrThrow();
    const incidentId = Number(inc.insertId);
    const link = signAckToken(stack.api.config.encryptionKey, { teamId, incidentId, channelId: null, expiresAt: Math.floor(Date.now() / 1000) + 3600, nonce: 'feedfacecafebeef' });
    const anon = await stack.browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1280, height: 800 } });
    const ack = await anon.newPage();
    await ack.goto(`/ack/${link}`);
    await ack.getByRole('button', { name: 'Acknowledge' }).waitFor();
    const before = await stack.api.db.selectFrom('incidents').select('acknowledged_at').where('id', '=', incidentId).executeTakeFirstOrThrow();
    expect(before.acknowledged_at).toBeNull();
    await shoot(ack, 'oncall-ack-page');
    await ack.getByRole('button', { name: 'Acknowledge' }).click();
    await ack.getByTestId('ack-done').waitFor();
    const after = await stack.api.db.selectFrom('incidents').select(['acknowledged_at', 'acknowledged_via']).where('id', '=', incidentId).executeTakeFirstOrThrow();
    expect(after.acknowledged_at).not.toBeNull();
    expect(after.acknowledged_via).toBe('acknowledge link');
    await shoot(ack, 'oncall-ack-done');
    await anon.close();

    // The incident page shows the acknowledgement on its timeline, with who (the link).
    await page.goto(`/t/${teamId}/incidents/${incidentId}`);
    await expect.poll(() => page.getByTestId('timeline-ack').textContent()).toContain('acknowledge link');
    await shoot(page, 'oncall-incident-ack');
    await context.close();
  }, 180_000);
});
