// 360 lines: the one declaration of every table, queue, function, route, schedule and setting that the CDK app and the local runner read; split, one resource would be declared across files.
/**
 * The platform's resources, declared once. The CDK app (lib/stacks) and the one-machine runner
 * (lib/local) both read this module, so a table, queue, route or schedule cannot exist in one
 * and be missing in the other.
 *
 * Nothing here imports the CDK or the AWS SDK: it is plain data.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface GlobalSecondaryIndex {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableDeclaration {
  /** Logical name; the physical name on AWS is prefixed by the stage, locally it is used as is. */
  name: string;
  /** Environment variable through which a handler learns the physical table name. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalSecondaryIndexes: GlobalSecondaryIndex[];
  /** Epoch-seconds attribute DynamoDB expires items by. Readers still filter by time: dynalite never expires. */
  ttlAttribute?: string;
}

/** DynamoDB hot store: what the redirect and attribution need without touching Aurora. */
export const tables = {
  /** Links by short code, written through by the management API whenever a link, enrollment or campaign changes. */
  links: {
    name: 'links',
    envVar: 'LINKS_TABLE',
    partitionKey: { name: 'short_code', type: 'S' },
    globalSecondaryIndexes: [],
  },
  /**
   * Clicks by click id (items `pk = <click id>`), with a sparse GSI by cookie for the journey.
   * Repeat-visit markers live in the same table (`pk = visit#<short_code>#<visitor hash>`, no
   * cookie attribute so they stay out of the GSI): the redirect's policy covers two tables only.
   */
  clicks: {
    name: 'clicks',
    envVar: 'CLICKS_TABLE',
    partitionKey: { name: 'pk', type: 'S' },
    globalSecondaryIndexes: [
      {
        indexName: 'by_cookie',
        partitionKey: { name: 'cookie_id', type: 'S' },
        sortKey: { name: 'clicked_at', type: 'S' },
      },
    ],
    ttlAttribute: 'expires_at_epoch',
  },
} as const satisfies Record<string, TableDeclaration>;

export type TableName = keyof typeof tables;

/** Names are spelled out so queues and functions can refer to each other without a type cycle. */
export type QueueName = 'clicks' | 'conversions' | 'notifications';
export type FunctionName =
  | 'redirect'
  | 'beacon'
  | 'ingestClicks'
  | 'managementApi'
  | 'webhooks'
  | 'attributeConversions'
  | 'notifyVendors'
  | 'scheduledJobs'
  | 'trackingScript';

export interface QueueDeclaration {
  name: string;
  /** Environment variable through which producers learn the queue URL. */
  envVar: string;
  deadLetterQueueName: string;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** Lambda that consumes the queue (a key of `functions`). */
  consumer: FunctionName;
  batchSize: number;
  /** Longest wait to fill a batch. */
  maxBatchingWindowSeconds: number;
}

/** SQS queues, each with a dead-letter queue. Visibility timeout is derived from the consumer's timeout. */
export const queues = {
  clicks: {
    name: 'clicks',
    envVar: 'CLICKS_QUEUE_URL',
    deadLetterQueueName: 'clicks-dlq',
    maxReceiveCount: 5,
    consumer: 'ingestClicks',
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
  },
  conversions: {
    name: 'conversions',
    envVar: 'CONVERSIONS_QUEUE_URL',
    deadLetterQueueName: 'conversions-dlq',
    maxReceiveCount: 5,
    consumer: 'attributeConversions',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
  },
  notifications: {
    name: 'notifications',
    envVar: 'NOTIFICATIONS_QUEUE_URL',
    deadLetterQueueName: 'notifications-dlq',
    maxReceiveCount: 8,
    consumer: 'notifyVendors',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
  },
} as const satisfies Record<QueueName, QueueDeclaration>;


/** Visibility timeout rule shared by CDK and the local poller: at least 6x the consumer's timeout. */
export function visibilityTimeoutSeconds(queue: QueueName): number {
  return functions[queues[queue].consumer].timeoutSeconds * 6;
}

