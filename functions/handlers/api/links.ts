/**
 * Partner links: create (only for an approved enrollment of an active partner in an active
 * campaign), list, delete. The DynamoDB link item is written in the same request, after the SQL
 * row commits; if that write fails the link is still created (201, `hot_store: "pending_repair"`)
 * and the sync-links job repairs it.
 */
import { z } from 'zod';
import { buildLinkDestination, type LinkDestinationField } from '../../domain/links/build-link-destination.js';
import { validateDestinationUrl } from '../../domain/links/validate-destination-url.js';
import { isReservedShortCode } from '../../domain/enrollments/is-reserved-short-code.js';
import { generateShortCode } from '../../domain/enrollments/generate-short-code.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idField, idParam, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import { findEnrollmentByCampaign } from '../../repositories/partners/enrollments.js';
import {
  findPartnerLink,
  insertPartnerLink,
  listPartnerLinks,
  softDeletePartnerLink,
  type PartnerLinkRow,
} from '../../repositories/partners/partner-links.js';
import { writeLinksThrough } from '../../use-cases/write-links-through.js';

const utmParams = z.strictObject({
  utm_source: z.string().min(1).max(255).optional(),
  utm_medium: z.string().min(1).max(255).optional(),
  utm_campaign: z.string().min(1).max(255).optional(),
  utm_content: z.string().min(1).max(255).optional(),
  utm_term: z.string().min(1).max(255).optional(),
});

const customParams = z.record(
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Parameter names are 1-64 letters, digits, "_", "." or "-".')
    .refine((name) => !/^(utm_|aff_)/i.test(name), 'utm_* go in utm_params; aff_* names are reserved for tracking.'),
  z.string().max(500),
);

const createLinkBody = z.strictObject({
  campaign_id: idField,
  link_label: z.string().trim().min(1).max(255).optional(),
  utm_params: utmParams.optional(),
  custom_params: customParams.optional(),
  /** A page on the campaign destination's own host (absolute URL). */
  deep_link: z.string().max(2048).optional(),
  content_piece_id: idField.optional(),
});

export const linkOut = z.object({
  partner_link_id: z.number().int(),
  campaign_partner_id: z.number().int(),
  campaign_id: z.number().int(),
  campaign_version_id: z.number().int(),
  short_code: z.string(),
  url: z.string().describe('PUBLIC_BASE_URL/short_code: what the partner shares'),
  full_url: z.string().describe('Where the link redirects, with its parameters'),
  link_label: z.string().nullable(),
  utm_params: z.record(z.string(), z.string()),
  custom_params: z.record(z.string(), z.string()),
  content_piece_id: z.number().int().nullable(),
  created_at: z.string(),
});

export function linkView(row: PartnerLinkRow, publicBaseUrl: string) {
  return {
    partner_link_id: row.partner_link_id,
    campaign_partner_id: row.campaign_partner_id,
    campaign_id: row.campaign_id,
    campaign_version_id: row.campaign_version_id,
    short_code: row.short_code,
    url: `${publicBaseUrl}/${row.short_code}`,
    full_url: row.full_url,
    link_label: row.link_label,
    utm_params: row.utm_params ?? {},
    custom_params: row.custom_params ?? {},
    content_piece_id: row.content_piece_id,
    created_at: row.created_at,
  };
}

/** The link's destination: the campaign's, or a deep link on the same host (and scheme). */
function destinationFor(campaignDestination: string, deepLink: string | undefined): string {
  if (deepLink === undefined) return campaignDestination;
  const checked = validateDestinationUrl(deepLink);
  if (!checked.ok) throw new ValidationError(`Invalid deep_link: ${checked.reason}.`, [{ path: 'body.deep_link', message: checked.reason }]);
  const base = new URL(campaignDestination);
  if (checked.url.host !== base.host || checked.url.protocol !== base.protocol) {
    throw new ValidationError('deep_link must stay on the campaign destination’s host.', [
      { path: 'body.deep_link', message: `Must be on ${base.protocol}//${base.host}.` },
    ]);
  }
  return checked.url.toString();
}

/** Where in the request body a refused link input sits, for the problem's `errors[].path`. */
function linkFieldPath(field: LinkDestinationField, hasDeepLink: boolean): string {
  switch (field.kind) {
    case 'utm_params':
    case 'custom_params':
      return `body.${field.kind}.${field.name}`;
    case 'parameters':
      return 'body.custom_params';
    case 'destination':
      return hasDeepLink ? 'body.deep_link' : 'body.campaign_id';
  }
}

/**
 * The link's full URL, by the same rule the redirect applies (`buildLinkDestination`): a link the
 * redirect would refuse is a 400 naming the field now, never a 201 whose every click 404s.
 */
function fullUrlFor(destination: string, utm: Record<string, string>, custom: Record<string, string>, hasDeepLink: boolean): string {
  const built = buildLinkDestination({ destinationUrl: destination, utmParams: utm, customParams: custom });
  if (built.ok) return built.url.toString();
  const path = linkFieldPath(built.field, hasDeepLink);
  throw new ValidationError(`Invalid ${path.slice('body.'.length)}: the link's destination would be refused (${built.reason}).`, [
    { path, message: built.reason },
  ]);
}

const maxShortCodeAttempts = 5;

