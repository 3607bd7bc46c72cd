/**
 * retention and the notices' unsubscribe links: a link minted more than a year ago (the default
 * `unsubscribeLinksDays`) is deleted as the retention role, with the address it held; a recent
 * one keeps working; an opt-out recorded through an old link stays in force after its token goes.
 */
import { describe, expect, it } from 'vitest';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import type { MailMessage } from '../../../functions/ports/mailer.js';
import { applyRetention } from '../../../functions/use-cases/apply-retention.js';
import { sendNotice } from '../../../functions/use-cases/send-notice.js';
import { unsubscribeEmail } from '../../../functions/use-cases/unsubscribe-email.js';
import { silentLogger } from '../../../functions/platform/silent-telemetry.js';
import { databaseJobRoles } from '../../../lib/resources.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedPartner } from '../../support/fixtures/seed.js';

const db = useTestDatabase(undefined, 60_000);
const now = new Date('2026-03-01T12:00:00.000Z');
const daysBefore = (days: number, minutes = 0) => new Date(now.getTime() - days * 86_400_000 - minutes * 60_000);

/** Sends a real notice at `at` and returns the token of its List-Unsubscribe link. */
async function noticeSentAt(partnerId: number, at: Date): Promise<string> {
  const sent: MailMessage[] = [];
  const outcome = await sendNotice({
    sql: db.sql,
    mailer: { send: async (message) => void sent.push(message) },
    logger: silentLogger,
    appBaseUrl: 'https://app.example.test',
    partnerId,
    notice: { kind: 'partner_approved' },
    now: at,
  });
  expect(outcome).toBe('sent');
  const token = /token=([A-Za-z0-9_-]+)>$/.exec(sent[0]!.headers!['List-Unsubscribe']!)?.[1];
  expect(token).toBeDefined();
  return token!;
}

describe('retention of unsubscribe links', () => {
  it('deletes links minted over a year ago; recent ones still unsubscribe; earlier opt-outs stay', async () => {
    const pat = await seedPartner(db.sql);
    const sam = await seedPartner(db.sql);
    const kim = await seedPartner(db.sql);
    const patOld = await noticeSentAt(pat.partnerId, daysBefore(365, 1));
    const patRecent = await noticeSentAt(pat.partnerId, daysBefore(365, -1));
    // Sam unsubscribed through a link that is now past its age.
    const samOld = await noticeSentAt(sam.partnerId, daysBefore(400));
    expect(await unsubscribeEmail({ sql: db.sql, token: samOld, now: daysBefore(399) })).toBe(sam.email.toLowerCase());
    const kimOld = await noticeSentAt(kim.partnerId, daysBefore(500));

    const counts = await applyRetention({ sql: createRoleExecutor(db.sql, databaseJobRoles.retention), now, input: {} });
    expect(counts.unsubscribe_links_deleted).toBe(3);

    const stored = await db.sql.query<{ email: string }>(`SELECT email FROM email_unsubscribe_tokens ORDER BY created_at`);
    expect(stored.rows.map((row) => row.email)).toEqual([pat.email.toLowerCase()]);
    // A purged link no longer names anyone; the recent one still works.
    expect(await unsubscribeEmail({ sql: db.sql, token: patOld, now })).toBeUndefined();
    expect(await unsubscribeEmail({ sql: db.sql, token: kimOld, now })).toBeUndefined();
    expect(await unsubscribeEmail({ sql: db.sql, token: patRecent, now })).toBe(pat.email.toLowerCase());
    // Sam's opt-out outlives the token it came through: the next notice is not sent.
    const next = await sendNotice({
      sql: db.sql, mailer: { send: async () => undefined }, logger: silentLogger, appBaseUrl: 'https://app.example.test',
      partnerId: sam.partnerId, notice: { kind: 'partner_approved' }, now,
    });
    expect(next).toBe('opted_out');
  });
});
