// 304 lines: the custom resource's lifecycle (create, update, rollback, delete, a paused cluster) and its role passwords over one mocked Data API; split, both would repeat the mock and the schema fixture.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BadRequestException,
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseResumingException,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
  type ExecuteStatementCommandInput,
} from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createHandler,
  isTransientDatabaseError,
  physicalResourceId,
  readSchemaFiles,
  roleSecretArnsFromEnv,
} from '../../../functions/handlers/migrate-on-deploy.js';
import { platformDepsFromEnv } from '../../../functions/platform/composition-root.js';
// What the CDK construct puts on the custom resource: the handler must recognise it as its own.
import { schemaHash } from '../../../lib/constructs/schema-migrations.js';

const clusterArn = 'arn:aws:rds:eu-west-1:123456789012:cluster:prod-affiliate';
const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/aurora/admin-AbCdEf';

const schemaDirectory = mkdtempSync(path.join(tmpdir(), 'migrate-on-deploy-'));
const migrations = {
  '0001_links.sql': 'CREATE TABLE links (id BIGINT PRIMARY KEY);\n',
  '0002_clicks.sql': 'CREATE TABLE clicks (id BIGINT PRIMARY KEY);\nCREATE INDEX clicks_id ON clicks (id);\n',
};
for (const [name, text] of Object.entries(migrations)) writeFileSync(path.join(schemaDirectory, name), text);
writeFileSync(path.join(schemaDirectory, 'README.md'), 'not a migration');
afterAll(() => rmSync(schemaDirectory, { recursive: true, force: true }));

const rds = mockClient(RDSDataClient);

/** What Aurora has recorded in schema_migrations, answered to the runner's SELECT. */
let recorded: { name: string; checksum: string }[] = [];

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function statements(): ExecuteStatementCommandInput[] {
  return rds.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input);
}

function insertedMigrations(): string[] {
  return statements()
    .filter((input) => input.sql?.startsWith('INSERT INTO schema_migrations'))
    .map((input) => input.parameters?.find((parameter) => parameter.name === 'name')?.value?.stringValue ?? '');
}

beforeEach(() => {
  recorded = [];
  rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
  rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
  rds.on(RollbackTransactionCommand).resolves({});
  rds.on(ExecuteStatementCommand).callsFake((input: ExecuteStatementCommandInput) => {
    if (input.sql === 'SELECT name, checksum FROM schema_migrations') {
      return {
        columnMetadata: [
          { name: 'name', typeName: 'text' },
          { name: 'checksum', typeName: 'bpchar' },
        ],
        records: recorded.map((row) => [{ stringValue: row.name }, { stringValue: row.checksum }]),
      };
    }
    return { columnMetadata: [], records: [], numberOfRecordsUpdated: 0 };
  });
});

afterEach(() => {
  rds.reset();
});

const deps = () => platformDepsFromEnv({ DB_CLUSTER_ARN: clusterArn, DB_SECRET_ARN: secretArn, DB_NAME: 'affiliate' });
const quiet = { schemaDirectory, retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 1 }, log: () => undefined };

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Affiliate-prod-Data/1',
  RequestId: 'request-1',
  LogicalResourceId: 'SchemaMigrations',
  ResourceType: 'Custom::SchemaMigrations',
};
const createEvent: CloudFormationCustomResourceEvent = {
  ...base,
  RequestType: 'Create',
  ResourceProperties: { ServiceToken: base.ServiceToken, SchemaHash: 'a', Database: 'affiliate' },
};
/** The hash of the schema deployed before this one (its files no longer in the bundle). */
const previousHash = createHash('sha256').update('0001_links.sql\0CREATE TABLE links (id BIGINT PRIMARY KEY);\n\0').digest('hex');
const updateEvent: CloudFormationCustomResourceEvent = {
  ...base,
  RequestType: 'Update',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: { ServiceToken: base.ServiceToken, SchemaHash: schemaHash(schemaDirectory), Database: 'affiliate' },
  OldResourceProperties: { ServiceToken: base.ServiceToken, SchemaHash: previousHash, Database: 'affiliate' },
};
/** CloudFormation rolling a failed update back: the old properties come back while the new code runs. */
const rollbackEvent: CloudFormationCustomResourceEvent = {
  ...base,
  RequestType: 'Update',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: { ServiceToken: base.ServiceToken, SchemaHash: previousHash, Database: 'affiliate' },
  OldResourceProperties: { ServiceToken: base.ServiceToken, SchemaHash: schemaHash(schemaDirectory), Database: 'affiliate' },
};
const deleteEvent: CloudFormationCustomResourceEvent = {
  ...base,
  RequestType: 'Delete',
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: { ServiceToken: base.ServiceToken, SchemaHash: 'b', Database: 'affiliate' },
};

