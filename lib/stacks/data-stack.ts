/**
 * The stateful stack: Aurora (system of record for money), the DynamoDB hot store and the SQS
 * queues with their dead-letter queues. Kept apart from the stateless stacks so that redeploying
 * or even destroying a function stack never touches data, and everything here is retained or
 * deletion-protected.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functions, queues, tables, visibilityTimeoutSeconds, type DatabaseLoginRole, type FunctionDeclaration, type KeyAttribute, type QueueName, type TableDeclaration, type TableName } from '../resources.js';
import type { StageConfig } from '../stage-config.js';
import { SchemaMigrations } from '../constructs/schema-migrations.js';
import { logRetention } from '../constructs/log-retention.js';

/** The database the platform's schema lives in (the composition root's default `DB_NAME`). */
export const databaseName = 'affiliate';

/** Every login role some function declares (lib/resources.ts `databaseRole`), each once. */
export function databaseLoginRoles(): DatabaseLoginRole[] {
  const declared = Object.values(functions as Record<string, FunctionDeclaration>).map((fn) => fn.databaseRole);
  return [...new Set(declared.filter((role): role is DatabaseLoginRole => role !== null))];
}

/** `affiliate_management_api` -> `DatabaseRoleManagementApiSecret`: a readable, stable construct id. */
export function databaseRoleSecretId(role: DatabaseLoginRole): string {
  const words = role.replace(/^affiliate_/, '').split('_');
  return `DatabaseRole${words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}Secret`;
}

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
}

export interface PlatformQueue {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

export class DataStack extends Stack {
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly queues: Record<QueueName, PlatformQueue>;
  readonly cluster: rds.DatabaseCluster;
  /**
   * One Data API secret per function role (schema/0013_database_roles.sql), attached to the
   * cluster. A function is granted read on its own secret only; the master secret is the
   * migrations' alone.
   */
  readonly databaseSecrets: Record<DatabaseLoginRole, secretsmanager.ISecret>;
  readonly databaseName = databaseName;
  readonly migrations: SchemaMigrations;
  /** Wraps the per-record data keys of partners' payment details (docs/payment-data.md). */
  readonly paymentDataKey: kms.Key;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.tables = Object.fromEntries(
      (Object.keys(tables) as TableName[]).map((key) => {
        const declaration: TableDeclaration = tables[key];
        const table = new dynamodb.Table(this, `${declaration.name}Table`, {
          tableName: `${config.stage}-${declaration.name}`,
          partitionKey: toKey(declaration.partitionKey),
          sortKey: declaration.sortKey ? toKey(declaration.sortKey) : undefined,
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          timeToLiveAttribute: declaration.ttlAttribute,
        });
        for (const index of declaration.globalSecondaryIndexes) {
          table.addGlobalSecondaryIndex({
            indexName: index.indexName,
            partitionKey: toKey(index.partitionKey),
            sortKey: index.sortKey ? toKey(index.sortKey) : undefined,
            projectionType: dynamodb.ProjectionType.ALL,
          });
        }
        return [key, table];
      }),
    ) as Record<TableName, dynamodb.Table>;

    this.queues = Object.fromEntries(
      (Object.keys(queues) as QueueName[]).map((key) => {
        const declaration = queues[key];
        const deadLetterQueue = new sqs.Queue(this, `${declaration.name}DeadLetterQueue`, {
          queueName: `${config.stage}-${declaration.deadLetterQueueName}`,
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          // Poison messages wait for an operator for the longest time SQS allows.
          retentionPeriod: Duration.days(14),
        });
        const queue = new sqs.Queue(this, `${declaration.name}Queue`, {
          queueName: `${config.stage}-${declaration.name}`,
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          // A batch still in flight must not reappear to a second consumer.
          visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(key)),
          retentionPeriod: Duration.days(4),
          deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: declaration.maxReceiveCount },
        });
        return [key, { queue, deadLetterQueue }];
      }),
    ) as Record<QueueName, PlatformQueue>;

    // Lambdas reach Aurora through the Data API (HTTPS to the RDS service), not the VPC: the
    // cluster only needs isolated subnets, so there is no NAT gateway to pay for or to secure.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      natGateways: 0,
      maxAzs: 2,
      subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogs', { retention: logRetention(config.retention.logsDays), removalPolicy: RemovalPolicy.DESTROY }),
      ),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    // Aurora creates its log group on first write; creating it first sets the retention without
    // the LogRetention custom resource (and its wildcard policy).
    const clusterIdentifier = `${config.stage}-affiliate`;
    const postgresLogs = new logs.LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: logRetention(config.retention.logsDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.cluster = new rds.DatabaseCluster(this, 'Database', {
      clusterIdentifier,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      writer: rds.ClusterInstance.serverlessV2('writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: config.databaseMinCapacity,
      serverlessV2MaxCapacity: config.databaseMaxCapacity,
      credentials: rds.Credentials.fromGeneratedSecret('affiliate_admin', { secretName: `${config.stage}/aurora/admin` }),
      defaultDatabaseName: databaseName,
      enableDataApi: true,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
      deletionProtection: true,
      backup: { retention: Duration.days(14), preferredWindow: '02:00-03:00' },
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql'],
      copyTagsToSnapshot: true,
    });
    this.cluster.node.addDependency(postgresLogs);
    Validations.of(this.cluster).acknowledge(
      { id: 'AwsSolutions-RDS6', reason: 'Every client uses the RDS Data API with the Secrets Manager secret; no client connects with IAM database auth.' },
      { id: 'AwsSolutions-SMG4', reason: 'Rotation needs a Lambda inside the isolated VPC plus a Secrets Manager endpoint; the secret is only read by the Data API on behalf of IAM-authorised functions. Rotate by redeploying a new secret if required.' },
    );

    // Deleting it would make every sealed payment detail unreadable: retained, and rotated yearly
    // (KMS keeps the old key material, so records sealed before a rotation still open).
    this.paymentDataKey = new kms.Key(this, 'PaymentDataKey', {
      alias: `alias/${config.stage}/affiliate/payment-data`,
      description: `${config.stage} affiliate platform: wraps the data keys of partners' payment details`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The password is generated by Secrets Manager and never appears in the template; the
    // migrations custom resource reads it and gives the role LOGIN with it.
    this.databaseSecrets = Object.fromEntries(
      databaseLoginRoles().map((role) => {
        const secret = new secretsmanager.Secret(this, databaseRoleSecretId(role), {
          secretName: `${config.stage}/aurora/${role}`,
          description: `Data API credentials of the PostgreSQL role ${role} (docs/database-roles.md)`,
          generateSecretString: {
            secretStringTemplate: JSON.stringify({ username: role }),
            generateStringKey: 'password',
            passwordLength: 48,
            // Letters and digits only: nothing to quote in a connection string or a statement.
            excludePunctuation: true,
          },
        });
        Validations.of(secret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason: 'Rotation needs a Lambda inside the isolated VPC; rotate by writing a new value and re-running the migrations handler (docs/database-roles.md).',
        });
        return [role, secret.attach(this.cluster)];
      }),
    ) as Record<DatabaseLoginRole, secretsmanager.ISecret>;

    this.migrations = new SchemaMigrations(this, 'SchemaMigrations', {
      cluster: this.cluster,
      databaseName,
      roleSecrets: this.databaseSecrets,
      logRetention: logRetention(config.retention.logsDays),
    });
  }
}

function toKey(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}
