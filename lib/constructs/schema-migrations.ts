/**
 * Applies `schema/` to Aurora on every deploy that changes it: a Provider-framework custom
 * resource backed by functions/handlers/migrate-on-deploy.ts. The resource's `SchemaHash` is a
 * digest of the migration files, so CloudFormation sends an Update exactly when a file was added
 * or changed and leaves the resource alone otherwise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { schemaHash as hashOfMigrations } from '../../functions/adapters/sql/schema-hash.js';
import { envVars } from '../resources.js';
import { NodeFunction, repositoryRoot } from './node-function.js';

/** The runner applies only files named like this (functions/adapters/sql/run-migrations.ts). */
const migrationFileName = /^\d{4}_.+\.sql$/;

export const migrateOnDeployEntry = 'functions/handlers/migrate-on-deploy.ts';

/**
 * SHA-256 over the migration files' names and texts, in the order the runner applies them; the
 * handler computes the same from its bundle to recognise a rollback (functions/adapters/sql/schema-hash.ts).
 */
export function schemaHash(directory: string): string {
  const names = readdirSync(directory).filter((name) => migrationFileName.test(name));
  return hashOfMigrations(names.map((name) => ({ name, text: readFileSync(join(directory, name), 'utf8') })));
}

export interface SchemaMigrationsProps {
  readonly cluster: rds.DatabaseCluster;
  readonly databaseName: string;
  /**
   * The function roles' Data API secrets, by role name. After migrating, the handler gives each
   * role LOGIN and the password of its secret (schema/0013_database_roles.sql).
   * @default none
   */
  readonly roleSecrets?: Readonly<Record<string, secretsmanager.ISecret>>;
  /**
   * Folder of `NNNN_*.sql` migrations, copied into the handler's bundle.
   * @default the repository's `schema/`
   */
  readonly schemaDirectory?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class SchemaMigrations extends Construct {
  readonly handler: NodeFunction;
  readonly resource: CustomResource;
  readonly schemaHash: string;

  constructor(scope: Construct, id: string, props: SchemaMigrationsProps) {
    super(scope, id);
    const schemaDirectory = props.schemaDirectory ?? join(repositoryRoot, 'schema');
    this.schemaHash = schemaHash(schemaDirectory);

    this.handler = new NodeFunction(this, 'Handler', {
      entry: migrateOnDeployEntry,
      serviceName: 'migrations',
      description: 'Applies schema/ migrations through the Data API (CloudFormation custom resource)',
      // Statements run one by one through the Data API, after waiting for a paused cluster.
      timeout: Duration.minutes(14),
      memorySize: 512,
      logRetention: props.logRetention,
      bundling: {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Plain node instead of cp: bundling runs locally on any OS, never in Docker.
          afterBundling: (_inputDir: string, outputDir: string) => [
            `node -e "require('node:fs').cpSync(process.argv[1], process.argv[2], { recursive: true })" "${schemaDirectory}" "${join(outputDir, 'schema')}"`,
          ],
        },
      },
    });
    // The master user: migrations only. No function but this one can read its secret.
    if (!props.cluster.secret) throw new Error('SchemaMigrations: the cluster has no master secret');
    this.handler.bindDatabase(props.cluster, props.databaseName, props.cluster.secret);
    const roleSecretArns = Object.fromEntries(Object.entries(props.roleSecrets ?? {}).map(([role, secret]) => [role, secret.secretArn]));
    for (const secret of Object.values(props.roleSecrets ?? {})) secret.grantRead(this.handler);
    this.handler.addEnvironment(envVars.dbRoleSecrets, Stack.of(this).toJsonString(roleSecretArns));

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The CDK Provider framework function uses AWSLambdaBasicExecutionRole; it is CDK-owned and only relays CloudFormation events.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).resolve((this.handler.node.defaultChild as CfnResource).logicalId)}.Arn>:*]`,
        reason: 'The CDK Provider framework may invoke every version of the migration handler (function ARN:*), nothing else.',
      },
    );

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SchemaMigrations',
      // The role secrets are a property too: a new role (or a replaced secret) re-runs the handler.
      properties: { SchemaHash: this.schemaHash, Database: props.databaseName, RoleSecrets: roleSecretArns },
    });
    // The writer instance must exist before the Data API can answer.
    this.resource.node.addDependency(props.cluster);
  }
}
