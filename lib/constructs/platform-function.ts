/**
 * Builds one Lambda from its declaration in lib/resources.ts: entry, timeout and memory as
 * declared, and each declared table, queue and the database bound (env var + grant) through the
 * NodeFunction helpers. Stacks never spell out a function's access themselves.
 */
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functions, metricsNamespace, queues, tables, type DatabaseLoginRole, type FunctionDeclaration, type FunctionName, type QueueName, type TableName } from '../resources.js';
import { NodeFunction } from './node-function.js';

/** The stateful resources a function may be bound to (the data stack's). */
export interface PlatformData {
  readonly tables: Record<TableName, dynamodb.ITable>;
  readonly queues: Record<QueueName, { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue }>;
  readonly cluster: rds.DatabaseCluster;
  readonly databaseName: string;
  /** Wraps the data keys of partners' payment details (envelope encryption). */
  readonly paymentDataKey: kms.IKey;
  /** Each function role's own Data API secret. */
  readonly databaseSecrets: Record<DatabaseLoginRole, secretsmanager.ISecret>;
}

/**
 * Narrower than the declared access, for the redirect's hot path: it reads one link item and
 * writes one click (a conditional PutItem, which also records repeat-visit markers). A handler
 * that starts making another call fails on AWS with AccessDenied and here in the template test,
 * instead of quietly widening the policy of the only public, unauthenticated function.
 * A repeat visit learns the first visit's ids from the failed conditional put itself
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), not from a second read of the clicks table.
 */
export const narrowedTableActions: Partial<Record<FunctionName, Partial<Record<TableName, readonly string[]>>>> = {
  // UpdateItem: the velocity rules' per-minute counter (an atomic ADD), in the clicks table.
  redirect: { links: ['dynamodb:GetItem'], clicks: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  // The beacon reads one click by id, or a cookie's clicks through the by_cookie index.
  beacon: { clicks: ['dynamodb:GetItem', 'dynamodb:Query'] },
};

export interface PlatformFunctionProps {
  readonly stage: string;
  readonly data: PlatformData;
  /** Variables every function of the stage receives (public base URL and the like). */
  readonly environment?: Record<string, string>;
  readonly logRetention?: logs.RetentionDays;
}

/** The Lambda named `name` in lib/resources.ts, with its declared bindings. */
export function createPlatformFunction(scope: Construct, name: FunctionName, props: PlatformFunctionProps): NodeFunction {
  const declaration: FunctionDeclaration = functions[name];
  const fn = new NodeFunction(scope, name, {
    entry: declaration.entry,
    functionName: `${props.stage}-${name}`,
    timeout: Duration.seconds(declaration.timeoutSeconds),
    memorySize: declaration.memoryMb,
    // Business metrics land in the stage's namespace, with the function as their `service`.
    environment: { ...props.environment, POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(props.stage) },
    serviceName: name,
    logRetention: props.logRetention,
  });
  for (const binding of declaration.tables) {
    fn.bindTable(props.data.tables[binding.name], tables[binding.name], binding.access, narrowedTableActions[name]?.[binding.name]);
  }
  for (const queue of declaration.sendsTo) {
    fn.bindQueue(props.data.queues[queue].queue, queues[queue]);
  }
  // A function without a database role (the redirect) gets no database variable, secret or grant.
  if (declaration.databaseRole) {
    fn.bindDatabase(props.data.cluster, props.data.databaseName, props.data.databaseSecrets[declaration.databaseRole]);
  }
  if (declaration.paymentDataKey) fn.bindPaymentDataKey(props.data.paymentDataKey, declaration.paymentDataKey);
  return fn;
}
