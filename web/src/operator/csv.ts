/**
 * CSV as RFC 4180 writes it: a header row, fields holding a comma, a double quote, CR or LF
 * quoted with the quotes doubled, CRLF line ends. Values are written as the API gave them
 * (amounts stay decimal strings); objects as JSON.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const field = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(field).join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\r\n') + '\r\n';
}
