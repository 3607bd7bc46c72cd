/**
 * The composition root: the one place that reads the environment and builds the clients every
 * handler is given. On AWS it runs once per cold start; the local runner builds the same
 * `PlatformDeps` itself (with PGlite as the database) and hands them to `createHandler`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
// zod/mini: every handler's bundle carries this module, the redirect's included.
import * as z from 'zod/mini';
import { envVars, queues, tables, type QueueName, type TableName } from '../../lib/resources.js';
import { parseOperatorEmails } from '../domain/auth/web-session.js';
import { DEFAULT_VELOCITY_LIMITS, type VelocityLimits } from '../domain/clicks/velocity-verdict.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import type { OriginVerifySecrets } from '../ports/origin-verify-secrets.js';
import type { PaymentDataCipher } from '../ports/payment-data-cipher.js';
import type { PayoutProvider, PayoutProviderName } from '../ports/payout-provider.js';
import type { SecretReader } from '../ports/secret-reader.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { powertoolsBusinessMetrics } from '../adapters/aws/powertools-business-metrics.js';
import { powertoolsLogger } from '../adapters/aws/powertools-logger.js';
import { lambdaTelemetry, type LambdaTelemetry } from './lambda-telemetry.js';
import { retentionConfigFromEnv, type RetentionConfig } from './retention-config.js';

export interface PlatformConfig {
  /** Physical DynamoDB table names, by logical name. */
  tableNames: Record<TableName, string>;
  /** SQS queue URLs, by logical name. */
  queueUrls: Record<QueueName, string>;
  /** Base of every short link, e.g. `https://go.example.com`. */
  publicBaseUrl: string;
  /** Local only (ADMIN_TOKEN, ignored inside Lambda): the operator bearer token as a plain value. */
  adminToken?: string;
  /** ARN or name of the operator-token secret (never its value); read at run time through `PlatformDeps.secretReader`. */
  adminTokenSecretId?: string;
  /** How long after a rotation the previous operator token is still accepted. @default 900 */
  adminTokenGraceSeconds?: number;
  /** A visitor's repeat clicks on one link inside this window are not counted. */
  repeatClickWindowSeconds: number;
  /** Prefix of payout idempotency keys, for deployments sharing one provider account. */
  payoutKeyNamespace?: string;
  /** ARN or name of the origin-verify secret in Secrets Manager (never its value). Absent: viewer headers are never believed. */
  originVerifySecretId?: string;
  /** How long after a rotation the previous origin-verify value is still accepted. @default 86400 */
  originVerifyGraceSeconds?: number;
  /** The redirect's velocity rules (per minute, per link). @default DEFAULT_VELOCITY_LIMITS */
  velocityLimits?: VelocityLimits;
  /**
   * Development only: vendors may save http and loopback `webhook_url`s and notifications reach
   * loopback receivers. From `ALLOW_LOOPBACK_WEBHOOKS=true`, which the local runner sets; never
   * true inside Lambda, whatever the environment says. @default false
   */
  allowLoopbackWebhooks?: boolean;
  /** Retention ages (days) for the retention job; absent: the data dictionary's ages. */
  retention?: RetentionConfig;
  /** `PAYOUT_MINIMUM`: the payout threshold, in major units, of every currency `payoutMinimums` does not name. */
  payoutMinimum?: string;
  /** `PAYOUT_MINIMUMS`: per-currency payout thresholds, "EUR=40.00,JPY=6000" (docs/money.md). */
  payoutMinimums?: string;
  /** The web app's origin (sign-in links, cookie Secure flag, CSRF Origin check). Absent: `publicBaseUrl`. */
  appBaseUrl?: string;
  /** The From address of e-mail. Absent: `no-reply@` the app's host. */
  mailFrom?: string;
  /** Lower-case addresses that may sign in as the operator (OPERATOR_EMAILS). Absent or empty: none. */
  operatorEmails?: readonly string[];
}

