/**
 * The OpenAPI 3.1 document, generated from the routes' own zod schemas, so the document cannot
 * drift from what the API validates.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { AnyRoute } from './route.js';

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const commonProblems: Record<number, string> = {
  400: 'Invalid request (problem+json; `errors` lists each failing field)',
  401: 'Missing, unknown, revoked or expired credentials',
  403: 'Authenticated, but this action is not allowed',
  404: 'Not found, or not yours',
  409: 'Conflicts with the current state',
};

/** Builds the document for `routes`. */
export function buildOpenApiDocument(
  routes: readonly AnyRoute[],
  info: { title: string; version: string; license: { name: string; identifier: string } },
) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'Operator token, or an API key (`vk_…` vendor user, `pk_…` partner).',
  });
  const problem = problemSchema;

  for (const route of routes) {
    const request: NonNullable<RouteConfig['request']> = {};
    if (route.params) request.params = route.params as never;
    if (route.query) request.query = route.query as never;
    if (route.body) {
      request.body = { content: { 'application/json': { schema: route.body as z.ZodType } }, required: true };
    }
    const responses: RouteConfig['responses'] = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = spec.schema
        ? { description: spec.description, content: { 'application/json': { schema: spec.schema } } }
        : { description: spec.description };
    }
    for (const [status, description] of Object.entries(commonProblems)) {
      if (status === '401' && route.auth === 'none') continue;
      responses[status] ??= { description, content: { 'application/problem+json': { schema: problem } } };
    }
    registry.registerPath({
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      security: route.auth === 'none' ? [] : [{ bearer: [] }],
      description: route.auth === 'vendor' ? `Vendor key, role ${route.minRole ?? 'member'} or above.` : `Auth: ${route.auth}.`,
      request,
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, license: info.license },
    servers: [{ url: '/' }],
  });
}
