import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../lib/local/match-route.js';
import { routes, type RouteDeclaration } from '../../../lib/resources.js';

describe('matchRoute', () => {
  it.each([
    // method, path, expected route key, expected path parameters
    ['GET', '/summer-sale', 'GET /{short_code}', { short_code: 'summer-sale' }],
    ['HEAD', '/summer-sale', 'HEAD /{short_code}', { short_code: 'summer-sale' }],
    ['GET', '/v1/links', 'ANY /v1/{proxy+}', { proxy: 'links' }],
    ['DELETE', '/v1/links/42/archive', 'ANY /v1/{proxy+}', { proxy: 'links/42/archive' }],
    ['POST', '/webhooks/stripe/7', 'POST /webhooks/{provider}/{integration_id}', { provider: 'stripe', integration_id: '7' }],
    ['GET', '/js/track.v1.js', 'GET /js/{file}', { file: 'track.v1.js' }],
    ['HEAD', '/js/track.js', 'HEAD /js/{file}', { file: 'track.js' }],
    // A bare prefix is a short code: the greedy variable needs at least one segment.
    ['GET', '/v1', 'GET /{short_code}', { short_code: 'v1' }],
    ['GET', '/caf%C3%A9', 'GET /{short_code}', { short_code: 'café' }],
  ])('%s %s -> %s', (method, path, routeKey, pathParameters) => {
    const match = matchRoute({ routes, method, path });
    expect(match?.routeKey).toBe(routeKey);
    expect(match?.pathParameters).toEqual(pathParameters);
  });

  it.each([
    ['POST', '/summer-sale'],
    ['GET', '/webhooks/stripe/7'],
    ['GET', '/'],
    ['GET', '/v1/'],
    ['GET', '/a/b'],
  ])('%s %s matches nothing', (method, path) => {
    expect(matchRoute({ routes, method, path })).toBeUndefined();
  });

  it('prefers a static segment over a parameter over a greedy variable, whatever the declaration order', () => {
    const declared: RouteDeclaration[] = [
      { method: 'ANY', path: '/{proxy+}', function: 'managementApi', edge: false },
      { method: 'GET', path: '/{short_code}', function: 'redirect', edge: true },
      { method: 'GET', path: '/healthcheck', function: 'scheduledJobs', edge: false },
      { method: 'GET', path: '/a/{id}/c', function: 'webhooks', edge: false },
      { method: 'GET', path: '/a/{proxy+}', function: 'notifyVendors', edge: false },
    ];
    expect(matchRoute({ routes: declared, method: 'GET', path: '/healthcheck' })?.route.function).toBe('scheduledJobs');
    expect(matchRoute({ routes: declared, method: 'GET', path: '/abc' })?.route.function).toBe('redirect');
    expect(matchRoute({ routes: declared, method: 'POST', path: '/abc' })?.route.function).toBe('managementApi');
    expect(matchRoute({ routes: declared, method: 'GET', path: '/x/y' })?.route.function).toBe('managementApi');
    expect(matchRoute({ routes: declared, method: 'GET', path: '/a/1/c' })?.route.function).toBe('webhooks');
    expect(matchRoute({ routes: declared, method: 'GET', path: '/a/1/d' })?.route.function).toBe('notifyVendors');
  });

  it('prefers the exact method over ANY on the same path', () => {
    const declared: RouteDeclaration[] = [
      { method: 'ANY', path: '/v1/{proxy+}', function: 'managementApi', edge: false },
      { method: 'POST', path: '/v1/{proxy+}', function: 'webhooks', edge: false },
    ];
    expect(matchRoute({ routes: declared, method: 'POST', path: '/v1/x' })?.routeKey).toBe('POST /v1/{proxy+}');
    expect(matchRoute({ routes: declared, method: 'GET', path: '/v1/x' })?.routeKey).toBe('ANY /v1/{proxy+}');
  });
});