export interface PlatformDeps {
  config: PlatformConfig;
  /** Aurora (Data API), PostgreSQL or PGlite. Built lazily: the redirect never touches it. */
  readonly sql: SqlExecutor;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  /** The only clock handlers read; tests pass a fixed one. */
  now: () => Date;
  /**
   * The function's logger (Powertools on AWS and in the local runner). Optional on purpose: a
   * test about amounts or statuses builds deps without one and the code falls back to
   * `silentLogger`, so the suite prints nothing; the composition root and the local runner always
   * set it, which is what the template and local-run tests pin.
   */
  logger?: Logger;
  /** The function's business metrics (EMF). Absent (tests about something else): `silentMetrics`. */
  metrics?: BusinessMetrics;
  /** The function's tracer, where it is traced (every function but the redirect), for SDK clients built later. */
  tracer?: LambdaTelemetry['tracer'];
  /**
   * Payout providers, for the functions that send payouts (the management API). Absent: wire only.
   * Built by `payoutProvidersFromEnv` (functions/adapters/payments) where a function needs them.
   */
  payoutProviders?: Partial<Record<PayoutProviderName, PayoutProvider>>;
  /** Secrets read at run time by id (Secrets Manager through Powertools, cached); built by the functions that read any. */
  secretReader?: SecretReader;
  /** The origin-verify secret, given directly (the local platform's); on AWS it comes from `config.originVerifySecretId`. */
  originVerifySecrets?: OriginVerifySecrets;
  /**
   * Envelope encryption of payment details, for the function that stores them and sends payouts
   * (the management API): KMS on AWS (`paymentDataCipherFromEnv`), the DATA_DIR key file locally.
   * Absent: payment details cannot be written or opened (500), never stored in clear.
   */
  paymentDataCipher?: PaymentDataCipher;
  /** Outgoing e-mail (SES on AWS, the `$DATA_DIR/outbox/` files locally). Absent: sign-in links and notices are not sent. */
  mailer?: Mailer;
}

const optionalString = z.optional(z.string().check(z.minLength(1)));

const environmentSchema = z.object({
  [envVars.publicBaseUrl]: z._default(z.url(), 'http://127.0.0.1:3000'),
  [envVars.adminToken]: optionalString,
  [envVars.adminTokenSecretId]: optionalString,
  [envVars.adminTokenGraceSeconds]: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  [envVars.repeatClickWindowSeconds]: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 3600),
  [envVars.databaseUrl]: optionalString,
  [envVars.dbClusterArn]: optionalString,
  [envVars.dbSecretArn]: optionalString,
  [envVars.dbName]: z._default(z.string().check(z.minLength(1)), 'affiliate'),
  [envVars.payoutKeyNamespace]: optionalString,
  [envVars.originVerifySecretId]: optionalString,
  [envVars.originVerifyGraceSeconds]: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  [envVars.velocityMaxClicksPerVisitorPerLink]: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  [envVars.velocityMaxClicksPerIpPerLink]: z.optional(z.coerce.number().check(z.int(), z.minimum(0))),
  [envVars.allowLoopbackWebhooks]: z.optional(z.enum(['true', 'false'])),
  [envVars.dbRole]: optionalString,
  [envVars.appBaseUrl]: z.optional(z.url()),
  [envVars.mailFrom]: optionalString,
});

/** Reads the handler configuration from the environment; names the missing variable when one is absent. */
export function platformConfigFromEnv(env: NodeJS.ProcessEnv): PlatformConfig {
  return {
    ...configWithoutDatabaseFromEnv(env),
    retention: retentionConfigFromEnv(env),
    // A comma-separated list: any string is one (parsing the whole schema again here would run it twice at cold start).
    operatorEmails: parseOperatorEmails(env[envVars.operatorEmails]),
  };
}

/**
 * `platformConfigFromEnv` minus what only functions with a database read (the retention ages, the
 * operator e-mails): the redirect and the beacon, whose bundles then leave out the retention
 * settings and the web-session module.
 */
