/**
 * The CloudFormation custom resource (Provider framework, onEvent) that applies `schema/` to
 * Aurora through the Data API on every deploy. The runner skips migrations already recorded in
 * `schema_migrations`, so a redeploy applies only the new files; the resource's `SchemaHash`
 * property changes exactly when a file does, which is what makes CloudFormation call us again.
 *
 * After migrating, it gives each function role (schema/0013_database_roles.sql) LOGIN and the
 * password held in that role's own Secrets Manager secret (`DB_ROLE_SECRETS`), through
 * `set_function_role_password`, the password bound as a parameter: never in a template, a
 * migration or a statement's text. Invoking it again after a secret changed re-applies them.
 *
 * The schema files travel inside the bundle (copied next to `index.mjs` at bundling time), so the
 * handler needs no S3 read and the deployed code always matches the deployed migrations.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import pRetry from 'p-retry';
import { runMigrations, type MigrationFile } from '../adapters/sql/run-migrations.js';
import { schemaHash } from '../adapters/sql/schema-hash.js';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { envVars } from '../../lib/resources.js';

/** What the Provider framework expects back from onEvent. */
export interface CustomResourceResult {
  PhysicalResourceId: string;
  Data?: Record<string, string | number>;
}

export interface MigrateOnDeployOptions {
  /** Folder holding the `NNNN_*.sql` files. @default `schema/` next to the bundle */
  schemaDirectory?: string;
  /**
   * Backoff while Aurora Serverless resumes from zero capacity (typically 15-30 s).
   * @default 10 retries from 1 s doubling up to 20 s (about 2.5 minutes in all)
   */
  retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number };
  /** Where progress lines go. @default the function's logger (`deps.logger`), at info */
  log?: (message: string) => void;
  /**
   * The function roles to give LOGIN, each with the ARN of the secret holding its password, and
   * the client that reads them. @default none (locally: roles never log in, executors switch to them)
   */
  roleSecrets?: { secretArns: Readonly<Record<string, string>>; client: Pick<SecretsManagerClient, 'send'> };
}

/** One physical resource per database: the schema is updated in place, never replaced. */
export const physicalResourceId = 'schema-migrations';

const bundledSchemaDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema');

/** Data API errors that go away by themselves: the cluster waking up, or briefly unavailable. */
const transientErrorNames = new Set(['DatabaseResumingException', 'DatabaseUnavailableException']);

/** True when the error, or one it wraps (a failed migration keeps its cause), is transient. */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (transientErrorNames.has(current.name)) return true;
  }
  return false;
}

export function createHandler(deps: PlatformDeps, options: MigrateOnDeployOptions = {}) {
  const logger = deps.logger ?? silentLogger;
  const { schemaDirectory = bundledSchemaDirectory, retry = {}, log = (message: string) => logger.info(message) } = options;
  return async (event: CloudFormationCustomResourceEvent): Promise<CustomResourceResult> => {
    // Tearing the stack down must not drop the platform's data; the cluster is retained anyway.
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };

    const files = await readSchemaFiles(schemaDirectory);
    if (files.length === 0) throw new Error(`No migrations found in ${schemaDirectory}: the bundle is missing schema/`);
    // A failed deploy rolls back by sending an Update with the OLD properties while this (new)
    // code still runs: the hash then names a schema other than the bundled one. Migrations only go
    // forward (the failed one rolled back in its own transaction, earlier ones stay and the old
    // code ignores them), so there is nothing to undo: succeed without running anything, or the
    // stack would be left in UPDATE_ROLLBACK_FAILED.
    const requestedHash = (event.ResourceProperties as { SchemaHash?: unknown }).SchemaHash;
    const bundledHash = schemaHash(files);
    if (event.RequestType === 'Update' && requestedHash !== bundledHash) {
      log(`schema ${String(requestedHash)} requested, ${bundledHash} bundled: a rollback, nothing run`);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { Applied: 0, Migrations: files.length, Skipped: 'rollback' } };
    }
    // Each migration runs in its own transaction and a resuming cluster refuses the first call,
    // so retrying the whole run is safe: applied files are skipped on the next attempt.
    const { applied } = await pRetry(() => runMigrations({ sql: deps.sql, files, log }), {
      retries: retry.retries ?? 10,
      minTimeout: retry.minTimeoutMs ?? 1_000,
      maxTimeout: retry.maxTimeoutMs ?? 20_000,
      factor: 2,
      shouldRetry: (error) => isTransientDatabaseError(error),
      onFailedAttempt: (error) => log(`database not ready (${error.name}), ${error.retriesLeft} retries left`),
    });
    log(applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date');
    const roles = options.roleSecrets ? await setRolePasswords(deps.sql, options.roleSecrets) : [];
    if (roles.length > 0) log(`login and password set for ${roles.join(', ')}`);
    return {
      PhysicalResourceId: event.RequestType === 'Update' ? event.PhysicalResourceId : physicalResourceId,
      Data: { Applied: applied.length, Migrations: files.length, ...(options.roleSecrets ? { RolePasswords: roles.length } : {}) },
    };
  };
}

export class RoleSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleSecretError';
  }
}

/**
 * Reads each role's secret (`{ "username": <role>, "password": … }`, as the Data API expects it)
 * and sets that password on the role. A secret naming another user is refused: the role would
 * log in with credentials the Data API never sends. Returns the roles set, in name order.
 */
export async function setRolePasswords(
  sql: SqlExecutor,
  { secretArns, client }: NonNullable<MigrateOnDeployOptions['roleSecrets']>,
): Promise<string[]> {
  const roles = Object.keys(secretArns).sort();
  for (const role of roles) {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretArns[role] }));
    let credentials: { username?: unknown; password?: unknown };
    try {
      credentials = JSON.parse(output.SecretString ?? '') as typeof credentials;
    } catch {
      throw new RoleSecretError(`The secret of ${role} is not JSON with username and password`);
    }
    if (credentials.username !== role) throw new RoleSecretError(`The secret of ${role} names another user`);
    if (typeof credentials.password !== 'string') throw new RoleSecretError(`The secret of ${role} has no password`);
    await sql.query(`SELECT set_function_role_password(:role, :password)`, { role, password: credentials.password });
  }
  return roles;
}

/** `DB_ROLE_SECRETS` (JSON `{ role: secret ARN }`), or undefined where no role logs in. */
export function roleSecretArnsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const text = env[envVars.dbRoleSecrets];
  if (!text) return undefined;
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || Object.values(parsed).some((arn) => typeof arn !== 'string')) {
    throw new Error(`${envVars.dbRoleSecrets} must be a JSON object of role name to secret ARN`);
  }
  return parsed as Record<string, string>;
}

/** The `NNNN_*.sql` files of a folder, in name order. */
export async function readSchemaFiles(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory).catch(() => [] as string[])).filter((name) => /^\d{4}_.+\.sql$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(path.join(directory, name), 'utf8') })));
}

export const handler = lazyHandler(() => {
  const secretArns = roleSecretArnsFromEnv(process.env);
  const deps = platformDepsFromEnv();
  const client = new SecretsManagerClient({});
  return createHandler(deps, {
    roleSecrets: secretArns ? { secretArns, client: deps.tracer ? deps.tracer.captureAWSv3Client(client) : client } : undefined,
  });
});
