/**
 * The signed-in person (web-backend's `/v1/auth/*` contract, docs/web-app.md). The session is an
 * HttpOnly cookie the app never sees; what it holds is the CSRF token for writes.
 */
import type { AppRole } from '../routes';
import { ApiProblem, setCsrfToken } from './client';

export interface Session {
  role: AppRole;
  email: string;
  partner_id?: number;
  vendor_id?: number;
  vendor_user_id?: number;
  vendor_role?: string;
  csrf_token: string;
  idle_expires_at: string;
  expires_at: string;
}

let current: Session | undefined;

async function authFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && current) headers['X-CSRF-Token'] = current.csrf_token;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string; errors?: [] };
    throw new ApiProblem(response.status, problem.title ?? response.statusText, problem.detail, problem.errors ?? []);
  }
  return response;
}

function remember(session: Session | undefined): Session | undefined {
  current = session;
  setCsrfToken(session?.csrf_token);
  return session;
}

/** Who is signed in, or undefined (401). */
export async function loadSession(): Promise<Session | undefined> {
  try {
    return remember((await (await authFetch('GET', '/v1/auth/session')).json()) as Session);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return remember(undefined);
    throw error;
  }
}

/** Exchanges the emailed token (from the link's fragment) for a session. */
export async function startSession(token: string): Promise<Session> {
  return remember((await (await authFetch('POST', '/v1/auth/session', { token })).json()) as Session)!;
}

export async function signOut(): Promise<void> {
  await authFetch('DELETE', '/v1/auth/session').catch(() => undefined);
  remember(undefined);
}

/** Always answers the same, whether or not the email has an account. */
export async function requestMagicLink(input: { email: string; role: AppRole }): Promise<void> {
  await authFetch('POST', '/v1/auth/magic-link', input);
}

export async function signUpPartner(input: { email: string; name: string; website_url?: string; bio?: string }): Promise<void> {
  await authFetch('POST', '/v1/auth/sign-up', input);
}

export function currentSession(): Session | undefined {
  return current;
}
