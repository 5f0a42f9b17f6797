// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoginForm } from '../components/forms/login-form';
import { RegisterForm } from '../components/forms/register-form';
import { ApiError } from '../lib/api/errors';
import { clearSession, currentAccessToken } from '../lib/api/session';

/**
 * The forms validate with the shared zod schemas before any request, and show the API's problem
 * details inline when the server refuses. fetch is the browser's boundary, so the tests stand in
 * for the API there (the real API is exercised by the end-to-end test).
 */
type Call = { url: string; init: RequestInit };
let calls: Call[];
let answer: () => Response;

beforeEach(() => {
  calls = [];
  clearSession(false);
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

const authBody = {
  access_token: 'header.payload.sig',
  refresh_token: 'r',
  expires_in: 900,
  user: { id: 1, name: 'Ada', email: 'ada@example.test', email_verified: false, two_factor_enabled: false },
  team: { id: 7, name: "Ada's team", role: 'owner', plan: 'free' },
};

describe('RegisterForm', () => {
  it('shows inline errors from the shared schema and sends nothing', async () => {
    const onDone = vi.fn();
    render(h(RegisterForm, { onDone }));
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('must be a valid email address')).toBeTruthy();
    expect(screen.getByText('must be at least 8 characters')).toBeTruthy();
    expect(screen.getByText('must not be empty')).toBeTruthy();
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);
    expect(onDone).not.toHaveBeenCalled();
  });

  it('registers with normalised input, keeps the access token in memory and reports the team', async () => {
    answer = () => json(201, authBody);
    const onDone = vi.fn();
    render(h(RegisterForm, { onDone, initialEmail: '' }));
    await userEvent.type(screen.getByLabelText('Name'), '  Ada  ');
    await userEvent.type(screen.getByLabelText('Email'), 'ADA@Example.TEST');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(7));
    expect(calls[0]!.url).toBe('/api/auth/register');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ name: 'Ada', email: 'ada@example.test', password: 'correct horse' });
    expect(currentAccessToken()).toBe('header.payload.sig');
  });

  it('maps the API problem errors[] onto the fields', async () => {
    answer = () =>
      json(400, { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'body.email: is taken', errors: [{ path: 'body.email', message: 'is already registered' }] }, 'application/problem+json');
    const onDone = vi.fn();
    render(h(RegisterForm, { onDone }));
    await userEvent.type(screen.getByLabelText('Name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.test');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('is already registered')).toBeTruthy();
    expect(onDone).not.toHaveBeenCalled();
  });
});

describe('LoginForm', () => {
  it('shows the problem detail of a refused login as a form error', async () => {
    answer = () => json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Wrong email or password.' }, 'application/problem+json');
    render(h(LoginForm, { onDone: vi.fn() }));
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.test');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    const alert = await screen.findByText('Wrong email or password.');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(currentAccessToken()).toBeNull();
  });

  it('requires a password before sending', async () => {
    render(h(LoginForm, { onDone: vi.fn() }));
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.test');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('must not be empty')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});

describe('ApiError', () => {
  it('strips the body. prefix from field paths and keeps the first message per field', () => {
    const err = new ApiError(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      errors: [
        { path: 'body.name', message: 'a' },
        { path: 'body.name', message: 'b' },
        { path: 'body.config.url', message: 'c' },
      ],
    });
    expect(err.fieldErrors()).toEqual({ name: 'a', 'config.url': 'c' });
  });
});
