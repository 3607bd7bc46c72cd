import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions, queues, tables, visibilityTimeoutSeconds, type QueueName, type TableName } from '../../../lib/resources.js';
import { databaseLoginRoles, databaseRoleSecretId } from '../../../lib/stacks/data-stack.js';
import { repositoryRoot } from '../../../lib/constructs/node-function.js';
import { schemaHash } from '../../../lib/constructs/schema-migrations.js';
import { grants, statementsOfRole, synthPlatform } from '../../support/fixtures/cdk-platform.js';

const { config, templates, stacks } = synthPlatform();
const data = templates.data;

describe('data stack: payment-data key', () => {
  it('is one customer-managed KMS key with yearly rotation, retained with the data it protects', () => {
    const keys = data.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('payment details') } });
    expect(Object.values(keys)).toHaveLength(1);
    const [key] = Object.values(keys);
    expect(key).toMatchObject({ Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    data.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/${config.stage}/affiliate/payment-data` });
  });
});

describe('data stack: DynamoDB hot store', () => {
  it('has exactly the declared tables', () => {
    data.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
  });

  it.each(Object.keys(tables) as TableName[])('%s: keys, indexes, TTL, PITR, on-demand, deletion protection, retained', (name) => {
    const declaration = tables[name];
    const gsis = declaration.globalSecondaryIndexes as readonly { indexName: string; partitionKey: { name: string }; sortKey?: { name: string } }[];
    data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: `${config.stage}-${declaration.name}`,
        KeySchema: [{ AttributeName: declaration.partitionKey.name, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: 'ttlAttribute' in declaration ? { AttributeName: declaration.ttlAttribute, Enabled: true } : Match.absent(),
        GlobalSecondaryIndexes:
          gsis.length === 0
            ? Match.absent()
            : gsis.map((index) => ({
                IndexName: index.indexName,
                KeySchema: [
                  { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                  ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
                ],
                Projection: { ProjectionType: 'ALL' },
              })),
      },
    });
  });
});

describe('data stack: SQS', () => {
  it('has one queue and one dead-letter queue per declaration', () => {
    data.resourceCountIs('AWS::SQS::Queue', Object.keys(queues).length * 2);
  });

  it.each(Object.keys(queues) as QueueName[])('%s: DLQ with maxReceiveCount, SSE, TLS only, visibility >= 6x its consumer timeout', (name) => {
    const declaration = queues[name];
    const consumerTimeout = functions[declaration.consumer as keyof typeof functions].timeoutSeconds;
    expect(visibilityTimeoutSeconds(name)).toBeGreaterThanOrEqual(6 * consumerTimeout);
    data.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${config.stage}-${declaration.name}`,
      VisibilityTimeout: visibilityTimeoutSeconds(name),
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${declaration.name}DeadLetterQueue`), 'Arn'] },
        maxReceiveCount: declaration.maxReceiveCount,
      },
    });
    data.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${config.stage}-${declaration.deadLetterQueueName}`,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('denies non-TLS access on every queue', () => {
    const policies = Object.values(data.findResources('AWS::SQS::QueuePolicy'));
    const queuesCovered = policies.flatMap((policy) => policy.Properties.Queues as unknown[]);
    expect(queuesCovered).toHaveLength(Object.keys(queues).length * 2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('data stack: Aurora', () => {
  it('is Aurora Serverless v2 PostgreSQL 16 with the Data API, encrypted, deletion-protected and backed up', () => {
    data.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      Properties: {
        Engine: 'aurora-postgresql',
        EngineVersion: Match.stringLikeRegexp('^16\\.'),
        EnableHttpEndpoint: true,
        StorageEncrypted: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 14,
        DatabaseName: stacks.data.databaseName,
        ServerlessV2ScalingConfiguration: { MinCapacity: config.databaseMinCapacity, MaxCapacity: config.databaseMaxCapacity },
        EnableCloudwatchLogsExports: ['postgresql'],
      },
    });
    data.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', Engine: 'aurora-postgresql' });
    data.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `${config.stage}/aurora/admin` });
  });

  it('lives in isolated subnets with no NAT gateway or internet gateway', () => {
    data.resourceCountIs('AWS::EC2::NatGateway', 0);
    data.resourceCountIs('AWS::EC2::InternetGateway', 0);
    data.resourceCountIs('AWS::EC2::Subnet', 2);
    data.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });
});

describe('data stack: migrations on deploy', () => {
  it('runs the migration handler as a custom resource keyed by the schema hash, after the cluster', () => {
    const hash = schemaHash(join(repositoryRoot, 'schema'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    data.hasResource('Custom::SchemaMigrations', {
      Properties: { SchemaHash: hash, Database: stacks.data.databaseName },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^Database')]),
    });
  });

  it('grants the migration handler the Data API on this cluster as the master user, and read on the role secrets it applies', () => {
    const migrate = Object.entries(data.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('SchemaMigrationsHandler'));
    expect(migrate).toBeDefined();
    const [, resource] = migrate!;
    const variables = resource.Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(variables).sort()).toEqual(['DB_CLUSTER_ARN', 'DB_NAME', 'DB_ROLE_SECRETS', 'DB_SECRET_ARN', 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME']);
    expect(JSON.stringify(variables.DB_SECRET_ARN)).toMatch(/"Ref":"DatabaseSecretAttachment/);
    const roleLogicalId = resource.Properties.Role['Fn::GetAtt'][0] as string;
    const allowed = grants(statementsOfRole(data, roleLogicalId));
    const roleSecrets = databaseLoginRoles().flatMap((role) => [
      `secretsmanager:DescribeSecret on ${databaseRoleSecretId(role)}Attachment`,
      `secretsmanager:GetSecretValue on ${databaseRoleSecretId(role)}Attachment`,
    ]);
    expect(allowed.filter((grant) => !grant.startsWith('logs:') && !grant.startsWith('xray:'))).toEqual(
      [
        'rds-data:BatchExecuteStatement on Database',
        'rds-data:BeginTransaction on Database',
        'rds-data:CommitTransaction on Database',
        'rds-data:ExecuteStatement on Database',
        'rds-data:RollbackTransaction on Database',
        'secretsmanager:DescribeSecret on DatabaseSecretAttachment',
        'secretsmanager:GetSecretValue on DatabaseSecretAttachment',
        ...roleSecrets,
      ].sort(),
    );
  });

  it('makes one secret per function role, attached to the cluster, its password generated (never in the template)', () => {
    const roles = databaseLoginRoles();
    expect(roles).toEqual([
      'affiliate_ingest_clicks',
      'affiliate_management_api',
      'affiliate_webhooks',
      'affiliate_attribute_conversions',
      'affiliate_notify_vendors',
      'affiliate_scheduled_jobs',
    ]);
    // The master secret plus one per role.
    data.resourceCountIs('AWS::SecretsManager::Secret', roles.length + 1);
    data.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', roles.length + 1);
    for (const role of roles) {
      const [logicalId, secret] = Object.entries(data.findResources('AWS::SecretsManager::Secret', { Properties: { Name: `${config.stage}/aurora/${role}` } }))[0] ?? [];
      expect(logicalId, role).toMatch(new RegExp(`^${databaseRoleSecretId(role)}`));
      expect(secret!.Properties.GenerateSecretString).toMatchObject({
        SecretStringTemplate: JSON.stringify({ username: role }),
        GenerateStringKey: 'password',
        PasswordLength: 48,
      });
      expect(secret!.Properties.SecretString).toBeUndefined();
      data.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
        SecretId: { Ref: logicalId },
        TargetType: 'AWS::RDS::DBCluster',
      });
    }
    // The custom resource carries the ARNs (not the values): a new role re-runs the handler.
    const [migrations] = Object.values(data.findResources('Custom::SchemaMigrations'));
    expect(Object.keys(migrations!.Properties.RoleSecrets).sort()).toEqual([...roles].sort());
    expect(JSON.stringify(data.toJSON())).not.toMatch(/"password"\s*:/i);
  });

  it('a changed migration changes the hash, an unchanged schema keeps it', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const directory = mkdtempSync(join(tmpdir(), 'schema-hash-'));
    try {
      writeFileSync(join(directory, '0001_a.sql'), 'CREATE TABLE a (id INT);');
      writeFileSync(join(directory, 'README.md'), 'notes');
      const first = schemaHash(directory);
      writeFileSync(join(directory, 'README.md'), 'other notes');
      expect(schemaHash(directory)).toBe(first);
      writeFileSync(join(directory, '0002_b.sql'), 'CREATE TABLE b (id INT);');
      expect(schemaHash(directory)).not.toBe(first);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

