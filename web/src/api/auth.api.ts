import { api, setCsrfToken } from './client';
import type { AuthResponse, Me } from './types';

export async function signup(email: string, password: string, name: string): Promise<AuthResponse> {
  const r = await api<AuthResponse>('POST', '/api/auth/signup', { email, password, name });
  setCsrfToken(r.csrfToken);
  return r;
}

// The first user of a fresh instance, with the one-time token `nextra serve` printed.
export async function setup(token: string, email: string, password: string, name: string): Promise<AuthResponse> {
  const r = await api<AuthResponse>('POST', '/api/setup', { token, email, password, name });
  setCsrfToken(r.csrfToken);
  return r;
}

export async function login(email: string, password: string): Promise<AuthResponse> {
  const r = await api<AuthResponse>('POST', '/api/auth/login', { email, password });
  setCsrfToken(r.csrfToken);
  return r;
}

export async function logout(): Promise<void> {
  await api<void>('POST', '/api/auth/logout');
  setCsrfToken('');
}

export async function fetchMe(): Promise<Me> {
  const me = await api<Me>('GET', '/api/me');
  setCsrfToken(me.csrfToken);
  return me;
}
