/**
 * Erasing a person as a use case: the subject is parsed from a job's input, the hot store's clicks
 * go through the ClickEraser port, and neither the audit row nor the log line keeps the identifier.
 * (The whole erasure, row by row, is tested through its route: test/functions/handlers/api/erasure-routes.test.ts.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../../functions/domain/audit/actor.js';
import { ValidationError } from '../../../functions/domain/errors.js';
import { erasePerson, erasureSubjectOf } from '../../../functions/use-cases/erase-person.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { recordingLogger } from '../../support/fixtures/recording-telemetry.js';

const db = useTestDatabase(undefined, 60_000);

describe('erasureSubjectOf', () => {
  it.each([
    [{ email: ' Ada@Example.com ' }, { email: 'ada@example.com' }],
    [{ vendor_id: 7, customer_id: 'cus_1' }, { vendorId: 7, customerId: 'cus_1' }],
  ])('reads %j', (input, subject) => {
    expect(erasureSubjectOf(input)).toEqual(subject);
  });

  it.each([[{}], [{ email: 'not-an-address' }], [{ vendor_id: '7', customer_id: 'cus_1' }], [{ vendor_id: 7, customer_id: '' }]])('refuses %j with a ValidationError', (input) => {
    expect(() => erasureSubjectOf(input)).toThrow(ValidationError);
  });
});

describe('erasePerson', () => {
  it('audits and logs the subject by its hash only, and asks the hot store for the cookies it found', async () => {
    const logger = recordingLogger();
    const asked: string[][] = [];
    const report = await erasePerson({
      sql: db.sql,
      clickEraser: { deleteClicksOfCookies: async (ids) => (asked.push([...ids]), 0) },
      subject: { email: 'nobody@example.com' },
      actor: systemActor,
      now: new Date('2026-03-01T12:00:00.000Z'),
      logger,
    });
    const hash = createHash('sha256').update(JSON.stringify({ email: 'nobody@example.com' })).digest('hex');
    expect(report).toMatchObject({ subject_sha256: hash, conversions: 0, cookies: 0, hot_store_clicks_deleted: 0 });
    expect(asked).toEqual([[]]);
    expect(logger.lines.map((l) => [l.level, l.message, l.fields.subject_sha256])).toEqual([['info', 'gdpr erasure', hash]]);
    const audit = await db.sql.query<{ changes: unknown }>(`SELECT changes FROM audit_logs WHERE entity_type = 'erasure'`);
    expect(audit.rows).toHaveLength(1);
    expect(JSON.stringify([audit.rows, logger.lines])).not.toContain('nobody@');
  });
});
