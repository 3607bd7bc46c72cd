/**
 * The retention ages, read once from the environment (the names in lib/resources.ts
 * `retentionEnvVars`, set by the workers stack from the stage configuration). Defaults are the
 * data dictionary's "Data Retention Policies"; the platform's own tables (webhook and
 * notification deliveries, unattributed payloads) have ages of our choosing, documented in
 * docs/privacy-and-retention.md.
 */
// zod/mini: the composition root (and so every handler's bundle) carries this module.
import * as z from 'zod/mini';
import { retentionEnvVars, type RetentionSetting } from '../../lib/resources.js';

export type RetentionConfig = Record<RetentionSetting, number>;

/** 7 years in days (7 x 365 + the 2 leap days any 7 consecutive years hold at least). */
const sevenYears = 2557;
const twoYears = 730;

export const defaultRetentionConfig: RetentionConfig = {
  conversionsDays: sevenYears,
  payoutsDays: sevenYears,
  auditLogsDays: sevenYears,
  clicksDays: twoYears,
  touchesDays: twoYears,
  funnelJourneysDays: twoYears,
  expiredCookiesDays: 365,
  clickIpDays: 90,
  webhookDeliveriesDays: 90,
  notificationDeliveriesDays: 90,
  unattributedPayloadDays: 90,
  // An unsubscribe link must keep working long after its notice (CAN-SPAM asks 30 days at least;
  // people unsubscribe from old mail), but the token row holds the address: a year.
  unsubscribeLinksDays: 365,
};

const days = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(36_500)), fallback);

// Built on the first read, not at import: a bundle that imports the composition root but never
// reads the retention ages (the redirect's) then leaves this schema and the names out.
let retentionEnvSchema: ReturnType<typeof z.object<Record<string, ReturnType<typeof days>>>> | undefined;
const retentionEnvSchemaOnce = () =>
  (retentionEnvSchema ??= z.object(
    Object.fromEntries(
      (Object.keys(retentionEnvVars) as RetentionSetting[]).map((key) => [retentionEnvVars[key], days(defaultRetentionConfig[key])]),
    ) as Record<string, ReturnType<typeof days>>,
  ));

export class RetentionConfigError extends Error {
  override readonly name = 'RetentionConfigError';
}

/** The retention ages from `env`; throws naming every bad variable (`RETENTION_CLICKS_DAYS: ...`). */
export function retentionConfigFromEnv(env: NodeJS.ProcessEnv): RetentionConfig {
  // An empty variable is "not set" (a stage that clears one gets the dictionary's age).
  const present = Object.fromEntries(Object.values(retentionEnvVars).filter((name) => env[name] !== undefined && env[name] !== '').map((name) => [name, env[name]]));
  const parsed = retentionEnvSchemaOnce().safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new RetentionConfigError(`Invalid retention setting: ${problems.join('; ')}`);
  }
  return Object.fromEntries(
    (Object.keys(retentionEnvVars) as RetentionSetting[]).map((key) => [key, parsed.data[retentionEnvVars[key]]!]),
  ) as RetentionConfig;
}
