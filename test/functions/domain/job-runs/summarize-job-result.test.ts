/**
 * A job run's summary: counts instead of lists, scalars kept, and always small enough for the
 * schema's CHECK on `job_runs.summary` (checked by PostgreSQL's own jsonb text, on PGlite).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxSummaryBytes, summarizeJobResult } from '../../../../functions/domain/job-runs/summarize-job-result.js';
import { createTestDatabase, type TestDatabase } from '../../../support/database/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describe('summarizeJobResult', () => {
  it.each([
    ['nothing', undefined, null],
    ['null', null, null],
    // The payouts job: dates and the minimum kept, the created and skipped payouts counted.
    [
      'a payout run',
      { start_date: '2026-02-01T00:00:00.000Z', end_date: '2026-03-01T00:00:00.000Z', minimum: '50', thresholds: { USD: '50', JPY: '5000' }, created: [{ payout_id: 1 }, { payout_id: 2 }], skipped: [] },
      { start_date: '2026-02-01T00:00:00.000Z', end_date: '2026-03-01T00:00:00.000Z', minimum: '50', thresholds: { USD: '50', JPY: '5000' }, created: 2, skipped: 0 },
    ],
    ['reconciliation', { balanced: false, violations: [{ kind: 'x' }], money: [] }, { balanced: false, violations: 1, money: 0 }],
    // Two levels down only lists are counted; deeper objects are dropped.
    ['nested', { counts: { a: 1, deep: { b: 2 }, list: [1, 2, 3] } }, { counts: { a: 1, list: 3 } }],
    ['a scalar result', 42, { value: 42 }],
    ['a list result', [1, 2], { value: 2 }],
  ])('%s', (_name, result, expected) => {
    expect(summarizeJobResult(result)).toEqual(expected);
  });

  it('cuts long strings', () => {
    const summary = summarizeJobResult({ note: 'x'.repeat(1000) });
    expect((summary!.note as string).length).toBe(201);
  });

  it('keeps the first scalars that fit when the whole would not, and says so', () => {
    const result = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key_${String(i).padStart(2, '0')}`, 'v'.repeat(190)]));
    const summary = summarizeJobResult(result)!;
    expect(summary.truncated).toBe(true);
    const keys = Object.keys(summary).filter((key) => key !== 'truncated');
    // About 2 KB of 200-byte entries: the first ten, in order.
    expect(keys).toEqual(Object.keys(result).slice(0, keys.length));
    expect(keys.length).toBeGreaterThanOrEqual(9);
    expect(keys.length).toBeLessThan(20);
  });

  it('always fits the job_runs.summary CHECK (4 KB of jsonb text) for any result', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string({ maxLength: 300 }), fc.string({ maxLength: 400 }), { maxKeys: 60 })), async (result) => {
        const summary = summarizeJobResult(result);
        if (summary === null) return;
        expect(new TextEncoder().encode(JSON.stringify(summary)).length).toBeLessThanOrEqual(maxSummaryBytes);
        const { rows } = await db.sql.query<{ bytes: number; fits: boolean }>(`SELECT octet_length((:s::jsonb)::text) AS bytes, octet_length((:s::jsonb)::text) <= 4096 AS fits`, {
          s: JSON.stringify(summary),
        });
        expect(rows[0]!.fits, `${rows[0]!.bytes} bytes`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
