/**
 * An amount as the API returns it: a decimal string with the currency's own decimals (0 for JPY,
 * 3 for KWD). Shown as given, digits grouped; never parsed into a float.
 */
export function formatMoney(amount: string, currency: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''} ${currency}`;
}

export function Money(props: { amount: string | null | undefined; currency: string }) {
  if (props.amount === null || props.amount === undefined) return <span class="money muted">–</span>;
  return <span class="money">{formatMoney(props.amount, props.currency)}</span>;
}
