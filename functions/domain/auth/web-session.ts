/**
 * The web app's secrets and clocks: magic-link tokens and session cookies are 32 random bytes in
 * base64url, stored only as their SHA-256 hex digest; the CSRF token is an HMAC of the session's
 * cookie value, so it is never stored and a stolen database row cannot forge one. Expiries are
 * computed from `now` (no clock read here).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './api-key.js';

export type WebRole = 'partner' | 'vendor' | 'operator';
export const webRoles: readonly WebRole[] = ['partner', 'vendor', 'operator'];

/** A sign-in link is valid this long after it was sent. */
export const MAGIC_LINK_TTL_MS = 15 * 60_000;
/** A session ends after this long without a request (sliding). */
export const SESSION_IDLE_MS = 30 * 60_000;
/** A session ends this long after sign-in, however active. */
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** The idle expiry is pushed forward (a write) at most this often, so reads stay mostly reads. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** The cookie's name: the app and the API share one origin, so one first-party cookie. */
export const SESSION_COOKIE = 'aff_session';

/** A fresh 256-bit secret as base64url (43 characters). `random` is injectable for tests. */
export function generateSecretToken(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/** SHA-256 hex: what the tables hold for every token and cookie. */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `value` has the shape of a token we issue (anything else is not looked up). */
export function isSecretTokenShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** The CSRF token of the session whose cookie value is `sessionToken`. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('aff_session csrf v1').digest('base64url');
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return constantTimeEqual(csrfTokenFor(sessionToken), presented);
}

/** Expiries of a session started at `now`. */
export function sessionExpiries(now: Date): { idleExpiresAt: Date; expiresAt: Date } {
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  return { idleExpiresAt: slidIdleExpiry(now, expiresAt), expiresAt };
}

/** The idle expiry after a request at `now`: never past the absolute expiry. */
export function slidIdleExpiry(now: Date, expiresAt: Date): Date {
  return new Date(Math.min(now.getTime() + SESSION_IDLE_MS, expiresAt.getTime()));
}

/** Normalised address for lookups and opt-outs (case-insensitive, trimmed). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** OPERATOR_EMAILS (comma-separated) as a normalised list; blanks ignored. */
export function parseOperatorEmails(value: string | undefined): string[] {
  return (value ?? '').split(',').map(normaliseEmail).filter((email) => email !== '');
}
