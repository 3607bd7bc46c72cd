/** Jobs by name: each runs its use case, the audit-changing ones under their own database role, an unknown name is not found. */
import { describe, expect, it } from 'vitest';
import { databaseJobRoles } from '../../../lib/resources.js';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { NotFoundError } from '../../../functions/domain/errors.js';
import { jobs, runJob, type ScheduledJobDeps } from '../../../functions/use-cases/scheduled-job-registry.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { recordingLogger } from '../../support/fixtures/recording-telemetry.js';

const roles: string[] = [];
const logger = recordingLogger();

const db = useTestDatabase(undefined, 60_000);

const deps = (): ScheduledJobDeps => ({
  sql: db.sql,
  sqlAsRole: (role) => (roles.push(role), createRoleExecutor(db.sql, role)),
  now: new Date('2026-03-01T12:00:00.000Z'),
  get linkStore(): never {
    throw new Error('no job below needs the link store');
  },
  clickEraser: undefined,
  notificationQueue: undefined,
  paymentDataCipher: undefined,
  retention: undefined,
  payoutMinimum: undefined,
  payoutMinimums: undefined,
  logger,
});

describe('runJob', () => {
  it('runs retention as the retention role and erasure as the erasure role; others as the function', async () => {
    roles.length = 0;
    await runJob({ name: 'reconciliation', deps: deps() });
    expect(roles).toEqual([]);
    const retention = (await runJob({ name: 'retention', deps: deps(), input: {} })) as Record<string, number>;
    expect(retention.clicks_deleted).toBe(0);
    await runJob({ name: 'gdpr-erasure', deps: deps(), input: { email: 'nobody@example.com' } });
    expect(roles).toEqual([databaseJobRoles.retention, databaseJobRoles.erasure]);
    expect(logger.lines.map((l) => l.message)).toEqual(['reconciliation', 'retention', 'gdpr erasure']);
  });

  it('an unknown job is a NotFoundError naming the known ones', async () => {
    const run = runJob({ name: 'nope', deps: deps() });
    await expect(run).rejects.toBeInstanceOf(NotFoundError);
    await expect(run).rejects.toThrow(`Unknown job "nope". Known jobs: ${Object.keys(jobs).join(', ')}.`);
  });
});