describe('migrate-on-deploy custom resource', () => {
  it('applies every migration through the Data API on Create, in name order, against the configured cluster', async () => {
    const result = await createHandler(deps(), quiet)(createEvent);

    expect(result).toEqual({ PhysicalResourceId: physicalResourceId, Data: { Applied: 2, Migrations: 2 } });
    expect(insertedMigrations()).toEqual(['0001_links.sql', '0002_clicks.sql']);
    const sql = statements().map((input) => input.sql);
    expect(sql).toContain('CREATE TABLE links (id BIGINT PRIMARY KEY)');
    expect(sql).toContain('CREATE INDEX clicks_id ON clicks (id)');
    for (const input of statements()) {
      expect(input).toMatchObject({ resourceArn: clusterArn, secretArn, database: 'affiliate' });
    }
    // One transaction for the bookkeeping table, one per migration, all committed.
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(3);
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(0);
  });

  it('applies only the new migration on Update and keeps the physical id', async () => {
    recorded = [{ name: '0001_links.sql', checksum: sha256(migrations['0001_links.sql']) }];

    const result = await createHandler(deps(), quiet)(updateEvent);

    expect(result).toEqual({ PhysicalResourceId: physicalResourceId, Data: { Applied: 1, Migrations: 2 } });
    expect(insertedMigrations()).toEqual(['0002_clicks.sql']);
    expect(statements().map((input) => input.sql)).not.toContain('CREATE TABLE links (id BIGINT PRIMARY KEY)');
  });

  it('changes nothing when every migration is recorded', async () => {
    recorded = Object.entries(migrations).map(([name, text]) => ({ name, checksum: sha256(text) }));

    const result = await createHandler(deps(), quiet)(updateEvent);

    expect(result.Data).toEqual({ Applied: 0, Migrations: 2 });
    expect(insertedMigrations()).toEqual([]);
  });

  it('succeeds without running anything on a rollback (an Update naming a schema other than the bundled one)', async () => {
    recorded = [{ name: '0001_links.sql', checksum: sha256(migrations['0001_links.sql']) }];
    const logged: string[] = [];
    const handler = createHandler(deps(), { ...quiet, log: (message) => logged.push(message) });

    const result = await handler(rollbackEvent);

    expect(result).toEqual({ PhysicalResourceId: physicalResourceId, Data: { Applied: 0, Migrations: 2, Skipped: 'rollback' } });
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(0);
    expect(rds.commandCalls(BeginTransactionCommand)).toHaveLength(0);
    expect(logged.join('\n')).toMatch(/rollback, nothing run/);
  });

  it('a rollback succeeds even while the database is unreachable (the failed migration may have been about it)', async () => {
    rds.reset();
    rds.onAnyCommand().rejects(new BadRequestException({ message: 'Communications link failure', $metadata: {} }));
    const result = await createHandler(deps(), quiet)(rollbackEvent);
    expect(result.PhysicalResourceId).toBe(physicalResourceId);
  });

  it('does nothing on Delete: tearing a stack down never drops the schema', async () => {
    const result = await createHandler(deps(), quiet)(deleteEvent);

    expect(result).toEqual({ PhysicalResourceId: physicalResourceId });
    expect(rds.calls()).toHaveLength(0);
  });

  it('waits for a paused cluster: DatabaseResumingException is retried with backoff', async () => {
    rds
      .on(BeginTransactionCommand)
      .rejectsOnce(new DatabaseResumingException({ message: 'The Aurora DB instance is resuming after being auto-paused.', $metadata: {} }))
      .rejectsOnce(new DatabaseResumingException({ message: 'The Aurora DB instance is resuming after being auto-paused.', $metadata: {} }))
      .resolves({ transactionId: 'tx-2' });
    const messages: string[] = [];

    const result = await createHandler(deps(), { ...quiet, log: (message) => messages.push(message) })(createEvent);

    expect(result.Data).toEqual({ Applied: 2, Migrations: 2 });
    expect(insertedMigrations()).toEqual(['0001_links.sql', '0002_clicks.sql']);
    expect(messages.filter((message) => message.startsWith('database not ready (DatabaseResumingException)'))).toHaveLength(2);
  });

  it('gives up after the configured retries when the cluster never resumes', async () => {
    rds.on(BeginTransactionCommand).rejects(new DatabaseResumingException({ message: 'resuming', $metadata: {} }));

    await expect(createHandler(deps(), quiet)(createEvent)).rejects.toMatchObject({ name: 'DatabaseResumingException' });
    expect(rds.commandCalls(BeginTransactionCommand)).toHaveLength(4);
  });

  it('fails at once on an error that is not transient (a broken migration), without retrying', async () => {
    rds.on(ExecuteStatementCommand, { sql: 'CREATE TABLE links (id BIGINT PRIMARY KEY)' }).rejects(
      new BadRequestException({ message: 'ERROR: relation "links" already exists', $metadata: {} }),
    );

    await expect(createHandler(deps(), quiet)(createEvent)).rejects.toThrow(/0001_links\.sql failed at statement 1 and was rolled back/);
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(1);
    expect(insertedMigrations()).toEqual([]);
  });

  it('fails clearly when the bundle carries no migrations', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'migrate-on-deploy-empty-'));
    try {
      await expect(createHandler(deps(), { ...quiet, schemaDirectory: empty })(createEvent)).rejects.toThrow(/No migrations found/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('migrate-on-deploy: function role passwords from their secrets', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const roleSecretArns = {
    affiliate_webhooks: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/aurora/affiliate_webhooks-AbCdEf',
    affiliate_ingest_clicks: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/aurora/affiliate_ingest_clicks-GhIjKl',
  };
  const passwords = { affiliate_webhooks: 'W'.repeat(48), affiliate_ingest_clicks: 'I'.repeat(48) };
  const withRoles = { ...quiet, roleSecrets: { secretArns: roleSecretArns, client: new SecretsManagerClient({}) } };

  beforeEach(() => {
    recorded = Object.entries(migrations).map(([name, text]) => ({ name, checksum: sha256(text) }));
    // The shape Secrets Manager generates from the data stack's template (username + password keys).
    secretsManager.on(GetSecretValueCommand).callsFake(({ SecretId }: { SecretId: string }) => {
      const role = Object.entries(roleSecretArns).find(([, arn]) => arn === SecretId)?.[0] as keyof typeof passwords;
      return { ARN: SecretId, SecretString: JSON.stringify({ username: role, password: passwords[role] }) };
    });
  });
  afterEach(() => secretsManager.reset());

  it('gives each role the password of its own secret, bound as a parameter and never in the statement text', async () => {
    const result = await createHandler(deps(), withRoles)(updateEvent);

    expect(result.Data).toEqual({ Applied: 0, Migrations: 2, RolePasswords: 2 });
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId).sort()).toEqual(Object.values(roleSecretArns).sort());
    const calls = statements().filter((input) => input.sql?.includes('set_function_role_password'));
    expect(calls.map((input) => input.parameters)).toEqual([
      [
        { name: 'role', value: { stringValue: 'affiliate_ingest_clicks' } },
        { name: 'password', value: { stringValue: passwords.affiliate_ingest_clicks } },
      ],
      [
        { name: 'role', value: { stringValue: 'affiliate_webhooks' } },
        { name: 'password', value: { stringValue: passwords.affiliate_webhooks } },
      ],
    ]);
    for (const input of statements()) {
      expect(input.sql).not.toContain(passwords.affiliate_webhooks);
      // Run as the master user: the migrations' secret, not a role's.
      expect(input.secretArn).toBe(secretArn);
    }
  });

  it('refuses a secret that names another user, before setting anything for it', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'affiliate_admin', password: 'x'.repeat(48) }) });

    await expect(createHandler(deps(), withRoles)(updateEvent)).rejects.toThrow(/names another user/);
    expect(statements().filter((input) => input.sql?.includes('set_function_role_password'))).toEqual([]);
  });

  it('reads the role secrets from DB_ROLE_SECRETS, and none where it is unset (local)', () => {
    expect(roleSecretArnsFromEnv({ DB_ROLE_SECRETS: JSON.stringify(roleSecretArns) })).toEqual(roleSecretArns);
    expect(roleSecretArnsFromEnv({})).toBeUndefined();
    expect(() => roleSecretArnsFromEnv({ DB_ROLE_SECRETS: '{"affiliate_webhooks": 1}' })).toThrow(/DB_ROLE_SECRETS/);
  });
});

describe('readSchemaFiles', () => {
  it("reads the repository's schema/ migrations in name order, skipping other files", async () => {
    const directory = path.resolve(import.meta.dirname, '../../../schema');
    const files = await readSchemaFiles(directory);
    const expected = readdirSync(directory).filter((name) => /^\d{4}_.+\.sql$/.test(name)).sort();
    expect(files.map((file) => file.name)).toEqual(expected);
    expect(files.length).toBeGreaterThan(0);
  });
});

describe('isTransientDatabaseError', () => {
  it('recognises a resuming cluster directly or as the cause of a failed migration', () => {
    const resuming = new DatabaseResumingException({ message: 'resuming', $metadata: {} });
    expect(isTransientDatabaseError(resuming)).toBe(true);
    expect(isTransientDatabaseError(new Error('migration failed', { cause: resuming }))).toBe(true);
    expect(isTransientDatabaseError(new BadRequestException({ message: 'syntax error', $metadata: {} }))).toBe(false);
    expect(isTransientDatabaseError('DatabaseResumingException')).toBe(false);
  });
});
