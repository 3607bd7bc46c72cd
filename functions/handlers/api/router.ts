/**
 * The management API's internal router: matches method + path against the area routes, then
 * authenticates, authorises by role, validates params/query/body with the route's zod schemas
 * and calls the area handler. Everything that goes wrong is a typed error the error middleware
 * turns into problem+json.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticate } from '../../platform/http/authenticate.js';
import { adminTokensOf } from '../../platform/http/admin-tokens-of.js';
import { ForbiddenError, MethodNotAllowedError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { parseWith, readJsonBody } from '../../platform/http/parse-request.js';
import { actorOf, type Principal } from '../../platform/http/principal.js';
import type { ApiResult } from '../../platform/http/responses.js';
import type { AnyRoute, ApiDeps } from '../../platform/http/route.js';
import { roleAtLeast } from '../../domain/auth/roles.js';
import { keyExpiryHeaders } from '../../domain/auth/key-lifetime.js';

interface CompiledRoute {
  route: AnyRoute;
  pattern: RegExp;
  paramNames: string[];
}

export interface Router {
  handle(event: APIGatewayProxyEventV2, deps: ApiDeps): Promise<ApiResult>;
  routes: readonly AnyRoute[];
}

function compile(route: AnyRoute): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([a-z_][a-z0-9_]*)\}$/i.exec(segment);
      if (param) {
        paramNames.push(param[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), paramNames };
}

/** The query string as a flat object (a repeated key keeps its last value). */
function queryOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) out[key] = value.includes(',') ? value.split(',').pop()! : value;
  }
  return out;
}

function authKindAllowed(route: AnyRoute, principal: Principal): boolean {
  switch (route.auth) {
    case 'operator':
      return principal.kind === 'operator';
    case 'vendor':
      return principal.kind === 'vendor_user';
    case 'partner':
      return principal.kind === 'partner';
    case 'api_key':
      return principal.kind === 'vendor_user' || principal.kind === 'partner';
    case 'vendor_or_operator':
      return principal.kind === 'vendor_user' || principal.kind === 'operator';
    default:
      return true;
  }
}

const credentialNames: Record<string, string> = {
  operator: 'the operator token',
  vendor: 'a vendor API key',
  partner: 'a partner API key',
  api_key: 'an API key',
  vendor_or_operator: 'a vendor API key or the operator token',
};

/** Builds a router over `routes` (checked for duplicate method + path at build time). */
export function createRouter(routes: readonly AnyRoute[]): Router {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route ${key}`);
    seen.add(key);
  }
  // Literal segments win over parameters: `/v1/campaigns/{id}` must not swallow a sibling literal.
  const compiled = routes
    .map(compile)
    .sort((a, b) => a.paramNames.length - b.paramNames.length);

  return {
    routes,
    async handle(event, deps) {
      const method = event.requestContext.http.method.toUpperCase();
      const path = event.rawPath ?? event.requestContext.http.path;
      const matches = compiled
        .map((c) => ({ c, m: c.pattern.exec(path) }))
        .filter((x): x is { c: CompiledRoute; m: RegExpExecArray } => x.m !== null);
      if (matches.length === 0) throw new NotFoundError(`No route for ${path}.`);
      const match = matches.find((x) => x.c.route.method === method);
      if (!match) throw new MethodNotAllowedError([...new Set(matches.map((x) => x.c.route.method))]);
      const { route } = match.c;

      const now = deps.now();
      // Through the web app's CloudFront the source address is an edge's: the viewer's own, when
      // the request proves it came through our distribution (audit trail, sign-in limits per IP).
      const sourceIp = event.requestContext.http.sourceIp;
      const ip = deps.viewerOf ? (await deps.viewerOf(event.headers ?? {}, sourceIp)).sourceIp : (sourceIp ?? null);
      let principal: Principal | undefined;
      if (route.auth !== 'none') {
        principal = await authenticate({ event, sql: deps.sql, adminTokens: adminTokensOf(deps), now, web: deps.config });
        if (!authKindAllowed(route, principal)) {
          throw new ForbiddenError(`This route needs ${credentialNames[route.auth]}.`);
        }
        if (principal.kind === 'vendor_user' && principal.vendorStatus === 'inactive' && route.method !== 'GET') {
          throw new ForbiddenError('The vendor is inactive: its keys may read but not change anything. The operator can reactivate it.');
        }
        if (principal.kind === 'vendor_user' && route.minRole && !roleAtLeast(principal.role, route.minRole)) {
          throw new ForbiddenError(`This action needs the ${route.minRole} role or above; the key's user is ${principal.role}.`);
        }
      }

      const rawParams: Record<string, string> = {};
      match.c.paramNames.forEach((name, i) => {
        // A malformed escape (`%`, `%FF`) names nothing that can exist: 404, not a URIError's 500.
        try {
          rawParams[name] = decodeURIComponent(match.m[i + 1]!);
        } catch {
          throw new NotFoundError();
        }
      });
      let params: unknown = rawParams;
      if (route.params) {
        // A path id that cannot exist is simply not found (never a hint about other tenants).
        try {
          params = parseWith(route.params, rawParams, 'params');
        } catch (error) {
          if (error instanceof ValidationError) throw new NotFoundError();
          throw error;
        }
      }
      const rawQuery = queryOf(event);
      // PostgreSQL text cannot hold U+0000 (`%00`): refused here rather than a 500 at the query.
      const nulKey = Object.keys(rawQuery).find((key) => key.includes('\u0000') || rawQuery[key]!.includes('\u0000'));
      if (route.query && nulKey !== undefined) {
        const path = `query.${nulKey.replaceAll('\u0000', '\\u0000')}`;
        throw new ValidationError(`Invalid query: ${path} - NUL characters (%00) are not allowed.`, [{ path, message: 'NUL characters (%00) are not allowed.' }]);
      }
      const query = route.query ? parseWith(route.query, rawQuery, 'query') : undefined;
      let body: unknown;
      if (route.body) {
        body = parseWith(route.body, readJsonBody(event) ?? {}, 'body');
      }

      const result = await route.handler({
        deps,
        auth: principal,
        actor: actorOf(principal, ip),
        params,
        query,
        body,
        event,
        ip,
        now,
      });
      if (principal && principal.kind !== 'operator' && principal.keyExpiresAt !== undefined) {
        const warn = keyExpiryHeaders({ now, expiresAt: new Date(principal.keyExpiresAt) });
        result.headers = { ...warn, ...result.headers };
      }
      return result;
    },
  };
}
