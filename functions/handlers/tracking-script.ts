/**
 * `GET|HEAD /js/{file}` on the short-link domain: the merchant's tracking script
 * (functions/tracking-script). Two paths per build:
 * - `/js/track.v<N>.js` / `.mjs`: immutable, cached for a year (browsers and CloudFront); pages
 *   pin it with its integrity hash (docs/tracking-script.md).
 * - `/js/track.js` / `.mjs`: always the current version, cached five minutes, for shops that
 *   prefer updates to pinning.
 * The bundle is a constant compiled into this function (see build-tracking-script.ts): no I/O.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NotFoundError } from '../platform/http/errors.js';
import { problemResult } from '../platform/http/problem-response.js';
import { lazyUntracedHandler } from '../platform/lazy-untraced-handler.js';
import type { PlatformDeps } from '../platform/composition-root.js';
import { trackingScriptIife, trackingScriptIntegrity, trackingScriptModule } from '../tracking-script/tracking-script-bundle.generated.js';
import { TRACKING_SCRIPT_VERSION } from '../tracking-script/tracking-script-version.js';

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
export const LATEST_CACHE_CONTROL = 'public, max-age=300';

interface ServedFile {
  body: string;
  integrity: string;
  cacheControl: string;
}

/** Every file this route serves, by name under /js/. */
export function trackingScriptFiles(version: number = TRACKING_SCRIPT_VERSION): Record<string, ServedFile> {
  const iife = { body: trackingScriptIife, integrity: trackingScriptIntegrity.iife };
  const esm = { body: trackingScriptModule, integrity: trackingScriptIntegrity.esm };
  return {
    [`track.v${version}.js`]: { ...iife, cacheControl: IMMUTABLE_CACHE_CONTROL },
    [`track.v${version}.mjs`]: { ...esm, cacheControl: IMMUTABLE_CACHE_CONTROL },
    'track.js': { ...iife, cacheControl: LATEST_CACHE_CONTROL },
    'track.mjs': { ...esm, cacheControl: LATEST_CACHE_CONTROL },
  };
}

function notFound(path: string, files: Record<string, ServedFile>): APIGatewayProxyStructuredResultV2 {
  return problemResult(new NotFoundError(`No such file; the tracking script is served as ${Object.keys(files).map((name) => `/js/${name}`).join(', ')}.`), path);
}

export function createTrackingScript(): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  const files = trackingScriptFiles();
  return async (event) => {
    const name = event.pathParameters?.file ?? event.rawPath.split('/').pop() ?? '';
    const file = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!file) return notFound(event.rawPath, files);
    // The integrity hash doubles as a strong validator: it changes exactly when the bytes do.
    const etag = `"${file.integrity.slice('sha384-'.length, 'sha384-'.length + 27)}"`;
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': file.cacheControl,
      etag,
      // SRI on a cross-origin <script integrity crossorigin="anonymous"> needs a CORS response.
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    };
    const notModified = (event.headers?.['if-none-match'] ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
    if (notModified) return { statusCode: 304, headers, body: '' };
    const method = event.requestContext?.http?.method;
    return { statusCode: 200, headers, body: method === 'HEAD' ? '' : file.body };
  };
}

/** Needs none of the platform's clients; takes `deps` like every handler the local runner loads. */
export function createHandler(_deps?: PlatformDeps): (event: APIGatewayProxyEventV2, context?: unknown) => Promise<APIGatewayProxyStructuredResultV2> {
  const serve = createTrackingScript();
  return (event) => serve(event);
}

// Untraced: it serves a constant and calls nothing worth a trace.
export const handler = lazyUntracedHandler(() => createHandler());
