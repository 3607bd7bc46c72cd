/**
 * The local gateway serves the built app at /app/ as CloudFront does on AWS: hashed assets
 * cached for good, index.html for every app route (the SPA fallback), the CSP on every answer,
 * and the short-link route still reached for everything else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpGateway, type HttpGateway } from '../../../lib/local/http-gateway.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { serveWebApp } from '../../../lib/local/serve-web-app.js';
import { routes } from '../../../lib/resources.js';
import { buildWebApp, WEB_APP_CSP, type BuiltWebApp } from '../../../web/build-web-app.js';

let outDir: string;
let built: BuiltWebApp;
let gateway: HttpGateway;
let base: string;
const invoked: string[] = [];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'serve-web-'));
  built = await buildWebApp({ outDir, minify: true });
  const webApp = await serveWebApp({ dir: built.outDir });
  gateway = createHttpGateway({
    routes,
    log: silentLog,
    health: () => ({ ready: true, details: {} }),
    webApp: () => webApp,
    invoke: async (name, event) => {
      invoked.push(`${name} ${event.rawPath}`);
      return { statusCode: 302, headers: { location: 'https://shop.example/' } };
    },
  });
  base = `http://127.0.0.1:${await gateway.listen(0)}`;
});

afterAll(async () => {
  await gateway.close();
  await rm(outDir, { recursive: true, force: true });
});

describe('the web app on the local gateway', () => {
  it('answers /app/ with index.html, revalidated, with the security headers', async () => {
    const response = await fetch(`${base}/app/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).toContain(`/app/${built.script}`);
  });

  it('answers any app route with index.html (the router reads the path)', async () => {
    for (const path of ['/app/partner/links', '/app/vendor/campaigns/12', '/app/sign-in']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('<div id="app"></div>');
    }
    expect(invoked).toEqual([]);
  });

  it('serves the hashed script and stylesheet with a year of immutable caching', async () => {
    const script = await fetch(`${base}/app/${built.script}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const stylesheet = await fetch(`${base}/app/${built.stylesheet}`);
    expect(stylesheet.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers a missing asset with 404, not the page (a browser would run HTML as a script)', async () => {
    const response = await fetch(`${base}/app/app-OLDHASH0.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
  });

  it('never reads outside the build: traversal attempts get the page, not a file', async () => {
    const response = await fetch(`${base}/app/..%2f..%2fpackage.json`);
    expect(response.status).toBe(404);
    const nested = await fetch(`${base}/app/x/../../etc/passwd`);
    expect(await nested.text()).not.toContain('root:');
  });

  it('redirects /app to /app/ and refuses writes', async () => {
    const bare = await fetch(`${base}/app`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/app/');
    const post = await fetch(`${base}/app/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });

  it('leaves short links to the redirect: /apple is a short code, not the app', async () => {
    const response = await fetch(`${base}/apple`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(invoked).toEqual(['redirect /apple']);
  });
});
