/**
 * Unsubscribe from notices (docs/web-app.md). `POST` records the opt-out: the RFC 8058 one-click
 * request mail clients send (`List-Unsubscribe-Post: List-Unsubscribe=One-Click`), and the
 * button of the page `GET` shows. `GET` itself changes nothing, because mail scanners and link
 * previews fetch every link in a message and must not unsubscribe anyone (RFC 8058 section 3).
 */
import { z } from 'zod';
import { NotFoundError } from '../../platform/http/errors.js';
import { ok, type ApiResult } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { unsubscribeEmail } from '../../use-cases/unsubscribe-email.js';

const tokenQuery = z.strictObject({ token: z.string().min(1).max(200) });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, inner: string): ApiResult {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${inner}</main></body></html>`;
  return ok(html, 200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" });
}

export const emailRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/email/unsubscribe',
    operationId: 'showUnsubscribe',
    auth: 'none',
    summary: 'The unsubscribe page of a notice’s link: a button that POSTs to the same URL (a GET changes nothing)',
    tags: ['email'],
    query: tokenQuery,
    responses: { 200: { description: 'An HTML page with the unsubscribe button' } },
    handler: async ({ query }) =>
      page(
        'Unsubscribe from notices',
        `<p>Stop e-mail notices (application approved, payout sent, payment method verified) to this address? Sign-in links still arrive when you ask for them.</p><form method="post" action="/v1/email/unsubscribe?token=${encodeURIComponent(query.token)}"><button type="submit">Unsubscribe</button></form>`,
      ),
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/email/unsubscribe',
    operationId: 'unsubscribeEmail',
    auth: 'none',
    summary: 'Record the opt-out behind an unsubscribe token (RFC 8058 one-click, or the page’s button)',
    tags: ['email'],
    query: tokenQuery,
    responses: { 200: { description: 'Unsubscribed (an HTML page)' }, 404: { description: 'Unknown token, or one past its retention age' } },
    handler: async ({ deps, query, now }) => {
      const email = await unsubscribeEmail({ sql: deps.sql, token: query.token, now });
      if (!email) throw new NotFoundError('This unsubscribe link is not valid, or it has expired (a notice’s link works for a year).');
      return page('Unsubscribed', `<p>${escapeHtml(email)} will get no more notices.</p>`);
    },
  }),
];
