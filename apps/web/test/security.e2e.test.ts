import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, newPage, shoot, startStack, waitForMail, type Stack } from './e2e-support';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
}, 600_000);

afterAll(async () => {
  await stack?.close();
}, 60_000);

const password = 'correct horse battery staple';

async function registerByApi(name: string, email: string) {
  const res = await fetch(`${stack.apiUrl}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, email, password }) });
  expect(res.status).toBe(201);
}

describe('account security in a real browser', () => {
  it('verifies the address from the emailed link, resets a forgotten password with the keyboard only, sets up 2FA with the QR code and signs in with a recovery code', async () => {
    const email = 'sec@example.test';
    await registerByApi('Sec Ops', email);

    // The verification link from the sign-up email.
    const { page, context } = await newPage(stack);
    await page.goto(linkIn(await waitForMail(stack, email, /Confirm your email address/)));
    await page.getByText('Your email address is confirmed.').waitFor();
    await shoot(page, 'verify-email');

    // Forgot password, keyboard only: Tab to the link from the login page, Enter, type, Enter.
    await page.goto('/login');
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab'); // password
    await page.keyboard.press('Tab'); // log in button
    await page.keyboard.press('Tab'); // forgot link
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel('Email').focus();
    await page.keyboard.type(email);
    await page.keyboard.press('Enter');
    await page.getByText('If an account uses this address').waitFor();
    await shoot(page, 'forgot-password');

    const resetMail = await waitForMail(stack, email, /Reset your SentryPulse password/);
    await page.goto(linkIn(resetMail));
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('must be at least 8 characters').waitFor();
    await page.getByLabel('New password', { exact: true }).fill('a whole new password');
    await page.getByLabel('Repeat the new password').fill('a whole new password');
    await shoot(page, 'reset-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password was changed and every session was signed out.').waitFor();
    await waitForMail(stack, email, /Your SentryPulse password was changed/);
    // The link is single-use (a fresh load: same-URL navigation would keep the page).
    await page.goto('/login');
    await page.goto(linkIn(resetMail));
    await page.getByLabel('New password', { exact: true }).fill('yet another password');
    await page.getByLabel('Repeat the new password').fill('yet another password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('This reset link was already used.').waitFor();

    // Log in with the new password, then set up two-factor authentication.
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a whole new password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/t\/\d+\/monitors$/);
    await page.goto('/account/security');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.locator('code').first().textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shoot(page, 'two-factor-setup');
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('The code is wrong or has expired').waitFor();
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const recovery = (await codes.nth(3).textContent())!.trim();
    await shoot(page, 'recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Every login asks for a code from your authenticator app.').waitFor();
    await page.getByText('This device').waitFor();
    await page.getByRole('list', { name: 'Security activity' }).getByText('Two-factor authentication turned on').waitFor();
    await shoot(page, 'account-security');

    // A second browser: password, then the second step with a recovery code.
    const other = await newPage(stack);
    const p2 = other.page;
    await p2.goto('/login');
    await p2.getByLabel('Email').fill(email);
    await p2.getByLabel('Password').fill('a whole new password');
    await p2.getByRole('button', { name: 'Log in' }).click();
    await p2.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await shoot(p2, 'login-2fa');
    await p2.getByRole('button', { name: 'Use a recovery code' }).click();
    await p2.getByLabel('Recovery code').fill(recovery);
    await p2.getByRole('button', { name: 'Verify' }).click();
    await p2.waitForURL(/\/t\/\d+\/monitors$/);

    // The first browser sees two sessions and signs the other one out; the other stops refreshing.
    await page.reload();
    await page.getByRole('list', { name: 'Sessions' }).locator('li').nth(1).waitFor();
    expect(await page.getByRole('list', { name: 'Sessions' }).locator('li').count()).toBe(2);
    await page.getByRole('button', { name: 'Sign out all other sessions' }).click();
    await page.getByRole('button', { name: 'Sign out all other sessions' }).waitFor({ state: 'detached' });
    expect(await page.getByRole('list', { name: 'Sessions' }).locator('li').count()).toBe(1);
    const refreshed = await p2.evaluate(async () => (await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(refreshed).toBe(401);

    await other.context.close();
    await context.close();
  }, 180_000);
});
