'use client';
import {
  AuthResponse,
  MeResponse,
  Ok,
  User,
  type ChangePasswordBody,
  type LoginBody,
  type RegisterBody,
} from '@sentrypulse/shared';
import { request } from './client';
import { acceptAuthResponse, clearSession } from './session';

export async function login(body: LoginBody) {
  const res = await request(AuthResponse, '/api/auth/login', { method: 'POST', body, auth: false });
  acceptAuthResponse(res);
  return res;
}

export async function register(body: RegisterBody) {
  const res = await request(AuthResponse, '/api/auth/register', { method: 'POST', body, auth: false });
  acceptAuthResponse(res);
  return res;
}

/** Revokes this browser's refresh token family (or every session with `everywhere`). */
export async function logout(everywhere = false) {
  try {
    await request(Ok, '/api/auth/logout', { method: 'POST', body: everywhere ? { everywhere: true } : {}, auth: false });
  } finally {
    clearSession();
  }
}

export async function changePassword(body: ChangePasswordBody) {
  const res = await request(AuthResponse, '/api/auth/password', { method: 'PUT', body });
  acceptAuthResponse(res);
  return res;
}

export const me = () => request(MeResponse, '/api/auth/me');
export const updateProfile = (name: string) => request(User, '/api/auth/me', { method: 'PATCH', body: { name } });