/**
 * PostgreSQL login roles, one per function that uses Aurora (schema/0013_database_roles.sql,
 * docs/database-roles.md). On AWS each has its own Secrets Manager secret; locally the executors
 * switch to it with `SET LOCAL ROLE`.
 */
export type DatabaseLoginRole =
  | 'affiliate_management_api'
  | 'affiliate_webhooks'
  | 'affiliate_ingest_clicks'
  | 'affiliate_attribute_conversions'
  | 'affiliate_notify_vendors'
  | 'affiliate_scheduled_jobs';

/**
 * Roles no one logs in as: a job switches to one inside its transaction (`SET LOCAL ROLE`), which
 * the functions that run it may do. Only these may change audit_logs.
 */
export const databaseJobRoles = {
  retention: 'affiliate_retention',
  erasure: 'affiliate_erasure',
} as const;

export interface FunctionDeclaration {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Which resources it touches; CDK turns these into least-privilege grants, locally into env vars. */
  tables: { name: TableName; access: 'read' | 'write' | 'readWrite' }[];
  sendsTo: QueueName[];
  /** The PostgreSQL role it runs as; null: no database access at all (no secret, no Data API grant). */
  databaseRole: DatabaseLoginRole | null;
  /**
   * Use of the payment-data KMS key (docs/payment-data.md): `seal` = GenerateDataKey (store
   * payment details), `open` = Decrypt (send payouts). Absent: no access. Only the function that
   * sends payouts may open.
   */
  paymentDataKey?: readonly ('seal' | 'open')[];
}

export const functions = {
  redirect: {
    entry: 'functions/handlers/redirect.ts',
    timeoutSeconds: 5,
    memoryMb: 1024,
    tables: [
      { name: 'links', access: 'read' },
      { name: 'clicks', access: 'write' },
    ],
    sendsTo: ['clicks'],
    databaseRole: null,
  },
  /** The first-party funnel beacon (GET /e.gif, POST /e): reads a click, sends to the conversions queue, never Aurora. */
  beacon: {
    entry: 'functions/handlers/beacon.ts',
    timeoutSeconds: 5,
    memoryMb: 512,
    tables: [{ name: 'clicks', access: 'read' }],
    sendsTo: ['conversions'],
    databaseRole: null,
  },
  ingestClicks: {
    entry: 'functions/handlers/ingest-clicks.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [],
    sendsTo: [],
    databaseRole: 'affiliate_ingest_clicks',
  },
  managementApi: {
    entry: 'functions/handlers/management-api.ts',
    timeoutSeconds: 15,
    memoryMb: 512,
    tables: [
      { name: 'links', access: 'readWrite' },
      { name: 'clicks', access: 'readWrite' },
    ],
    sendsTo: ['conversions', 'notifications'],
    databaseRole: 'affiliate_management_api',
    // It stores partners' payment details (seal) and is where payouts are sent (open: the only one).
    paymentDataKey: ['seal', 'open'],
  },
  webhooks: {
    entry: 'functions/handlers/webhooks.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [],
    sendsTo: ['conversions'],
    databaseRole: 'affiliate_webhooks',
  },
  attributeConversions: {
    entry: 'functions/handlers/attribute-conversions.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [{ name: 'clicks', access: 'read' }],
    sendsTo: ['notifications'],
    databaseRole: 'affiliate_attribute_conversions',
  },
  notifyVendors: {
    entry: 'functions/handlers/notify-vendors.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: [],
    sendsTo: [],
    databaseRole: 'affiliate_notify_vendors',
  },
  scheduledJobs: {
    entry: 'functions/handlers/scheduled-jobs.ts',
    timeoutSeconds: 900,
    memoryMb: 1024,
    tables: [
      { name: 'links', access: 'readWrite' },
      { name: 'clicks', access: 'readWrite' },
    ],
    sendsTo: ['notifications'],
    databaseRole: 'affiliate_scheduled_jobs',
  },
  /** The merchant's tracking script (`/js/track.js`): a constant bundle, no table, queue or database. */
  trackingScript: {
    entry: 'functions/handlers/tracking-script.ts',
    timeoutSeconds: 3,
    memoryMb: 128,
    tables: [],
    sendsTo: [],
    databaseRole: null,
  },
} as const satisfies Record<FunctionName, FunctionDeclaration>;


