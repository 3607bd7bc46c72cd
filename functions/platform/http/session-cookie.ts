/**
 * The web app's session cookie at the HTTP boundary: reading it from an API Gateway v2 event
 * (payload 2.0 moves cookies into `event.cookies`; tests and other callers may send a raw Cookie
 * header) and writing `Set-Cookie`. HttpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site subrequests or form POSTs), Path=/ (the app under /app/ and the API under /v1/ share
 * it), Secure when the app is served over https. No Max-Age: the browser drops it when it closes,
 * and the server's idle and absolute expiries bound it anyway.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SESSION_COOKIE } from '../../domain/auth/web-session.js';
import { headerOf } from './parse-request.js';

/** The `aff_session` value the browser sent, or undefined. */
export function sessionCookieOf(event: Pick<APIGatewayProxyEventV2, 'headers'> & { cookies?: string[] }): string | undefined {
  const header = headerOf(event, 'cookie');
  const pairs = event.cookies ?? (header ? header.split(';') : []);
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(separator + 1).trim();
    if (value !== '') return value;
  }
  return undefined;
}

/** True when the app's base URL is https: the cookie then carries Secure. */
export function isSecureBase(appBaseUrl: string): boolean {
  return appBaseUrl.toLowerCase().startsWith('https:');
}

/** `Set-Cookie` value that starts the session. */
export function sessionCookieHeader(value: string, appBaseUrl: string): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/${isSecureBase(appBaseUrl) ? '; Secure' : ''}`;
}

/** `Set-Cookie` value that removes it (sign-out, or a cookie that names no live session). */
export function clearedSessionCookieHeader(appBaseUrl: string): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0${isSecureBase(appBaseUrl) ? '; Secure' : ''}`;
}

/** The app's base URL: APP_BASE_URL, else the public base URL (the local platform serves both). */
export function appBaseUrlOf(config: { appBaseUrl?: string; publicBaseUrl: string }): string {
  return config.appBaseUrl ?? config.publicBaseUrl;
}
