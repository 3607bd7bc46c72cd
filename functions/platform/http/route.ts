/**
 * The shape of one API route: method, path, who may call it, its zod schemas (which validate the
 * request and generate the OpenAPI document) and its handler. Area modules export arrays of
 * these; `functions/handlers/api/routes-index.ts` lists the areas.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { PlatformDeps } from '../composition-root.js';
import type { LinkStore } from '../../ports/link-store.js';
import type { ViewerReader } from '../origin-verified-viewer.js';
import type { ApiResult } from './responses.js';
import type { Actor, AuthRequirement, Principal, VendorRole } from './principal.js';

export type RouteMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Everything an area handler may use: platform deps plus the link hot store. */
export interface ApiDeps extends PlatformDeps {
  linkStore: LinkStore;
  /** Short-code source; tests inject colliding codes. Default: 8 random base62 characters. */
  newShortCode?: () => string;
  /** The caller behind CloudFront (`platform/origin-verified-viewer.ts`). Absent: API Gateway's source address. */
  viewerOf?: ViewerReader;
}

/** Principal narrowed by the route's `auth`. */
export type PrincipalFor<A extends AuthRequirement> = A extends 'operator'
  ? Extract<Principal, { kind: 'operator' }>
  : A extends 'vendor'
    ? Extract<Principal, { kind: 'vendor_user' }>
    : A extends 'partner'
      ? Extract<Principal, { kind: 'partner' }>
      : A extends 'api_key'
        ? Extract<Principal, { kind: 'vendor_user' | 'partner' }>
        : A extends 'vendor_or_operator'
          ? Extract<Principal, { kind: 'vendor_user' | 'operator' }>
          : undefined;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<A extends AuthRequirement, P, Q, B> {
  deps: ApiDeps;
  auth: PrincipalFor<A>;
  /** Audit actor (type, id, IP) of the caller. */
  actor: Actor;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  event: APIGatewayProxyEventV2;
  ip: string | null;
  /** The request's clock reading, taken once so a request sees one instant. */
  now: Date;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

export interface RouteDefinition<
  A extends AuthRequirement = AuthRequirement,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: RouteMethod;
  /** API path with `{param}` segments, e.g. `/v1/campaigns/{campaign_id}`. */
  path: string;
  /**
   * The operation's name in the OpenAPI document, and so the method name in every client a vendor
   * generates from it: camelCase, unique, and stable (renaming it breaks those clients).
   */
  operationId: string;
  auth: A;
  /** Vendor routes: the lowest role allowed (see the matrix in docs/api.md). Default `member`. */
  minRole?: VendorRole;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<A, P, Q, B>) => Promise<ApiResult>;
}

/** Any route, erased for the router's list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDefinition<any, any, any, any>;

/** Identity with inference: `defineRoute({ ... })` types the handler's ctx from the schemas. */
export function defineRoute<
  A extends AuthRequirement,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(route: RouteDefinition<A, P, Q, B>): AnyRoute {
  return route as AnyRoute;
}
