/**
 * The operator's stage configuration: domain names, where alarms go, the payout schedule and the
 * retention ages. Defaults live in `cdk.json` (context), overrides come from `-c key=value` on the
 * command line; everything is validated once, when the CDK app starts, so a typo fails the synth
 * with the key's name instead of deploying something half-configured.
 */
import { z } from 'zod';
import { DEFAULT_VELOCITY_LIMITS } from '../functions/domain/clicks/velocity-verdict.js';
import { schedules } from './resources.js';

const domainName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name such as go.example.com');

/** An ACM certificate ARN; CloudFront only accepts certificates from us-east-1. */
const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN');

/** Context values given on the command line arrive as strings: accept "30" for 30. */
const positiveInt = z.coerce.number().int().positive();

/** CloudWatch Logs only accepts these retention periods (days). */
const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** An empty string from `-c shortLinkDomain=` means "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' || value === null ? undefined : value), schema.optional());

const defaultPayoutSchedule = schedules.find((schedule) => schedule.name === 'payouts')?.expression;

export const stageConfigSchema = z
  .strictObject({
    /** Prefix of every physical name and stack name; one AWS account can hold several stages. */
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,19}$/, 'must be 2-20 lowercase letters, digits or dashes, starting with a letter'),
    /** The short-link domain served by CloudFront, e.g. `go.example.com`. @default CloudFront's own domain */
    shortLinkDomain: optional(domainName),
    /** us-east-1 ACM certificate for `shortLinkDomain`. Required when the domain is set. */
    shortLinkCertificateArn: optional(certificateArn),
    /** Route 53 zone holding `shortLinkDomain` (and `apiDomain`); when given, alias records are created. */
    hostedZoneId: optional(z.string().regex(/^Z[A-Z0-9]{4,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABC')),
    hostedZoneName: optional(domainName),
    /** Custom domain of the HTTP API, e.g. `api.example.com`. @default the execute-api URL */
    apiDomain: optional(domainName),
    /** Regional ACM certificate (the stack's region) for `apiDomain`. Required when the domain is set. */
    apiCertificateArn: optional(certificateArn),
    /** The web app's own domain (CloudFront: the app at /app/, the API at /v1/*), e.g. `app.example.com`. @default CloudFront's own domain */
    appDomain: optional(domainName),
    /** us-east-1 ACM certificate for `appDomain`. Required when the domain is set. */
    appCertificateArn: optional(certificateArn),
    /** Who receives alarm notifications (an SNS email subscription to confirm once). */
    alarmEmail: z.email(),
    /** EventBridge Scheduler expression of the payout run (UTC). @default the `payouts` schedule of lib/resources.ts */
    payoutSchedule: z
      .string()
      .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\)|at\(\S+\))$/, 'must be rate(...), cron(6 fields) or at(...)')
      .default(defaultPayoutSchedule ?? 'cron(0 6 1 * ? *)'),
    retention: z.strictObject({
      /** Conversions (with their touches, snapshots and adjustments) settled and older than this are purged. */
      conversionsDays: positiveInt.default(2557),
      /** Completed or failed payouts (with their events) older than this are purged. */
      payoutsDays: positiveInt.default(2557),
      /** Audit rows older than this are purged (the only deletion the insert-only trigger allows). */
      auditLogsDays: positiveInt.default(2557),
      /** Aurora clicks older than this are deleted by the retention job. */
      clicksDays: positiveInt.default(730),
      /** Touches older than this lose their click, cookie and lead (their money stays with the conversion). */
      touchesDays: positiveInt.default(730),
      /** Funnel journeys whose last event is older than this are deleted. */
      funnelJourneysDays: positiveInt.default(730),
      /** Cookies are deleted this long after they expired. */
      expiredCookiesDays: positiveInt.default(365),
      /** IP addresses on clicks older than this are anonymised. */
      clickIpDays: positiveInt.default(90),
      /** Inbound webhook dedupe rows older than this are deleted (far beyond any provider's retries). */
      webhookDeliveriesDays: positiveInt.default(90),
      /** Outbound notification records (delivered or failed) older than this are deleted. */
      notificationDeliveriesDays: positiveInt.default(90),
      /** Unattributed conversions older than this lose their raw payload (it may hold a customer email). */
      unattributedPayloadDays: positiveInt.default(90),
      /** A notice's unsubscribe link (it holds the address) keeps working this long after it was sent. */
      unsubscribeLinksDays: positiveInt.default(365),
      /** Lambda, API access, VPC flow and CloudFront logs. */
      logsDays: z.coerce
        .number()
        .refine((days) => (logRetentionDays as readonly number[]).includes(days), `must be one of ${logRetentionDays.join(', ')}`)
        .default(30),
    }),
    /** A visitor's repeat clicks on one link inside this window are not counted. */
    repeatClickWindowSeconds: z.coerce.number().int().min(0).default(3600),
    /** Velocity: requests per minute from one visitor (truncated IP + user agent) on one link still counted; 0 turns the rule off. */
    velocityMaxClicksPerVisitorPerLink: z.coerce.number().int().min(0).default(DEFAULT_VELOCITY_LIMITS.perVisitorPerLink),
    /** Velocity: requests per minute from one address prefix (IPv4 /24, IPv6 /48) on one link still counted; 0 turns the rule off. */
    velocityMaxClicksPerIpPerLink: z.coerce.number().int().min(0).default(DEFAULT_VELOCITY_LIMITS.perIpPerLink),
    /** After a rotation of the origin-verify secret, how long the previous value is still accepted (docs/trust.md). */
    originVerifyGraceSeconds: z.coerce.number().int().min(0).default(86_400),
    /**
     * The origin-verify secret version CloudFront sends, set when rotating (`put-secret-value`
     * prints it): a new value here changes the template, so the edge stack's deploy picks the new
     * secret up. @default the version current at deploy time
     */
    originVerifySecretVersionId: optional(z.string().regex(/^[A-Za-z0-9-]{32,64}$/, 'must be a Secrets Manager VersionId')),
    /** Aurora Serverless v2 capacity (ACU). 0 lets the cluster pause when idle. */
    databaseMinCapacity: z.coerce.number().min(0).max(256).default(0),
    databaseMaxCapacity: z.coerce.number().min(1).max(256).default(4),
    /**
     * Concurrent batches each queue consumer may run (the SQS event source's maximum concurrency,
     * 2-1000), so a click backlog cannot flood Aurora. @default 2 per ACU of databaseMaxCapacity
     */
    consumerMaxConcurrency: optional(z.coerce.number().int().min(2).max(1000)),
    /** Steady-state requests per second and burst of the HTTP API's default stage. */
    apiRateLimit: positiveInt.default(1000),
    apiBurstLimit: positiveInt.default(2000),
    /** Alarm when the redirect's p99 duration exceeds this (ms). */
    redirectP99Ms: positiveInt.default(500),
    /**
     * The domain e-mail is sent from (an SES domain identity is created for it; publish its DKIM
     * records, or give hostedZoneId/hostedZoneName of that zone). Absent: no mail, so no web sign-in.
     */
    mailDomain: optional(domainName),
    /** The From address. @default no-reply@<mailDomain> */
    mailFrom: optional(z.email()),
    /** Addresses that may sign in to the operator console, comma-separated. @default none */
    operatorEmails: optional(z.string().refine((value) => value.split(',').every((email) => z.email().safeParse(email.trim()).success), 'must be comma-separated e-mail addresses')),
    /** The web app's origin, e.g. `https://app.example.com` (sign-in links, Secure cookie, CSRF Origin check). @default the API URL */
    appBaseUrl: optional(z.url().regex(/^https:\/\/[^/]+$/, 'must be an https origin without a path, e.g. https://app.example.com')),
  })
  .superRefine((config, ctx) => {
    if (config.shortLinkDomain && !config.shortLinkCertificateArn) {
      ctx.addIssue({ code: 'custom', path: ['shortLinkCertificateArn'], message: 'is required when shortLinkDomain is set' });
    }
    if (config.shortLinkCertificateArn && !config.shortLinkCertificateArn.includes(':us-east-1:')) {
      ctx.addIssue({ code: 'custom', path: ['shortLinkCertificateArn'], message: 'must be in us-east-1 (CloudFront)' });
    }
    if (config.appDomain && !config.appCertificateArn) {
      ctx.addIssue({ code: 'custom', path: ['appCertificateArn'], message: 'is required when appDomain is set' });
    }
    if (config.appCertificateArn && !config.appCertificateArn.includes(':us-east-1:')) {
      ctx.addIssue({ code: 'custom', path: ['appCertificateArn'], message: 'must be in us-east-1 (CloudFront)' });
    }
    if (config.apiDomain && !config.apiCertificateArn) {
      ctx.addIssue({ code: 'custom', path: ['apiCertificateArn'], message: 'is required when apiDomain is set' });
    }
    if (Boolean(config.hostedZoneId) !== Boolean(config.hostedZoneName)) {
      ctx.addIssue({ code: 'custom', path: ['hostedZoneName'], message: 'hostedZoneId and hostedZoneName go together' });
    }
    if (config.mailFrom && !config.mailDomain) {
      ctx.addIssue({ code: 'custom', path: ['mailFrom'], message: 'needs mailDomain (the SES identity it is sent from)' });
    }
    if (config.mailFrom && config.mailDomain && config.mailFrom.split('@')[1]?.toLowerCase() !== config.mailDomain.toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: ['mailFrom'], message: 'must be an address of mailDomain' });
    }
    if (config.databaseMaxCapacity < config.databaseMinCapacity) {
      ctx.addIssue({ code: 'custom', path: ['databaseMaxCapacity'], message: 'must be >= databaseMinCapacity' });
    }
  });

