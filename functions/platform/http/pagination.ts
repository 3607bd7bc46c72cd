/**
 * Cursor pagination. A cursor is opaque to callers: base64url of a small JSON keyset (the sort
 * key of the last row served), so a page is one indexed range scan and stays stable while rows
 * are inserted. Lists take `?limit=` (1-100, default 50) and `?cursor=`.
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';

export const defaultPageSize = 50;
export const maxPageSize = 100;

/** The query fields every list accepts; extend it with the list's filters. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(defaultPageSize),
  cursor: z.string().min(1).max(512).optional(),
};

export interface Page<T> {
  data: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** The schema of a page of `item`, for the OpenAPI document. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** Encodes a keyset as an opaque cursor. */
export function encodeCursor(keyset: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(keyset), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`, checked against `schema`; a bad cursor is a 400. */
export function decodeCursor<S extends z.ZodType>(cursor: string | undefined, schema: S): z.output<S> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw new ValidationError('Invalid cursor.', [{ path: 'query.cursor', message: 'Not a cursor issued by this API.' }]);
}

/**
 * Builds a page from rows fetched with `LIMIT limit + 1`: the extra row only says whether a
 * next page exists; the cursor is the keyset of the last row served.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keysetOf: (row: Row) => Record<string, string | number>,
  toItem: (row: Row) => Item,
): Page<Item> {
  const served = rows.slice(0, limit);
  const last = served[served.length - 1];
  return {
    data: served.map(toItem),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keysetOf(last)) : null,
  };
}

/** The keyset most lists use: the row's numeric id, descending (newest first). */
export const idCursorSchema = z.object({ id: z.number().int().positive() });
