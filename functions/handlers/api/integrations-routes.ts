/**
 * Integrations (vendor key): Stripe and Shopify webhook endpoints and their event mappings.
 * The signing secret is write-only: it is accepted on create and never returned (responses
 * show `signing_secret_set: true`). Stored as `type = 'webhook'` with `config.provider` (the
 * dictionary's CHECK on `integrations.type`); the API speaks `type: "stripe" | "shopify"`.
 */
import { z } from 'zod';
import {
  integrationConfigSchema,
  integrationProviders,
  mappingConfigSchema,
  publicIntegrationConfig,
} from '../../domain/integrations/index.js';
import { NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idField, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import {
  findConversionEventType,
  findIntegration,
  findMapping,
  insertIntegration,
  insertMapping,
  listIntegrations,
  listMappings,
  type IntegrationRow,
  type MappingRow,
} from '../../repositories/accounts/integrations.js';

const createIntegrationBody = z.strictObject({
  type: z.enum(integrationProviders),
  name: z.string().trim().min(1).max(255),
  config: integrationConfigSchema,
  campaign_id: idField.optional(),
});

const integrationOut = z.object({
  integration_id: z.number().int(),
  type: z.enum(integrationProviders),
  name: z.string(),
  campaign_id: z.number().int().nullable(),
  config: z.record(z.string(), z.unknown()).describe('Without secrets; signing_secret_set says whether one is stored'),
  webhook_url: z.string().describe('Give this URL to the provider'),
  created_at: z.string(),
});

function integrationView(row: IntegrationRow, publicBaseUrl: string) {
  const provider = String(row.config.provider);
  const { provider: _omitted, ...rest } = row.config;
  return {
    integration_id: row.integration_id,
    type: provider,
    name: row.name,
    campaign_id: row.campaign_id,
    config: publicIntegrationConfig(rest),
    webhook_url: `${publicBaseUrl}/webhooks/${provider}/${row.integration_id}`,
    created_at: row.created_at,
  };
}

const createMappingBody = z.strictObject({
  /** The provider's event: a Stripe event type (`checkout.session.completed`) or a Shopify topic (`orders/paid`). */
  event_name: z.string().trim().min(1).max(255),
  /** Bound to this campaign's current version; conversions mapped here are attributed within it. */
  campaign_id: idField.optional(),
  mapping_config: mappingConfigSchema,
});

const mappingOut = z.object({
  integration_event_mapping_id: z.number().int(),
  integration_id: z.number().int(),
  event_name: z.string(),
  campaign_id: z.number().int().nullable(),
  campaign_version_id: z.number().int().nullable(),
  mapping_config: z.record(z.string(), z.unknown()),
  event_type: z.string().nullable(),
  created_at: z.string(),
});

function mappingView(row: MappingRow) {
  return {
    integration_event_mapping_id: row.integration_event_mapping_id,
    integration_id: row.integration_id,
    event_name: row.event_name,
    campaign_id: row.campaign_id,
    campaign_version_id: row.campaign_version_id,
    mapping_config: row.mapping_config,
    event_type: row.event_type_name,
    created_at: row.created_at,
  };
}

export const integrationRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/integrations',
    operationId: 'createIntegration',
    auth: 'vendor',
    minRole: 'admin',
    summary: 'Register a Stripe or Shopify webhook endpoint (the signing secret is never returned)',
    tags: ['integrations'],
    body: createIntegrationBody,
    responses: { 201: { description: 'The integration and its webhook_url', schema: integrationOut } },
    handler: async ({ deps, auth, body, actor, now }) => {
      if (body.campaign_id !== undefined) {
        const campaign = await findCampaign(deps.sql, { campaign_id: body.campaign_id, vendor_id: auth.vendorId });
        if (!campaign) throw new NotFoundError('Campaign not found.');
      }
      const id = await deps.sql.transaction(async (tx) => {
        const integrationId = await insertIntegration(tx, {
          vendor_id: auth.vendorId,
          name: body.name,
          config: { provider: body.type, ...body.config },
          campaign_id: body.campaign_id ?? null,
          now,
        });
        // The audit trail records that a secret was set, never the secret.
        await writeAuditLog(tx, {
          entity_type: 'integrations',
          entity_id: integrationId,
          action: 'create',
          actor,
          after: { type: body.type, name: body.name, campaign_id: body.campaign_id ?? null, signing_secret_set: true },
          now,
        });
        return integrationId;
      });
      const row = await findIntegration(deps.sql, { integration_id: id, vendor_id: auth.vendorId });
      return created(integrationView(row!, deps.config.publicBaseUrl));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/integrations',
    operationId: 'listIntegrations',
    auth: 'vendor',
    summary: "The vendor's integrations, newest first (no secrets)",
    tags: ['integrations'],
    query: z.strictObject({ ...pageQueryShape }),
    responses: { 200: { description: 'A page of integrations', schema: pageSchema(integrationOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listIntegrations(deps.sql, { vendor_id: auth.vendorId, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (r) => ({ id: r.integration_id }), (r) => integrationView(r, deps.config.publicBaseUrl)));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/integrations/{integration_id}',
    operationId: 'getIntegration',
    auth: 'vendor',
    summary: 'One integration (no secrets)',
    tags: ['integrations'],
    params: idParams('integration_id'),
    responses: { 200: { description: 'The integration', schema: integrationOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findIntegration(deps.sql, { integration_id: params.integration_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Integration not found.');
      return ok(integrationView(row, deps.config.publicBaseUrl));
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/integrations/{integration_id}/mappings',
    operationId: 'createIntegrationMapping',
    auth: 'vendor',
    minRole: 'admin',
    summary: 'Map a provider event to a conversion event type, with JSONPath field mappings and conditions',
    tags: ['integrations'],
    params: idParams('integration_id'),
    body: createMappingBody,
    responses: { 201: { description: 'The mapping', schema: mappingOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const integration = await findIntegration(deps.sql, { integration_id: params.integration_id, vendor_id: auth.vendorId });
      if (!integration) throw new NotFoundError('Integration not found.');
      let campaignVersionId: number | null = null;
      if (body.campaign_id !== undefined) {
        const campaign = await findCampaign(deps.sql, { campaign_id: body.campaign_id, vendor_id: auth.vendorId });
        if (!campaign) throw new NotFoundError('Campaign not found.');
        campaignVersionId = campaign.current_campaign_version_id;
      }
      const { event_type, ...config } = body.mapping_config;
      // Stored as the dictionary writes it: by conversion_event_type_id, resolved and checked here.
      if (event_type !== undefined || config.conversion_event_type_id !== undefined) {
        const type = await findConversionEventType(deps.sql, { name: event_type, conversion_event_type_id: config.conversion_event_type_id });
        if (!type) {
          const path = event_type !== undefined ? 'body.mapping_config.event_type' : 'body.mapping_config.conversion_event_type_id';
          throw new ValidationError('Unknown conversion event type.', [{ path, message: 'No such conversion event type.' }]);
        }
        config.conversion_event_type_id = type.conversion_event_type_id;
      }
      const id = await deps.sql.transaction(async (tx) => {
        const mappingId = await insertMapping(tx, {
          integration_id: integration.integration_id,
          campaign_version_id: campaignVersionId,
          event_name: body.event_name,
          mapping_config: config,
          now,
        });
        await writeAuditLog(tx, {
          entity_type: 'integration_event_mappings',
          entity_id: mappingId,
          action: 'create',
          actor,
          after: { integration_id: integration.integration_id, event_name: body.event_name, campaign_version_id: campaignVersionId, mapping_config: config },
          now,
        });
        return mappingId;
      });
      const row = await findMapping(deps.sql, { integration_event_mapping_id: id, integration_id: integration.integration_id });
      return created(mappingView(row!));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/integrations/{integration_id}/mappings',
    operationId: 'listIntegrationMappings',
    auth: 'vendor',
    summary: "An integration's event mappings",
    tags: ['integrations'],
    params: idParams('integration_id'),
    responses: { 200: { description: 'The mappings', schema: z.object({ data: z.array(mappingOut) }) } },
    handler: async ({ deps, auth, params }) => {
      const integration = await findIntegration(deps.sql, { integration_id: params.integration_id, vendor_id: auth.vendorId });
      if (!integration) throw new NotFoundError('Integration not found.');
      const rows = await listMappings(deps.sql, { integration_id: integration.integration_id });
      return ok({ data: rows.map(mappingView) });
    },
  }),
];
