const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Canonical form of an email address for identity comparisons (never for sending):
 * trimmed, lower-cased, `+tag` sub-addressing removed from the local part (any domain), and
 * for Gmail the dots in the local part removed and `googlemail.com` folded into `gmail.com`
 * (Gmail ignores both). `" John.Doe+aff@GoogleMail.com "` -> `"johndoe@gmail.com"`.
 * A value without a usable `@` is returned trimmed and lower-cased.
 */
export function normaliseEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0 || at === lower.length - 1) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1).replace(/\.$/, '');
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    domain = 'gmail.com';
    local = local.replace(/\./g, '');
  }
  return `${local}@${domain}`;
}