export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';

export interface RouteDeclaration {
  method: HttpMethod | 'ANY';
  /** API Gateway HTTP API path syntax: `{param}`, `{proxy+}`. */
  path: string;
  function: FunctionName;
  /** Served through CloudFront on the short-link domain as well as on the API domain. */
  edge: boolean;
}

/**
 * HTTP routes. The management API is one Lambda with an internal router (its area routers live
 * in functions/handlers/api), so API Gateway sees a proxy per prefix. Specific routes come before
 * the catch-all short code so both API Gateway and the local gateway resolve them the same way.
 */
export const routes: RouteDeclaration[] = [
  { method: 'ANY', path: '/v1/{proxy+}', function: 'managementApi', edge: false },
  { method: 'POST', path: '/webhooks/{provider}/{integration_id}', function: 'webhooks', edge: true },
  // The funnel beacon: a pixel, sendBeacon's POST and a fetch's CORS preflight (a dot keeps
  // /e.gif clear of short codes; a short code `e` still redirects on GET).
  { method: 'GET', path: '/e.gif', function: 'beacon', edge: true },
  { method: 'POST', path: '/e', function: 'beacon', edge: true },
  { method: 'OPTIONS', path: '/e', function: 'beacon', edge: true },
  { method: 'GET', path: '/js/{file}', function: 'trackingScript', edge: true },
  { method: 'HEAD', path: '/js/{file}', function: 'trackingScript', edge: true },
  { method: 'GET', path: '/{short_code}', function: 'redirect', edge: true },
  { method: 'HEAD', path: '/{short_code}', function: 'redirect', edge: true },
];

export interface ScheduleDeclaration {
  /** Job name, as accepted by `POST /v1/admin/jobs/{name}`. */
  name: string;
  function: FunctionName;
  /** EventBridge Scheduler expression (UTC). */
  expression: string;
  /** The local ticker's period: the same job, run more often on one machine so it is observable. */
  localEveryMs: number;
}

export const schedules: ScheduleDeclaration[] = [
  { name: 'approve-conversions', function: 'scheduledJobs', expression: 'rate(1 hour)', localEveryMs: 60_000 },
  { name: 'payouts', function: 'scheduledJobs', expression: 'cron(0 6 1 * ? *)', localEveryMs: 3_600_000 },
  { name: 'retention', function: 'scheduledJobs', expression: 'cron(30 3 * * ? *)', localEveryMs: 3_600_000 },
  { name: 'rebuild-totals', function: 'scheduledJobs', expression: 'cron(0 4 * * ? *)', localEveryMs: 600_000 },
  // A link whose DynamoDB write failed after its row committed 404s until this re-puts it.
  { name: 'sync-links', function: 'scheduledJobs', expression: 'rate(15 minutes)', localEveryMs: 60_000 },
];

