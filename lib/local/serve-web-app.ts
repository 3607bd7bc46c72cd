/**
 * Serves the built single-page app at `/app/` on the gateway's port, as CloudFront does on AWS:
 * hashed assets cached for a year, `index.html` revalidated, any other `/app/*` path answered with
 * `index.html` (the app's router reads the path), and every answer with the app's security
 * headers (the CSP: scripts and styles from this origin only).
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WEB_APP_BASE_PATH, WEB_APP_CSP } from '../../web/build-web-app.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Sent with every answer under `/app/`. */
export const WEB_APP_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': WEB_APP_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** Answers a request when it is the app's (returns true); anything else is left to the caller. */
export type WebAppServer = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Reads the built app in `dir` (flat: `index.html` and hashed assets) into memory and serves it. */
export async function serveWebApp(options: { dir: string }): Promise<WebAppServer> {
  const files = new Map<string, StaticFile>();
  for (const name of await readdir(options.dir)) {
    const body = await readFile(join(options.dir, name));
    files.set(name, {
      body,
      contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
      // Only index.html keeps its name from build to build; the rest carry their content's hash.
      cacheControl: name === 'index.html' ? REVALIDATE : IMMUTABLE,
    });
  }
  const index = files.get('index.html');
  if (!index) throw new Error(`${options.dir} has no index.html: run buildWebApp first`);

  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (path !== '/app' && !path.startsWith(WEB_APP_BASE_PATH)) return false;
    const method = (request.method ?? 'GET').toUpperCase();
    const headers: Record<string, string | number> = { ...WEB_APP_SECURITY_HEADERS };
    if (method !== 'GET' && method !== 'HEAD') {
      response.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-length': 0 });
      response.end();
      return true;
    }
    if (path === '/app') {
      response.writeHead(308, { ...headers, location: WEB_APP_BASE_PATH, 'content-length': 0 });
      response.end();
      return true;
    }
    const rest = path.slice(WEB_APP_BASE_PATH.length);
    // A file name is one segment: anything with a slash is an app route, never a path on disk.
    let file = !rest.includes('/') ? files.get(rest) : undefined;
    if (!file) {
      // A missing asset (an old hash after a deploy) is a 404, not the page: the browser would
      // otherwise try to run HTML as a script.
      const lastSegment = rest.split('/').pop() ?? '';
      if (/\.(js|css|map|png|svg|ico|json|txt)$/.test(lastSegment)) {
        const body = 'not found';
        response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
        response.end(method === 'HEAD' ? undefined : body);
        return true;
      }
      file = index;
    }
    response.writeHead(200, {
      ...headers,
      'content-type': file.contentType,
      'cache-control': file.cacheControl,
      'content-length': file.body.length,
    });
    response.end(method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
