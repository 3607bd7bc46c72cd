/** How many trailing characters of an identifying value a reader sees. */
const VISIBLE = 4;

/**
 * The view of payment details that every read returns: each string field as `****` + its last
 * four characters (`DE89…3000` -> `****3000`, an email -> `****.com`); values of four characters
 * or fewer are fully masked. The prefix has a fixed length so the mask does not leak the length.
 * Masking a masked view changes nothing, so rows of any age can be passed through it.
 */
export function maskAccountDetails(details: Record<string, unknown>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [field, value] of Object.entries(details)) {
    if (value === null || value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    masked[field] = text.length > VISIBLE ? `****${text.slice(-VISIBLE)}` : '****';
  }
  return masked;
}

/** A provider account id (`acct_…`, a PayPal payer id) as readers see it. */
export function maskIdentifier(value: string | null): string | null {
  if (value === null) return null;
  return value.length > VISIBLE ? `****${value.slice(-VISIBLE)}` : '****';
}