function configWithoutDatabaseFromEnv(env: NodeJS.ProcessEnv): PlatformConfig {
  const parsed = environmentSchema.parse(env);
  const tableNames = Object.fromEntries(
    Object.entries(tables).map(([key, table]) => [key, env[table.envVar] ?? table.name]),
  ) as Record<TableName, string>;
  const queueUrls = Object.fromEntries(
    Object.entries(queues).map(([key, queue]) => [key, env[queue.envVar] ?? '']),
  ) as Record<QueueName, string>;
  return {
    tableNames,
    queueUrls,
    publicBaseUrl: parsed[envVars.publicBaseUrl].replace(/\/+$/, ''),
    // A secret's value never sits in a Lambda's environment: there the token comes from Secrets Manager.
    adminToken: env.AWS_LAMBDA_FUNCTION_NAME ? undefined : parsed[envVars.adminToken],
    adminTokenSecretId: parsed[envVars.adminTokenSecretId],
    adminTokenGraceSeconds: parsed[envVars.adminTokenGraceSeconds],
    repeatClickWindowSeconds: parsed[envVars.repeatClickWindowSeconds],
    payoutKeyNamespace: parsed[envVars.payoutKeyNamespace],
    originVerifySecretId: parsed[envVars.originVerifySecretId],
    originVerifyGraceSeconds: parsed[envVars.originVerifyGraceSeconds],
    ...velocityLimitsFrom(parsed[envVars.velocityMaxClicksPerVisitorPerLink], parsed[envVars.velocityMaxClicksPerIpPerLink]),
    // Lambda always sets AWS_LAMBDA_FUNCTION_NAME: a stray variable on AWS cannot open SSRF.
    allowLoopbackWebhooks: parsed[envVars.allowLoopbackWebhooks] === 'true' && !env.AWS_LAMBDA_FUNCTION_NAME,
    payoutMinimum: env.PAYOUT_MINIMUM,
    payoutMinimums: env.PAYOUT_MINIMUMS,
    appBaseUrl: parsed[envVars.appBaseUrl]?.replace(/\/+$/, ''),
    mailFrom: parsed[envVars.mailFrom],
  };
}

/** Both limits or neither: a half-configured pair takes the missing one from the defaults in the redirect. */
function velocityLimitsFrom(perVisitorPerLink: number | undefined, perIpPerLink: number | undefined): Pick<PlatformConfig, 'velocityLimits'> {
  if (perVisitorPerLink === undefined && perIpPerLink === undefined) return {};
  return { velocityLimits: { perVisitorPerLink: perVisitorPerLink ?? DEFAULT_VELOCITY_LIMITS.perVisitorPerLink, perIpPerLink: perIpPerLink ?? DEFAULT_VELOCITY_LIMITS.perIpPerLink } };
}

/**
 * Builds the SQL executor named by the environment: the Data API on AWS, node-postgres elsewhere.
 * The adapters are imported on first use, so a function that never queries (the redirect) never
 * loads pg or the RDS Data API client at cold start.
 */
export function sqlExecutorFromEnv(env: NodeJS.ProcessEnv, tracer?: LambdaTelemetry['tracer']): SqlExecutor {
  const parsed = environmentSchema.parse(env);
  const clusterArn = parsed[envVars.dbClusterArn];
  const secretArn = parsed[envVars.dbSecretArn];
  const databaseUrl = parsed[envVars.databaseUrl];
  if (clusterArn && secretArn) {
    const database = parsed[envVars.dbName];
    return lazySqlExecutor(async () => {
      const [{ RDSDataClient }, { createDataApiExecutor }] = await Promise.all([
        import('@aws-sdk/client-rds-data'),
        import('../adapters/sql/data-api-executor.js'),
      ]);
      const client = tracer ? tracer.captureAWSv3Client(new RDSDataClient({})) : new RDSDataClient({});
      return createDataApiExecutor({ client, resourceArn: clusterArn, secretArn, database });
    });
  }
  if (databaseUrl) {
    const role = parsed[envVars.dbRole];
    return lazySqlExecutor(async () => {
      const [{ createPgExecutor }, { createRoleExecutor }] = await Promise.all([
        import('../adapters/sql/pg-executor.js'),
        import('../adapters/sql/role-executor.js'),
      ]);
      const executor = createPgExecutor({ connectionString: databaseUrl });
      // DATABASE_URL names one user for every function; DB_ROLE narrows it to the function's own role.
      return role ? createRoleExecutor(executor, role) : executor;
    });
  }
  throw new Error(
    `No database configured: set ${envVars.dbClusterArn} and ${envVars.dbSecretArn} (Aurora Data API) or ${envVars.databaseUrl}`,
  );
}

