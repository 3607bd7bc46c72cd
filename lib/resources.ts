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
  | 'ingestClicks'
  | 'managementApi'
  | 'webhooks'
  | 'attributeConversions'
  | 'notifyVendors'
  | 'scheduledJobs';

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
 * PostgreSQL login roles, one per function that uses Aurora (schema/0014_database_roles.sql,
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
} as const satisfies Record<FunctionName, FunctionDeclaration>;


export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

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
  adminToken: 'ADMIN_TOKEN',
  repeatClickWindowSeconds: 'REPEAT_CLICK_WINDOW_SECONDS',
  payoutKeyNamespace: 'PAYOUT_KEY_NAMESPACE',
} as const;
