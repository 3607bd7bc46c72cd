/**
 * The web app's sign-in (docs/web-app.md): magic links, partner sign-up, and the session
 * (`aff_session` cookie) that authenticates every other route as that person's API key would.
 * None of these routes take a bearer token; the session routes read the cookie themselves.
 */
import { z } from 'zod';
import { webRoles } from '../../domain/auth/web-session.js';
import { vendorRoles } from '../../domain/auth/roles.js';
import { assertAppOrigin, assertSessionWriteAllowed } from '../../platform/http/authenticate.js';
import { UnauthorizedError } from '../../platform/http/errors.js';
import { email, httpUrl } from '../../platform/http/fields.js';
import { created, ok, type ApiResult } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute, type ApiDeps } from '../../platform/http/route.js';
import { appBaseUrlOf, clearedSessionCookieHeader, sessionCookieHeader, sessionCookieOf } from '../../platform/http/session-cookie.js';
import { silentLogger } from '../../platform/silent-telemetry.js';
import { endWebSession } from '../../use-cases/end-web-session.js';
import { requestMagicLink } from '../../use-cases/request-magic-link.js';
import { resolveWebSession } from '../../use-cases/resolve-web-session.js';
import { signUpPartner } from '../../use-cases/sign-up-partner.js';
import { startWebSession } from '../../use-cases/start-web-session.js';

const sessionOut = z.object({
  role: z.enum(['partner', 'vendor', 'operator']),
  email: z.string(),
  partner_id: z.number().int().optional(),
  vendor_id: z.number().int().optional(),
  vendor_user_id: z.number().int().optional(),
  vendor_role: z.enum(vendorRoles as [string, ...string[]]).optional(),
  csrf_token: z.string().describe('Send as X-CSRF-Token on every request that is not GET/HEAD/OPTIONS'),
  idle_expires_at: z.string().describe('The session ends at this time unless a request comes first (sliding, 30 minutes)'),
  expires_at: z.string().describe('The session ends at this time whatever happens (12 hours after sign-in)'),
});

/**
 * Any `local@domain` address: the operator's may be a single-label host (`operator@localhost`, the
 * local default), which the stricter `email` field refuses. Nothing is sent to an address that
 * is not already known, so this admits nothing new.
 */
const signInEmail = z
  .string()
  .trim()
  .max(255)
  .regex(/^[^\s@]+@[^\s@]+$/, 'Invalid email address')
  .transform((value) => value.toLowerCase());

const accepted = z.object({}).describe('Always the same answer, whether or not a link was sent');

const unauthorized = new UnauthorizedError('Not signed in: the session is missing, expired or signed out.');

const settingsOf = (deps: ApiDeps) => ({
  appBaseUrl: appBaseUrlOf(deps.config),
  operatorEmails: deps.config.operatorEmails ?? [],
  logger: deps.logger ?? silentLogger,
});

export const authRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/auth/magic-link',
    auth: 'none',
    summary: 'E-mail a single-use sign-in link (15 minutes) to a partner, vendor user or operator address; always 202',
    tags: ['auth'],
    body: z.strictObject({ email: signInEmail, role: z.enum(webRoles as ['partner', 'vendor', 'operator']) }),
    responses: { 202: { description: 'Accepted (a link is sent only to an address that may sign in as that role, within the rate limits)', schema: accepted } },
    handler: async ({ deps, body, event, ip, now }): Promise<ApiResult> => {
      assertAppOrigin({ event, web: deps.config });
      const settings = settingsOf(deps);
      await requestMagicLink({ sql: deps.sql, mailer: deps.mailer, ...settings, email: body.email, role: body.role, ip, now });
      return ok({}, 202);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/auth/sign-up',
    auth: 'none',
    summary: 'Partner sign-up from the web app: a pending partner (unless the address exists) and a sign-in link; always 202',
    tags: ['auth'],
    body: z.strictObject({
      email,
      name: z.string().trim().min(1).max(255),
      website_url: httpUrl.optional(),
      bio: z.string().max(5000).optional(),
    }),
    responses: { 202: { description: 'Accepted; the sign-in link is e-mailed', schema: accepted } },
    handler: async ({ deps, body, event, ip, now }): Promise<ApiResult> => {
      assertAppOrigin({ event, web: deps.config });
      const { appBaseUrl, logger } = settingsOf(deps);
      await signUpPartner({ sql: deps.sql, mailer: deps.mailer, logger, appBaseUrl, partner: body, ip, now });
      return ok({}, 202);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/auth/session',
    auth: 'none',
    summary: "Exchange a sign-in link's token for a session: sets the aff_session cookie (HttpOnly, SameSite=Lax)",
    tags: ['auth'],
    body: z.strictObject({ token: z.string().min(1).max(200) }),
    responses: {
      201: { description: 'Signed in', schema: sessionOut },
      401: { description: 'The token is unknown, already used or expired' },
    },
    handler: async ({ deps, body, event, ip, now }): Promise<ApiResult> => {
      assertAppOrigin({ event, web: deps.config });
      const { appBaseUrl, operatorEmails } = settingsOf(deps);
      const started = await startWebSession({ sql: deps.sql, token: body.token, ip, operatorEmails, now });
      if (!started) throw new UnauthorizedError('The sign-in link is invalid, already used or expired: ask for a new one.');
      return { ...created(started.view), cookies: [sessionCookieHeader(started.sessionToken, appBaseUrl)] };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/auth/session',
    auth: 'none',
    summary: 'Who is signed in (the session cookie), with the CSRF token to send on writes',
    tags: ['auth'],
    responses: { 200: { description: 'The session', schema: sessionOut }, 401: { description: 'Not signed in' } },
    handler: async ({ deps, event, now }): Promise<ApiResult> => {
      const sessionToken = sessionCookieOf(event);
      if (!sessionToken) throw unauthorized;
      const session = await resolveWebSession({ sql: deps.sql, sessionToken, operatorEmails: settingsOf(deps).operatorEmails, now });
      if (!session) throw unauthorized;
      return ok(session.view);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/auth/session',
    auth: 'none',
    summary: 'Sign out: revokes the session server-side and clears the cookie (needs X-CSRF-Token)',
    tags: ['auth'],
    responses: { 204: { description: 'Signed out' }, 401: { description: 'Not signed in' }, 403: { description: 'CSRF token missing or wrong' } },
    handler: async ({ deps, event, now }): Promise<ApiResult> => {
      const sessionToken = sessionCookieOf(event);
      if (!sessionToken) throw unauthorized;
      const session = await resolveWebSession({ sql: deps.sql, sessionToken, operatorEmails: settingsOf(deps).operatorEmails, now });
      if (!session) throw unauthorized;
      assertSessionWriteAllowed({ event, sessionToken, web: deps.config });
      await endWebSession({ sql: deps.sql, webSessionId: session.webSessionId, now });
      return { status: 204, cookies: [clearedSessionCookieHeader(appBaseUrlOf(deps.config))] };
    },
  }),
];
