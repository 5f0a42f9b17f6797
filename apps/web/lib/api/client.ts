'use client';
import type { z } from 'zod';
import { ApiError, toApiError } from './errors';
import { getAccessToken, refreshSession } from './session';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  body?: unknown;
  /** Public endpoints (login, invitation preview) go without a token. */
  auth?: boolean;
  signal?: AbortSignal;
}

async function send(path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, { type: 'about:blank', title: 'Network error', status: 0 });
  }
}

/**
 * The one way the dashboard talks to the API. Every answer is parsed with the response schema
 * from @sentrypulse/shared, so pages only ever see the contract's types. A 401 refreshes the
 * session once (single-flight across tabs) and retries the request once.
 */
export async function request<S extends z.ZodType>(schema: S, path: string, opts: RequestOptions = {}): Promise<z.output<S>> {
  const auth = opts.auth ?? true;
  let token = auth ? await getAccessToken() : null;
  let res = await send(path, opts, token);
  if (res.status === 401 && auth) {
    token = await refreshSession();
    if (token) res = await send(path, opts, token);
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return schema.parse(undefined);
  return schema.parse(await res.json());
}

/** For endpoints that answer 204 No Content. */
export async function requestVoid(path: string, opts: RequestOptions = {}): Promise<void> {
  const auth = opts.auth ?? true;
  let token = auth ? await getAccessToken() : null;
  let res = await send(path, opts, token);
  if (res.status === 401 && auth) {
    token = await refreshSession();
    if (token) res = await send(path, opts, token);
  }
  if (!res.ok) throw await toApiError(res);
}

/** Downloads (CSV export): fetched with the token, handed to the browser as a file. */
export async function requestBlob(path: string): Promise<Blob> {
  let token = await getAccessToken();
  let res = await send(path, {}, token);
  if (res.status === 401) {
    token = await refreshSession();
    if (token) res = await send(path, {}, token);
  }
  if (!res.ok) throw await toApiError(res);
  return res.blob();
}

/** `?a=1&b=2` from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}
