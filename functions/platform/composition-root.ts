/**
 * The composition root: the one place that reads the environment and builds the clients every
 * handler is given. On AWS it runs once per cold start; the local runner builds the same
 * `PlatformDeps` itself (with PGlite as the database) and hands them to `createHandler`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { z } from 'zod';
import { envVars, queues, tables, type QueueName, type TableName } from '../../lib/resources.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { createDataApiExecutor } from '../adapters/sql/data-api-executor.js';
import { createPgExecutor } from '../adapters/sql/pg-executor.js';

export interface PlatformConfig {
  /** Physical DynamoDB table names, by logical name. */
  tableNames: Record<TableName, string>;
  /** SQS queue URLs, by logical name. */
  queueUrls: Record<QueueName, string>;
  /** Base of every short link, e.g. `https://go.example.com`. */
  publicBaseUrl: string;
  /** Operator bearer token; absent where no admin route is served. */
  adminToken?: string;
  /** A visitor's repeat clicks on one link inside this window are not counted. */
  repeatClickWindowSeconds: number;
}

export interface PlatformDeps {
  config: PlatformConfig;
  /** Aurora (Data API), PostgreSQL or PGlite. Built lazily: the redirect never touches it. */
  readonly sql: SqlExecutor;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  /** The only clock handlers read; tests pass a fixed one. */
  now: () => Date;
}

const optionalString = z.string().min(1).optional();

const environmentSchema = z.object({
  [envVars.publicBaseUrl]: z.url().default('http://127.0.0.1:3000'),
  [envVars.adminToken]: optionalString,
  [envVars.repeatClickWindowSeconds]: z.coerce.number().int().min(0).default(3600),
  [envVars.databaseUrl]: optionalString,
  [envVars.dbClusterArn]: optionalString,
  [envVars.dbSecretArn]: optionalString,
  [envVars.dbName]: z.string().min(1).default('affiliate'),
});

/** Reads the handler configuration from the environment; names the missing variable when one is absent. */
export function platformConfigFromEnv(env: NodeJS.ProcessEnv): PlatformConfig {
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
    adminToken: parsed[envVars.adminToken],
    repeatClickWindowSeconds: parsed[envVars.repeatClickWindowSeconds],
  };
}

/** Builds the SQL executor named by the environment: the Data API on AWS, node-postgres elsewhere. */
export function sqlExecutorFromEnv(env: NodeJS.ProcessEnv): SqlExecutor {
  const parsed = environmentSchema.parse(env);
  const clusterArn = parsed[envVars.dbClusterArn];
  const secretArn = parsed[envVars.dbSecretArn];
  if (clusterArn && secretArn) {
    return createDataApiExecutor({
      client: new RDSDataClient({}),
      resourceArn: clusterArn,
      secretArn,
      database: parsed[envVars.dbName],
    });
  }
  const databaseUrl = parsed[envVars.databaseUrl];
  if (databaseUrl) return createPgExecutor({ connectionString: databaseUrl });
  throw new Error(
    `No database configured: set ${envVars.dbClusterArn} and ${envVars.dbSecretArn} (Aurora Data API) or ${envVars.databaseUrl}`,
  );
}

/** Everything a handler needs, from the environment. The SQL executor is built on first use. */
export function platformDepsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformDeps {
  let sql: SqlExecutor | undefined;
  return {
    config: platformConfigFromEnv(env),
    get sql() {
      sql ??= sqlExecutorFromEnv(env);
      return sql;
    },
    dynamodb: new DynamoDBClient({}),
    sqs: new SQSClient({}),
    now: () => new Date(),
  };
}
