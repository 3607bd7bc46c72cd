/**
 * Rewards (vendor key; manager+ to change): what a milestone or tier pays, flat (dollars) or a
 * percentage. Vendor-scoped through `rewards.vendor_id`; another vendor's reward is 404.
 */
import { z } from 'zod';
import { compareDecimals } from '../../domain/commissions/json-decimal.js';
import { NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idParams, moneyString } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { formatRate, formatScaledDecimal, parseRate, parseScaledDecimal } from '../../domain/money/index.js';
import { deleteReward, findReward, insertReward, listRewards, updateReward, type RewardRow } from '../../repositories/campaigns/rewards.js';

const rewardType = z.enum(['flat', 'percentage']);

const percentageAtMost100 = (b: { reward_type?: string; reward_value?: string | null }) =>
  // zod runs this even when reward_value already failed its own check: only compare a valid decimal.
  // A stored value prints with 3 decimals ("300.000"): it is a decimal all the same.
  b.reward_type !== 'percentage' || !/^\d{1,8}(\.\d{1,3})?$/.test(b.reward_value ?? '') || compareDecimals(b.reward_value!, '100') <= 0;

const createRewardBody = z
  .strictObject({ name: z.string().trim().min(1).max(255), reward_type: rewardType, reward_value: moneyString })
  .refine(percentageAtMost100, { path: ['reward_value'], message: 'A percentage is at most 100.' });

const patchRewardBody = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  reward_type: rewardType.optional(),
  reward_value: moneyString.optional(),
});

const rewardOut = z.object({
  reward_id: z.number().int(),
  name: z.string(),
  reward_type: rewardType,
  reward_value: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/**
 * A reward has no currency of its own: a flat reward is an amount of the currency of the campaign
 * whose tier or milestone uses it (docs/money.md). Shown with 2 decimals, or 3 when it has them.
 */
function rewardValueOut(type: string, value: string | null): string | null {
  if (value === null) return null;
  if (type === 'percentage') return formatRate(parseRate(value));
  const thousandths = parseScaledDecimal(value, 3);
  return thousandths % 10n === 0n ? formatScaledDecimal(thousandths / 10n, 2) : formatScaledDecimal(thousandths, 3);
}

function rewardView(row: RewardRow) {
  const { vendor_id: _v, ...rest } = row;
  return { ...rest, reward_value: rewardValueOut(row.reward_type, row.reward_value) };
}

export const rewardRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/rewards',
    operationId: 'createReward',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Create a reward',
    tags: ['rewards'],
    body: createRewardBody,
    responses: { 201: { description: 'The reward', schema: rewardOut } },
    handler: async ({ deps, auth, body, actor, now }) => {
      const row = await deps.sql.transaction(async (tx) => {
        const id = await insertReward(tx, { vendor_id: auth.vendorId, ...body, now });
        const inserted = (await findReward(tx, { reward_id: id, vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, { entity_type: 'rewards', entity_id: id, action: 'create', actor, after: rewardView(inserted), now });
        return inserted;
      });
      return created(rewardView(row));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/rewards',
    operationId: 'listRewards',
    auth: 'vendor',
    summary: "The vendor's rewards, newest first",
    tags: ['rewards'],
    query: z.strictObject({ ...pageQueryShape }),
    responses: { 200: { description: 'A page of rewards', schema: pageSchema(rewardOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listRewards(deps.sql, { vendor_id: auth.vendorId, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (r) => ({ id: r.reward_id }), rewardView));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/rewards/{reward_id}',
    operationId: 'getReward',
    auth: 'vendor',
    summary: 'One reward',
    tags: ['rewards'],
    params: idParams('reward_id'),
    responses: { 200: { description: 'The reward', schema: rewardOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findReward(deps.sql, { reward_id: params.reward_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Reward not found.');
      return ok(rewardView(row));
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/rewards/{reward_id}',
    operationId: 'updateReward',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Change a reward (milestones referencing it pay the new terms from now on)',
    tags: ['rewards'],
    params: idParams('reward_id'),
    body: patchRewardBody,
    responses: { 200: { description: 'The reward', schema: rewardOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const row = await deps.sql.transaction(async (tx) => {
        const before = await findReward(tx, { reward_id: params.reward_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!before) throw new NotFoundError('Reward not found.');
        const next = {
          reward_id: before.reward_id,
          name: body.name ?? before.name,
          reward_type: body.reward_type ?? before.reward_type,
          reward_value: body.reward_value ?? before.reward_value,
          now,
        };
        if (!percentageAtMost100(next)) {
          throw new ValidationError('A percentage is at most 100.', [{ path: 'body.reward_value', message: 'A percentage is at most 100.' }]);
        }
        await updateReward(tx, next);
        const after = (await findReward(tx, { reward_id: before.reward_id, vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, { entity_type: 'rewards', entity_id: before.reward_id, action: 'update', actor, before: rewardView(before), after: rewardView(after), now });
        return after;
      });
      return ok(rewardView(row));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/rewards/{reward_id}',
    operationId: 'deleteReward',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Delete a reward',
    tags: ['rewards'],
    params: idParams('reward_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findReward(tx, { reward_id: params.reward_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!row) throw new NotFoundError('Reward not found.');
        await deleteReward(tx, { reward_id: row.reward_id, now });
        await writeAuditLog(tx, { entity_type: 'rewards', entity_id: row.reward_id, action: 'delete', actor, before: rewardView(row), now });
      });
      return noContent();
    },
  }),
];
