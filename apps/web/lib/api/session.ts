'use client';
import { AuthResponse } from '@sentrypulse/shared';

/**
 * The session as the browser holds it (SPEC 4.1, 8): the access token lives only in this module's
 * memory; the refresh token is the API's httpOnly cookie (path /api/auth), which JavaScript never
 * sees. Refresh tokens rotate on every use and re-use of a rotated one revokes the whole family,
 * so two tabs must never refresh with the same cookie at once. Refreshes are therefore
 * single-flight inside a tab (one shared promise) and across tabs (a Web Lock, or a localStorage
 * lease where Web Locks are missing), and the winner broadcasts the new access token so waiting
 * tabs use it instead of rotating again (ADR 0081).
 */

type Listener = (token: string | null) => void;

const LOCK_NAME = 'sentrypulse-refresh';
const CHANNEL = 'sentrypulse-auth';
const LEASE_KEY = 'sp-refresh-lease';
/** Refresh this long before the access token expires, so requests do not hit a 401 first. */
const EARLY_MS = 30_000;

let accessToken: string | null = null;
let expiresAt = 0;
/** When a token last arrived (from our refresh or another tab's broadcast). */
let receivedAt = 0;
let inflight: Promise<string | null> | null = null;
const listeners = new Set<Listener>();
let channel: BroadcastChannel | null = null;

function now() {
  return Date.now();
}

function getChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (ev: MessageEvent) => {
    const msg = ev.data as { type: 'token'; token: string; expiresAt: number } | { type: 'logout' };
    if (msg?.type === 'token' && typeof msg.token === 'string') {
      store(msg.token, msg.expiresAt, false);
    } else if (msg?.type === 'logout') {
      store(null, 0, false);
    }
  };
  return channel;
}

function store(token: string | null, exp: number, broadcast: boolean) {
  accessToken = token;
  expiresAt = exp;
  receivedAt = now();
  if (broadcast) getChannel()?.postMessage(token ? { type: 'token', token, expiresAt: exp } : { type: 'logout' });
  for (const l of listeners) l(token);
}

export function onSessionChange(listener: Listener): () => void {
  getChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current access token when it is still comfortably valid. */
export function currentAccessToken(): string | null {
  return accessToken && expiresAt - EARLY_MS > now() ? accessToken : null;
}

/** After login, register or a password change: keep the access token, tell the other tabs. */
export function acceptAuthResponse(res: AuthResponse) {
  store(res.access_token, now() + res.expires_in * 1000, true);
}

export function clearSession(broadcast = true) {
  store(null, 0, broadcast);
}

async function callRefresh(): Promise<string | null> {
  const res = await fetch('/api/auth/refresh', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch' },
    body: '{}',
  });
  if (!res.ok) {
    if (res.status === 401 || res.status === 400) store(null, 0, true);
    return null;
  }
  const body = AuthResponse.parse(await res.json());
  store(body.access_token, now() + body.expires_in * 1000, true);
  return body.access_token;
}

/** Inside the cross-tab lock: skip the refresh when another tab delivered a token meanwhile. */
async function refreshHoldingLock(startedAt: number): Promise<string | null> {
  if (receivedAt > startedAt && currentAccessToken()) return accessToken;
  return callRefresh();
}

async function withLocalStorageLease<T>(fn: () => Promise<T>): Promise<T> {
  // Fallback for browsers without navigator.locks (e.g. plain-http LAN installs, which are not a
  // secure context): a short lease in localStorage, polled. Not perfectly atomic, but the lease
  // plus the broadcast make a double refresh need two tabs to race within a few milliseconds.
  const me = Math.random().toString(36).slice(2);
  for (let i = 0; i < 100; i++) {
    const raw = localStorage.getItem(LEASE_KEY);
    const [, until] = (raw ?? '').split(':');
    if (!raw || Number(until) < now()) {
      localStorage.setItem(LEASE_KEY, `${me}:${now() + 10_000}`);
      await new Promise((r) => setTimeout(r, 20));
      if (localStorage.getItem(LEASE_KEY)?.startsWith(`${me}:`)) break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    if (localStorage.getItem(LEASE_KEY)?.startsWith(`${me}:`)) localStorage.removeItem(LEASE_KEY);
  }
}

/**
 * Gets a fresh access token from the refresh cookie. One refresh at a time in this tab (callers
 * share the promise) and across tabs (a lock); resolves null when the session is gone.
 */
export function refreshSession(): Promise<string | null> {
  if (inflight) return inflight;
  getChannel();
  const startedAt = now();
  const run = async () => {
    try {
      if (typeof navigator !== 'undefined' && navigator.locks?.request) {
        return await navigator.locks.request(LOCK_NAME, () => refreshHoldingLock(startedAt));
      }
      if (typeof localStorage !== 'undefined') return await withLocalStorageLease(() => refreshHoldingLock(startedAt));
      return await callRefresh();
    } catch {
      return null;
    } finally {
      inflight = null;
    }
  };
  inflight = run();
  return inflight;
}

/** A usable access token: the one in memory, or a refreshed one. */
export async function getAccessToken(): Promise<string | null> {
  return currentAccessToken() ?? refreshSession();
}
