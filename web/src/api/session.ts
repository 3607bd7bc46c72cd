/**
 * The signed-in person (`/v1/auth/*`, docs/web-app.md). The session is an HttpOnly cookie the
 * app never sees; what it keeps is the CSRF token every write must carry.
 */
import { api, ApiProblem, setCsrfToken, unwrap } from './client';
import type { paths } from './schema';

export type Session = paths['/v1/auth/session']['get']['responses'][200]['content']['application/json'];

let current: Session | undefined;

function remember(session: Session | undefined): Session | undefined {
  current = session;
  setCsrfToken(session?.csrf_token);
  return session;
}

/** Who is signed in, or undefined (401). */
export async function loadSession(): Promise<Session | undefined> {
  try {
    return remember(await unwrap(api.GET('/v1/auth/session')));
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return remember(undefined);
    throw error;
  }
}

/** Exchanges the emailed token (from the link's fragment) for a session. */
export async function startSession(token: string): Promise<Session> {
  return remember(await unwrap(api.POST('/v1/auth/session', { body: { token } })))!;
}

export async function signOut(): Promise<void> {
  await api.DELETE('/v1/auth/session').catch(() => undefined);
  remember(undefined);
}

/** Always answers the same, whether or not the email has an account. */
export async function requestMagicLink(input: { email: string; role: 'partner' | 'vendor' | 'operator' }): Promise<void> {
  await api.POST('/v1/auth/magic-link', { body: input });
}

export async function signUpPartner(input: { email: string; name: string; website_url?: string; bio?: string }): Promise<void> {
  await api.POST('/v1/auth/sign-up', { body: input });
}

export function currentSession(): Session | undefined {
  return current;
}