export type StageConfig = z.infer<typeof stageConfigSchema>;

/** The context keys read from cdk.json / `-c`; `retention.*` keys may also be given flat as `retention.clicksDays`. */
export const stageConfigKeys = Object.keys(stageConfigSchema.shape) as (keyof StageConfig)[];

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

/**
 * Validates the stage configuration from CDK context (`node.tryGetContext`). Throws a
 * `StageConfigError` naming every bad key, e.g. `alarmEmail: Invalid email address`.
 */
export function loadStageConfig(getContext: (key: string) => unknown): StageConfig {
  const raw: Record<string, unknown> = {};
  for (const key of stageConfigKeys) {
    const value = getContext(key);
    if (value !== undefined) raw[key] = value;
  }
  // `-c retention.clicksDays=365` overrides one age without restating the whole object.
  const retention = { ...(typeof raw.retention === 'object' && raw.retention !== null ? raw.retention : {}) } as Record<string, unknown>;
  for (const key of Object.keys(stageConfigSchema.shape.retention.shape)) {
    const value = getContext(`retention.${key}`);
    if (value !== undefined) retention[key] = value;
  }
  raw.retention = retention;
  const parsed = stageConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new StageConfigError(`Invalid stage configuration (cdk.json context or -c):\n${problems.join('\n')}`);
  }
  return parsed.data;
}
