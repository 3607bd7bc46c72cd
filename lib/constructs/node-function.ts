/**
 * The house Lambda construct: every function of the platform is a `NodeFunction`, so runtime,
 * architecture, bundling, logging and tracing are decided once. Access to other resources goes
 * through the `bind*` helpers, which set the environment variable named in lib/resources.ts and
 * grant exactly the calls that access needs, in one step: a function cannot learn a table's name
 * without being allowed to use it, nor be allowed without knowing which variable to read.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { envVars, type QueueDeclaration, type TableDeclaration } from '../resources.js';
import { lambdaBundleOptions } from './lambda-bundle-options.js';

/** The repository root: handler entries in lib/resources.ts are relative to it. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What a function does with a table; maps to DynamoDB actions in `tableActions`. */
export type TableAccess = 'read' | 'write' | 'readWrite';

/** Item-level calls only: no Scan, no DescribeTable, no table management. */
export const tableActions: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** The RDS Data API calls an executor makes (functions/adapters/sql/data-api-executor.ts), on one cluster. */
export const dataApiActions = [
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:ExecuteStatement',
  'rds-data:RollbackTransaction',
] as const;

export interface NodeFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'role' | 'logGroup' | 'logRetention' | 'tracing' | 'bundling'> {
  /** Handler module relative to the repository root (a `functions[...].entry` of lib/resources.ts). */
  readonly entry: string;
  /**
   * How long the function's log group keeps events.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Extra bundling options merged over the house defaults (ESM, minified, source maps, local esbuild).
   * @default - the house defaults only
   */
  readonly bundling?: Partial<BundlingOptions>;
  /**
   * The Powertools service name (POWERTOOLS_SERVICE_NAME): the `service` of every log line and
   * metric of the function.
   * @default the construct id
   */
  readonly serviceName?: string;
  /**
   * The level of the function's own log lines (Lambda filters below it; Powertools reads it as
   * AWS_LAMBDA_LOG_LEVEL). DEBUG adds one line per invocation (request id, duration).
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly applicationLogLevel?: lambda.ApplicationLogLevel;
}

/**
 * A Node.js 22.x arm64 Lambda bundled by the locally installed esbuild (never Docker), minified,
 * with source maps enabled at runtime, its own log group with retention, X-Ray tracing, and its
 * own role holding nothing but the right to write its logs until a `bind*` helper adds more.
 *
 * Logs are JSON (Lambda's JSON log format: the platform's own lines, START/REPORT with the request
 * id, are JSON too, beside Powertools' lines).
 *
 * @default runtime nodejs22.x, architecture arm64, memory 128 MB unless `memorySize`, timeout 3 s
 *   unless `timeout`, tracing ACTIVE, log retention one month, ESM output `index.mjs`, JSON logs at
 *   INFO (application) and INFO (system: START, REPORT).
 */
export class NodeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    const entry = resolve(repositoryRoot, props.entry);
    if (!existsSync(entry)) {
      throw new Error(
        `NodeFunction ${id}: handler entry ${props.entry} does not exist. Every function declared in lib/resources.ts needs its handler file before the app can synthesise.`,
      );
    }
    if (props.snapStart) {
      // Under SnapStart credentials come from a container endpoint, not the environment variables
      // the bundles' credential provider reads (functions/platform/lambda-credential-provider.ts).
      throw new Error(`NodeFunction ${id}: SnapStart needs the SDK's full credential chain; drop the credential-provider alias of lib/constructs/lambda-bundle-options.ts for this function first.`);
    }
    const { logRetention, bundling, environment, serviceName, applicationLogLevel, ...rest } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      // Logs are diagnostics, not records: a torn-down stage should not leave them behind.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}: logs, tracing and what its bind* calls granted`,
    });
    super(scope, id, {
      ...rest,
      entry,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      projectRoot: repositoryRoot,
      depsLockFilePath: resolve(repositoryRoot, 'package-lock.json'),
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: applicationLogLevel ?? lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: serviceName ?? id, ...environment },
      bundling: {
        // ESM, node22, minified, ESM builds of dependencies preferred, pg-native left out: the
        // settings the bundle benches build with too (lambda-bundle-options.ts).
        format: OutputFormat.ESM,
        target: lambdaBundleOptions.target,
        minify: lambdaBundleOptions.minify,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        mainFields: [...lambdaBundleOptions.mainFields],
        // The SDK is bundled (and tree-shaken, minified) rather than taken from the runtime: the
        // versions we test are the versions we run, and a bundled client loads faster at cold start.
        externalModules: [...lambdaBundleOptions.external],
        banner: lambdaBundleOptions.banner,
        // `--alias:<package>=<file>` (CDK renders each entry of the array so).
        esbuildArgs: { '--alias': Object.entries(lambdaBundleOptions.alias).map(([name, file]) => `${name}=${file}`) },
        forceDockerBundling: false,
        ...bundling,
      },
    });
    // Lambda writes to the log group it was given; the role needs nothing broader.
    logGroup.grantWrite(role);
    this.node.addDependency(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; AWS requires Resource "*".',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x on purpose: the platform is tested on Node 20/22 and the runtime moves with a deliberate upgrade, not with each CDK release.',
    });
  }

  /**
   * Sets the table's environment variable and grants the item calls of `access` on the table and,
   * for Query, each of its indexes. `actions` narrows the grant further (the redirect's hot path).
   */
  bindTable(table: dynamodb.ITable, declaration: TableDeclaration, access: TableAccess, actions?: readonly string[]): this {
    this.addEnvironment(declaration.envVar, table.tableName);
    const granted = actions ?? tableActions[access];
    const unknown = granted.filter((action) => !tableActions[access].includes(action));
    if (unknown.length > 0) throw new Error(`bindTable(${declaration.name}): ${unknown.join(', ')} exceed ${access} access`);
    // Each index by name (from the declaration), so no wildcard is needed.
    const indexArns =
      granted.includes('dynamodb:Query') ? declaration.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`) : [];
    this.addToRolePolicy(new iam.PolicyStatement({ actions: [...granted], resources: [table.tableArn, ...indexArns] }));
    return this;
  }

  /** Sets the queue's URL variable and grants sqs:SendMessage on it (which also covers SendMessageBatch). */
  bindQueue(queue: sqs.IQueue, declaration: QueueDeclaration): this {
    this.addEnvironment(declaration.envVar, queue.queueUrl);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    return this;
  }

  /**
   * Sets `PAYMENT_DATA_KEY_ARN` and grants exactly the calls of `uses` on the payment-data key:
   * `seal` = kms:GenerateDataKey (envelope encryption of payment details), `open` = kms:Decrypt.
   */
  bindPaymentDataKey(key: kms.IKey, uses: readonly ('seal' | 'open')[]): this {
    this.addEnvironment(envVars.paymentDataKeyArn, key.keyArn);
    const actions = [...(uses.includes('seal') ? ['kms:GenerateDataKey'] : []), ...(uses.includes('open') ? ['kms:Decrypt'] : [])];
    if (actions.length > 0) this.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [key.keyArn] }));
    return this;
  }

  /**
   * Sets the Data API variables (cluster ARN, secret ARN, database name) and grants the Data API
   * calls on that cluster and read access to `secret`, the credentials of the function's own
   * PostgreSQL role, and to no other secret (not `cluster.grantDataApiAccess`, which would also
   * grant the master secret).
   */
  bindDatabase(cluster: rds.DatabaseCluster, databaseName: string, secret: secretsmanager.ISecret): this {
    this.addEnvironment(envVars.dbClusterArn, cluster.clusterArn);
    this.addEnvironment(envVars.dbSecretArn, secret.secretArn);
    this.addEnvironment(envVars.dbName, databaseName);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: [...dataApiActions], resources: [cluster.clusterArn] }));
    secret.grantRead(this);
    return this;
  }
}
