/**
 * What a job run keeps of its result (`job_runs.summary`; the schema's CHECK allows 4 KB of jsonb
 * text, which spaces out what JSON.stringify writes, so the bound here is half that):
 * jobs return counts, dates and lists (created payouts, violations, failed links); the console
 * needs the counts, not the lists, and a list could be large or name people. So scalars are kept
 * (long strings cut), a list becomes its length, and a nested object is summarised one level down.
 */
const maxStringLength = 200;
const maxKeys = 30;
export const maxSummaryBytes = 2048;
const byteLength = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

type Summary = Record<string, unknown>;

function summarizeValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value.length > maxStringLength ? `${value.slice(0, maxStringLength)}…` : value;
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && depth > 0) return summarizeObject(value as Record<string, unknown>, depth - 1);
  return undefined;
}

function summarizeObject(object: Record<string, unknown>, depth: number): Summary {
  const summary: Summary = {};
  for (const [key, value] of Object.entries(object).slice(0, maxKeys)) {
    const kept = summarizeValue(value, depth);
    if (kept !== undefined) summary[key] = kept;
  }
  return summary;
}

/** The summary of a job's result; null for a job that returned nothing. Always within `maxSummaryBytes`. */
export function summarizeJobResult(result: unknown): Summary | null {
  if (result === undefined || result === null) return null;
  const summary = typeof result === 'object' && !Array.isArray(result) ? summarizeObject(result as Record<string, unknown>, 1) : { value: summarizeValue(result, 0) ?? null };
  if (byteLength(summary) <= maxSummaryBytes) return summary;
  // Still too large (many long keys): the top-level scalars, in order, while they fit.
  const kept: Summary = { truncated: true };
  for (const [key, value] of Object.entries(summarizeObject(summary, 0))) {
    kept[key] = value;
    if (byteLength(kept) > maxSummaryBytes) {
      delete kept[key];
      break;
    }
  }
  return kept;
}
