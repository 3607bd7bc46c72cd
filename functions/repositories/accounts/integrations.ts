/**
 * `integrations` and `integration_event_mappings`, always reached through the owning vendor
 * (0003 added `integrations.vendor_id`; mappings inherit it from their integration). Stripe and
 * Shopify integrations are stored with `type = 'webhook'` and `config.provider` naming the
 * provider (the dictionary's CHECK allows webhook/api/plugin only).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface IntegrationRow {
  integration_id: number;
  vendor_id: number;
  name: string;
  type: string;
  /** Includes `signing_secret`: never hand this to a response. */
  config: Record<string, unknown>;
  campaign_id: number | null;
  created_at: string;
  updated_at: string;
}

/** What the webhook Lambda needs: the integration and whether its vendor may still earn conversions. */
export interface WebhookIntegrationRow extends IntegrationRow {
  vendor_status: string | null;
  vendor_deleted: boolean;
}

const columns = `i.integration_id, i.vendor_id, i.name, i.type, i.config, i.campaign_id, i.created_at, i.updated_at`;

export async function insertIntegration(
  sql: SqlExecutor,
  input: { vendor_id: number; name: string; config: Record<string, unknown>; campaign_id: number | null; now: Date },
): Promise<number> {
  const { rows } = await sql.query<{ integration_id: number }>(
    `INSERT INTO integrations (vendor_id, name, type, config, campaign_id, created_at, updated_at)
     VALUES (:vendor_id::integer, :name, 'webhook', :config::jsonb, :campaign_id::integer, :now::timestamptz, :now::timestamptz)
     RETURNING integration_id`,
    input,
  );
  return rows[0]!.integration_id;
}

/** A vendor's live integration; undefined when absent, deleted or another vendor's. */
export async function findIntegration(
  sql: SqlExecutor,
  input: { integration_id: number; vendor_id: number },
): Promise<IntegrationRow | undefined> {
  const { rows } = await sql.query<IntegrationRow & Record<string, unknown>>(
    `SELECT ${columns} FROM integrations i
     WHERE i.integration_id = :id::integer AND i.vendor_id = :vendor_id::integer AND i.is_deleted IS NOT TRUE`,
    { id: input.integration_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

export async function listIntegrations(
  sql: SqlExecutor,
  input: { vendor_id: number; before_id?: number; limit: number },
): Promise<IntegrationRow[]> {
  const { rows } = await sql.query<IntegrationRow & Record<string, unknown>>(
    `SELECT ${columns} FROM integrations i
     WHERE i.vendor_id = :vendor_id::integer AND i.is_deleted IS NOT TRUE
       AND (:before_id::integer IS NULL OR i.integration_id < :before_id::integer)
     ORDER BY i.integration_id DESC LIMIT :limit::integer`,
    { vendor_id: input.vendor_id, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}

/** The integration a webhook names by id (no vendor known yet: the URL is the only key). */
export async function findIntegrationForWebhook(sql: SqlExecutor, integrationId: number): Promise<WebhookIntegrationRow | undefined> {
  const { rows } = await sql.query<WebhookIntegrationRow & Record<string, unknown>>(
    `SELECT ${columns}, v.status AS vendor_status, COALESCE(v.is_deleted, FALSE) AS vendor_deleted
     FROM integrations i JOIN vendors v ON v.vendor_id = i.vendor_id
     WHERE i.integration_id = :id::integer AND i.is_deleted IS NOT TRUE`,
    { id: integrationId },
  );
  return rows[0];
}

export interface MappingRow {
  integration_event_mapping_id: number;
  integration_id: number;
  campaign_version_id: number | null;
  campaign_id: number | null;
  event_name: string;
  mapping_config: Record<string, unknown>;
  /** The name of `mapping_config.conversion_event_type_id`, resolved by the join. */
  event_type_name: string | null;
  created_at: string;
}

const mappingColumns = `m.integration_event_mapping_id, m.integration_id, m.campaign_version_id, cv.campaign_id, m.event_name,
  m.mapping_config, cet.name AS event_type_name, m.created_at`;

const mappingJoins = `LEFT JOIN campaign_versions cv ON cv.campaign_version_id = m.campaign_version_id
  LEFT JOIN conversion_event_types cet
    ON cet.conversion_event_type_id = (m.mapping_config ->> 'conversion_event_type_id')::integer`;

export async function insertMapping(
  sql: SqlExecutor,
  input: { integration_id: number; campaign_version_id: number | null; event_name: string; mapping_config: Record<string, unknown>; now: Date },
): Promise<number> {
  const { rows } = await sql.query<{ integration_event_mapping_id: number }>(
    `INSERT INTO integration_event_mappings (integration_id, campaign_version_id, event_name, mapping_config, created_at, updated_at)
     VALUES (:integration_id::integer, :campaign_version_id::integer, :event_name, :mapping_config::jsonb, :now::timestamptz, :now::timestamptz)
     RETURNING integration_event_mapping_id`,
    input,
  );
  return rows[0]!.integration_event_mapping_id;
}

/** An integration's live mappings, oldest first; `event_name` narrows to one provider event. */
export async function listMappings(
  sql: SqlExecutor,
  input: { integration_id: number; event_name?: string },
): Promise<MappingRow[]> {
  const { rows } = await sql.query<MappingRow & Record<string, unknown>>(
    `SELECT ${mappingColumns} FROM integration_event_mappings m ${mappingJoins}
     WHERE m.integration_id = :integration_id::integer AND m.is_deleted IS NOT TRUE
       AND (:event_name::text IS NULL OR m.event_name = :event_name::text)
     ORDER BY m.integration_event_mapping_id`,
    { integration_id: input.integration_id, event_name: input.event_name ?? null },
  );
  return rows;
}

export async function findMapping(
  sql: SqlExecutor,
  input: { integration_event_mapping_id: number; integration_id: number },
): Promise<MappingRow | undefined> {
  const { rows } = await sql.query<MappingRow & Record<string, unknown>>(
    `SELECT ${mappingColumns} FROM integration_event_mappings m ${mappingJoins}
     WHERE m.integration_event_mapping_id = :id::integer AND m.integration_id = :integration_id::integer AND m.is_deleted IS NOT TRUE`,
    { id: input.integration_event_mapping_id, integration_id: input.integration_id },
  );
  return rows[0];
}

/** A live conversion event type by id or by name. */
export async function findConversionEventType(
  sql: SqlExecutor,
  input: { conversion_event_type_id?: number; name?: string },
): Promise<{ conversion_event_type_id: number; name: string } | undefined> {
  const { rows } = await sql.query<{ conversion_event_type_id: number; name: string }>(
    `SELECT conversion_event_type_id, name FROM conversion_event_types
     WHERE is_deleted IS NOT TRUE
       AND (:id::integer IS NULL OR conversion_event_type_id = :id::integer)
       AND (:name::text IS NULL OR name = :name::text)
     LIMIT 1`,
    { id: input.conversion_event_type_id ?? null, name: input.name ?? null },
  );
  return rows[0];
}