export const linkRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/partner/links',
    operationId: 'createLink',
    auth: 'partner',
    summary: 'Create a short link (403 unless the enrollment is approved, the partner and campaign active)',
    tags: ['links'],
    body: createLinkBody,
    responses: {
      201: { description: 'The link', schema: linkOut.extend({ hot_store: z.enum(['synced', 'pending_repair']) }) },
    },
    handler: async ({ deps, auth, body, actor, now }) => {
      if (auth.partnerStatus !== 'active') throw new ForbiddenError(`The partner is ${auth.partnerStatus}: only active partners get links.`);
      const prepared = await (async () => {
        const campaign = await findCampaign(deps.sql, { campaign_id: body.campaign_id });
        const enrollment = campaign ? await findEnrollmentByCampaign(deps.sql, { campaign_id: campaign.campaign_id, partner_id: auth.partnerId }) : undefined;
        if (!campaign || (!campaign.is_public && !enrollment)) throw new NotFoundError('Campaign not found.');
        if (!enrollment) throw new ForbiddenError('Not enrolled in this campaign: apply first.');
        if (enrollment.status !== 'approved') throw new ForbiddenError(`The enrollment is ${enrollment.status}: links need an approved enrollment.`);
        if (campaign.status !== 'active') throw new ForbiddenError(`The campaign is ${campaign.status}: it takes no new links.`);
        if (body.content_piece_id !== undefined) {
          const { rows } = await deps.sql.query(
            `SELECT 1 FROM content_pieces WHERE content_piece_id = :id::integer AND partner_id = :partner_id::integer AND is_deleted IS NOT TRUE`,
            { id: body.content_piece_id, partner_id: auth.partnerId },
          );
          if (rows.length === 0) throw new NotFoundError('Content piece not found.');
        }
        const destination = destinationFor(campaign.destination_url, body.deep_link);
        const utm = Object.fromEntries(Object.entries(body.utm_params ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
        const custom = body.custom_params ?? {};
        return { enrollment, utm, custom, fullUrl: fullUrlFor(destination, utm, custom, body.deep_link !== undefined) };
      })();

      let linkId: number | undefined;
      for (let attempt = 1; linkId === undefined; attempt += 1) {
        const shortCode = (deps.newShortCode ?? generateShortCode)();
        // `/app/` is the web app on the same host: such a code could never be reached, so draw again.
        if (isReservedShortCode(shortCode)) {
          if (attempt < maxShortCodeAttempts) continue;
          throw new ConflictError('Could not allocate a unique short code; retry.');
        }
        try {
          linkId = await deps.sql.transaction(async (tx) => {
            const id = await insertPartnerLink(tx, {
              campaign_partner_id: prepared.enrollment.campaign_partner_id,
              short_code: shortCode,
              full_url: prepared.fullUrl,
              utm_params: prepared.utm,
              custom_params: prepared.custom,
              link_label: body.link_label ?? null,
              content_piece_id: body.content_piece_id ?? null,
              now,
            });
            await writeAuditLog(tx, {
              entity_type: 'partner_links',
              entity_id: id,
              action: 'create',
              actor,
              after: { short_code: shortCode, full_url: prepared.fullUrl, campaign_partner_id: prepared.enrollment.campaign_partner_id, link_label: body.link_label ?? null },
              now,
            });
            return id;
          });
        } catch (error) {
          // A collision on 47 random bits is rare; a fresh code in a fresh transaction settles it.
          if (isUniqueViolation(error, 'idx_partner_links_short_code') && attempt < maxShortCodeAttempts) continue;
          if (isUniqueViolation(error)) throw new ConflictError('Could not allocate a unique short code; retry.', { cause: error });
          throw error;
        }
      }
      const sync = await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { partner_link_ids: [linkId] }, logger: deps.logger });
      const row = await findPartnerLink(deps.sql, { partner_link_id: linkId, partner_id: auth.partnerId });
      return created({ ...linkView(row!, deps.config.publicBaseUrl), hot_store: sync.failed.length === 0 ? 'synced' : 'pending_repair' });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/links',
    operationId: 'listLinks',
    auth: 'partner',
    summary: "The caller's links (newest first), optionally for one campaign",
    tags: ['links'],
    query: z.strictObject({ ...pageQueryShape, campaign_id: idParam.optional() }),
    responses: { 200: { description: 'A page of links', schema: pageSchema(linkOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listPartnerLinks(deps.sql, { partner_id: auth.partnerId, campaign_id: query.campaign_id, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.partner_link_id }), (row) => linkView(row, deps.config.publicBaseUrl)));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/links/{partner_link_id}',
    operationId: 'getLink',
    auth: 'partner',
    summary: 'One of the caller’s links',
    tags: ['links'],
    params: idParams('partner_link_id'),
    responses: { 200: { description: 'The link', schema: linkOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findPartnerLink(deps.sql, { partner_link_id: params.partner_link_id, partner_id: auth.partnerId });
      if (!row) throw new NotFoundError('Link not found.');
      return ok(linkView(row, deps.config.publicBaseUrl));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/partner/links/{partner_link_id}',
    operationId: 'deleteLink',
    auth: 'partner',
    summary: 'Delete a link (it stops redirecting at once)',
    tags: ['links'],
    params: idParams('partner_link_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findPartnerLink(tx, { partner_link_id: params.partner_link_id, partner_id: auth.partnerId });
        if (!row) throw new NotFoundError('Link not found.');
        await softDeletePartnerLink(tx, { partner_link_id: row.partner_link_id, now });
        await writeAuditLog(tx, {
          entity_type: 'partner_links',
          entity_id: row.partner_link_id,
          action: 'delete',
          actor,
          before: { is_deleted: false },
          after: { is_deleted: true },
          now,
        });
      });
      await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { partner_link_ids: [params.partner_link_id] }, logger: deps.logger });
      return noContent();
    },
  }),
];
