/**
 * Encrypts payment methods (the `encrypt-payment-methods` job): the migration path of payment details stored in clear before
 * migration 0011. Each such row gets its details sealed (`account_details_encrypted`) and
 * `account_details` replaced by the masked view, with a `system` audit row, in one transaction
 * per row. Idempotent: sealed rows are skipped, and a row changed meanwhile is left for the next
 * run. Needs the payment-data cipher, so it runs where the key is granted: the management API
 * (`POST /v1/admin/jobs/encrypt-payment-methods`), or the local platform.
 */
import { maskAccountDetails } from '../domain/payments/mask-account-details.js';
import type { PaymentDataCipher } from '../ports/payment-data-cipher.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { listUnsealedPaymentMethods, sealPaymentMethod } from '../repositories/partners/payment-methods.js';

export class PaymentDataCipherMissingError extends Error {
  constructor() {
    super('encrypt-payment-methods needs the payment-data key: run it through POST /v1/admin/jobs/encrypt-payment-methods');
    this.name = 'PaymentDataCipherMissingError';
  }
}

export async function encryptPaymentMethods(args: {
  sql: SqlExecutor;
  cipher: PaymentDataCipher | undefined;
  now: Date;
  input: Record<string, unknown>;
}): Promise<{ sealed: number; changed_meanwhile: number }> {
  const { sql, cipher, now } = args;
  if (!cipher) throw new PaymentDataCipherMissingError();
  const batch = Number.isInteger(args.input.batch_size) && Number(args.input.batch_size) > 0 ? Number(args.input.batch_size) : 200;
  let afterId = 0;
  let sealed = 0;
  let changedMeanwhile = 0;
  for (;;) {
    const rows = await listUnsealedPaymentMethods(sql, { afterId, limit: batch });
    if (rows.length === 0) break;
    for (const row of rows) {
      afterId = Number(row.partner_payment_method_id);
      const record = await cipher.seal(row.account_details, { partner_id: String(row.partner_id) });
      const masked = maskAccountDetails(row.account_details);
      const done = await sql.transaction(async (tx) => {
        const updated = await sealPaymentMethod(tx, { id: afterId, expectedDetails: row.account_details, maskedDetails: masked, sealedDetails: record, now });
        if (updated) {
          await writeAuditLog(tx, {
            entity_type: 'partner_payment_methods',
            entity_id: afterId,
            action: 'encrypt',
            actor: { actor_type: 'system', actor_id: null, ip_address: null },
            after: { account_details: masked },
            reason: 'Payment details written before migration 0011 sealed (envelope encryption)',
            now,
          });
        }
        return updated;
      });
      if (done) sealed += 1;
      else changedMeanwhile += 1;
    }
  }
  return { sealed, changed_meanwhile: changedMeanwhile };
}
