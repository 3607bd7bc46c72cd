/**
 * The gateway routes (lib/resources.ts) that webhooks-redirect.fuzz.test.ts fuzzes; the
 * management API suite checks this list plus `ANY /v1/{proxy+}` is every declared route.
 */
export const nonApiGatewayRoutes: readonly string[] = [
  'POST /webhooks/{provider}/{integration_id}',
  'GET /{short_code}',
  'HEAD /{short_code}',
  'GET /e.gif',
  'POST /e',
  'OPTIONS /e',
  'GET /js/{file}',
  'HEAD /js/{file}',
];
