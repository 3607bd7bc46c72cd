/** Why a conversion earned its commission, in one sentence, from the terms the API recorded on it. */

/** A sentence from the recorded commission terms (the API's figures, not recomputed). */
export function explainCommission(c: { commission_type: string | null; commission_value: string | null; commission_amount: string | null; event_value: string | null; currency: string }): string {
  if (c.commission_amount === null) return 'No commission (not a commissionable event, or not attributed).';
  if (c.commission_type === 'percentage') return `${c.commission_value ?? '?'} % of ${c.event_value ?? '?'} ${c.currency} = ${c.commission_amount} ${c.currency}.`;
  if (c.commission_type === 'flat') return `A flat ${c.commission_value ?? '?'} ${c.currency} per conversion = ${c.commission_amount} ${c.currency}.`;
  return `${c.commission_type ?? 'commission'} ${c.commission_value ?? ''} = ${c.commission_amount} ${c.currency}.`;
}