/** An executor whose adapter is loaded on the first statement; a failed load is retried next time. */
function lazySqlExecutor(load: () => Promise<SqlExecutor>): SqlExecutor {
  let loading: Promise<SqlExecutor> | undefined;
  const executor = (): Promise<SqlExecutor> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return {
    query: async (sql, params) => (await executor()).query(sql, params),
    transaction: async (work) => (await executor()).transaction(work),
  };
}

/**
 * Timeouts and retries of the DynamoDB and SQS clients, where a handler needs them tighter than
 * the SDK's defaults (no request timeout, 3 attempts). `requestHandler` takes the Node HTTP
 * handler's options: `connectionTimeout` (TCP + TLS) and `requestTimeout` (the whole request) in
 * ms; without `throwOnRequestTimeout` the handler only logs a warning when the latter passes.
 */
export interface AwsClientConfig {
  maxAttempts?: number;
  requestHandler?: { connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean };
}

/**
 * Everything a handler needs, from the environment. The SQL executor is built on first use.
 * Logger and metrics are the function's Powertools instances (`lambdaTelemetry`, shared with the
 * middlewares `lazyHandler` attaches); where the function is traced, the SDK clients are wrapped
 * by its tracer, so a slow click or sale shows which DynamoDB, SQS or Data API call took the time.
 */
export function platformDepsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  awsClientConfig: AwsClientConfig = {},
  telemetry: LambdaTelemetry = lambdaTelemetry(),
): PlatformDeps {
  return depsWith(platformConfigFromEnv(env), awsClientConfig, telemetry, () => sqlExecutorFromEnv(env, telemetry.tracer));
}

/** Why a function without a database role cannot run a statement. */
export class NoDatabaseError extends Error {
  constructor() {
    super('This function has no database access (lib/resources.ts declares databaseRole: null)');
    this.name = 'NoDatabaseError';
  }
}

/**
 * `platformDepsFromEnv` for the functions that never touch Aurora (the redirect, the beacon): the
 * same clients, and a `sql` that refuses every statement. Not referencing the SQL adapters keeps
 * node-postgres and the Data API client out of their bundles (esbuild inlines dynamic imports);
 * the config leaves out the database functions' settings (`configWithoutDatabaseFromEnv`).
 */
export function platformDepsWithoutDatabaseFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  awsClientConfig: AwsClientConfig = {},
  telemetry: LambdaTelemetry = lambdaTelemetry(),
): PlatformDeps {
  const refuse = () => Promise.reject(new NoDatabaseError());
  return depsWith(configWithoutDatabaseFromEnv(env), awsClientConfig, telemetry, () => ({ query: refuse, transaction: refuse }));
}

function depsWith(config: PlatformConfig, awsClientConfig: AwsClientConfig, telemetry: LambdaTelemetry, buildSql: () => SqlExecutor): PlatformDeps {
  let sql: SqlExecutor | undefined;
  const { tracer } = telemetry;
  const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);
  return {
    config,
    get sql() {
      sql ??= buildSql();
      return sql;
    },
    dynamodb: traced(new DynamoDBClient(awsClientConfig)),
    sqs: traced(new SQSClient(awsClientConfig)),
    now: () => new Date(),
    logger: powertoolsLogger(telemetry.logger),
    metrics: powertoolsBusinessMetrics(telemetry.metrics),
    ...(tracer ? { tracer } : {}),
  };
}
