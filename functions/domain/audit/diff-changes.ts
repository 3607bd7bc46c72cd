/**
 * The `changes` document of an audit row: only the fields that changed, before and after, and
 * their names. A create has no `before`; a delete has no `after`.
 */
export interface AuditChanges {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changed_fields: string[];
}

/** Fields never copied into audit rows (secrets and bookkeeping). */
const ignored = new Set(['updated_at', 'key_hash', 'api_key', 'webhook_secret']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The changes between two versions of a row (either may be null for create/delete). */
export function diffChanges(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): AuditChanges {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changed = [...keys].filter((key) => !ignored.has(key) && !same(before?.[key], after?.[key])).sort();
  const pick = (row: Record<string, unknown> | null | undefined) =>
    row ? Object.fromEntries(changed.filter((k) => k in row).map((k) => [k, row[k]])) : null;
  return { before: pick(before), after: pick(after), changed_fields: changed };
}