/** Environment variable names shared by the CDK app, the local runner and the composition root. */
export const envVars = {
  databaseUrl: 'DATABASE_URL',
  dbClusterArn: 'DB_CLUSTER_ARN',
  dbSecretArn: 'DB_SECRET_ARN',
  dbName: 'DB_NAME',
  /** With DATABASE_URL only: the role statements run as (SET LOCAL ROLE); the Data API's secret is the role on AWS. */
  dbRole: 'DB_ROLE',
  /** The migrations handler only: `{ "<role>": "<secret ARN>" }`, the roles it gives LOGIN and their secret's password. */
  dbRoleSecrets: 'DB_ROLE_SECRETS',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  /** Local runner only (never set by the CDK app, ignored inside Lambda): the operator token's value. */
  adminToken: 'ADMIN_TOKEN',
  /** The management API's operator-token secret: its ARN (the value stays in Secrets Manager). */
  adminTokenSecretId: 'ADMIN_TOKEN_SECRET_ID',
  adminTokenGraceSeconds: 'ADMIN_TOKEN_GRACE_SECONDS',
  /** The payout credentials' secrets (ARNs): `{"secret_key"}` for Stripe, `{"client_id","client_secret"}` for PayPal. */
  stripePayoutSecretId: 'STRIPE_PAYOUT_SECRET_ID',
  paypalPayoutSecretId: 'PAYPAL_PAYOUT_SECRET_ID',
  repeatClickWindowSeconds: 'REPEAT_CLICK_WINDOW_SECONDS',
  payoutKeyNamespace: 'PAYOUT_KEY_NAMESPACE',
  /** The redirect's origin-verify secret: its ARN (the value stays in Secrets Manager). */
  originVerifySecretId: 'ORIGIN_VERIFY_SECRET_ID',
  originVerifyGraceSeconds: 'ORIGIN_VERIFY_GRACE_SECONDS',
  velocityMaxClicksPerVisitorPerLink: 'VELOCITY_MAX_CLICKS_PER_VISITOR_PER_LINK',
  velocityMaxClicksPerIpPerLink: 'VELOCITY_MAX_CLICKS_PER_IP_PER_LINK',
  /** Local runner only (never set by the CDK app): http and loopback vendor webhook receivers. */
  allowLoopbackWebhooks: 'ALLOW_LOOPBACK_WEBHOOKS',
  /** The KMS key (ARN) that wraps payment-data keys; set on the functions granted it. */
  paymentDataKeyArn: 'PAYMENT_DATA_KEY_ARN',
  /** The web app's origin (`https://app.example.com`): sign-in links, the session cookie's Secure flag, the CSRF Origin check. @default PUBLIC_BASE_URL */
  appBaseUrl: 'APP_BASE_URL',
  /** The From address of every e-mail (an address of the SES identity's domain). */
  mailFrom: 'MAIL_FROM',
  /** Comma-separated addresses that may sign in to the operator console. */
  operatorEmails: 'OPERATOR_EMAILS',
} as const;

/**
 * The retention ages (days) the scheduled jobs read, one variable each. The workers stack sets
 * every one of them from the stage configuration; `functions/platform/retention-config.ts`
 * validates them at cold start, with the data dictionary's ages as defaults
 * (docs/privacy-and-retention.md).
 */
export const retentionEnvVars = {
  conversionsDays: 'RETENTION_CONVERSIONS_DAYS',
  payoutsDays: 'RETENTION_PAYOUTS_DAYS',
  auditLogsDays: 'RETENTION_AUDIT_LOGS_DAYS',
  clicksDays: 'RETENTION_CLICKS_DAYS',
  touchesDays: 'RETENTION_TOUCHES_DAYS',
  funnelJourneysDays: 'RETENTION_FUNNEL_JOURNEYS_DAYS',
  expiredCookiesDays: 'RETENTION_EXPIRED_COOKIES_DAYS',
  clickIpDays: 'RETENTION_CLICK_IP_DAYS',
  webhookDeliveriesDays: 'RETENTION_WEBHOOK_DELIVERIES_DAYS',
  notificationDeliveriesDays: 'RETENTION_NOTIFICATION_DELIVERIES_DAYS',
  unattributedPayloadDays: 'RETENTION_UNATTRIBUTED_PAYLOAD_DAYS',
  unsubscribeLinksDays: 'RETENTION_UNSUBSCRIBE_LINKS_DAYS',
} as const;

export type RetentionSetting = keyof typeof retentionEnvVars;

/**
 * The CloudWatch namespace of the business metrics (Powertools EMF), one per stage so a stage's
 * dashboard never adds another stage's clicks; the local platform (no stage) uses the bare name.
 * The CDK app gives every function its stage's as POWERTOOLS_METRICS_NAMESPACE.
 */
export function metricsNamespace(stage?: string): string {
  return stage ? `AffiliatePlatform/${stage}` : 'AffiliatePlatform';
}
