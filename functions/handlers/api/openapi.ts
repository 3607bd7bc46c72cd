/**
 * `GET /v1/openapi.json`: the OpenAPI 3.1 document, generated once per cold start from every
 * route's zod schemas.
 */
import { z } from 'zod';
import { buildOpenApiDocument } from '../../platform/http/openapi.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';

let document: unknown;

/** The document's `info`: the served document and the web app's generated types use the same. */
export const apiDocumentInfo = {
  title: 'Affiliate platform management API',
  version: '1.0.0',
  // SPDX id of package.json's `license`; the test holds them equal.
  license: { name: 'MIT', identifier: 'MIT' },
};

export const openapiRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    auth: 'none',
    summary: 'The OpenAPI 3.1 document of this API',
    tags: ['meta'],
    responses: { 200: { description: 'OpenAPI document', schema: z.object({ openapi: z.string() }).loose() } },
    handler: async () => {
      // Deferred import: routes-index lists this module too.
      const { allRoutes } = await import('./routes-index.js');
      document ??= buildOpenApiDocument(allRoutes, apiDocumentInfo);
      return ok(document);
    },
  }),
];
