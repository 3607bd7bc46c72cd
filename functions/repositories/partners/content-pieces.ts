/**
 * `content_pieces`: a partner's own content (a video, a post) its links can point at through
 * `partner_links.content_piece_id`. Always reached through the owning partner.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface ContentPieceRow {
  content_piece_id: number;
  partner_id: number;
  external_reference: string | null;
  description: string | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

export type ContentPieceFields = {
  external_reference: string | null;
  description: string | null;
  metadata: Record<string, unknown> | null;
};

const columns = `content_piece_id, partner_id, external_reference, description, metadata, created_at, updated_at`;

export async function insertContentPiece(sql: SqlExecutor, input: ContentPieceFields & { partner_id: number; now: Date }): Promise<number> {
  const { rows } = await sql.query<{ content_piece_id: number }>(
    `INSERT INTO content_pieces (partner_id, external_reference, description, metadata, created_at, updated_at)
     VALUES (:partner_id::integer, :external_reference, :description, :metadata::jsonb, :now::timestamptz, :now::timestamptz)
     RETURNING content_piece_id`,
    { ...input },
  );
  return rows[0]!.content_piece_id;
}

export async function updateContentPiece(sql: SqlExecutor, input: ContentPieceFields & { content_piece_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE content_pieces SET external_reference = :external_reference, description = :description, metadata = :metadata::jsonb,
       updated_at = :now::timestamptz
     WHERE content_piece_id = :content_piece_id::integer`,
    { ...input },
  );
}

/** A live piece of the partner; undefined for anyone else's. */
export async function findContentPiece(
  sql: SqlExecutor,
  input: { content_piece_id: number; partner_id: number; forUpdate?: boolean },
): Promise<ContentPieceRow | undefined> {
  const { rows } = await sql.query<ContentPieceRow & Record<string, unknown>>(
    `SELECT ${columns} FROM content_pieces
     WHERE content_piece_id = :id::integer AND partner_id = :partner_id::integer AND is_deleted IS NOT TRUE
     ${input.forUpdate ? 'FOR UPDATE' : ''}`,
    { id: input.content_piece_id, partner_id: input.partner_id },
  );
  return rows[0];
}

export async function listContentPieces(
  sql: SqlExecutor,
  input: { partner_id: number; before_id?: number; limit: number },
): Promise<ContentPieceRow[]> {
  const { rows } = await sql.query<ContentPieceRow & Record<string, unknown>>(
    `SELECT ${columns} FROM content_pieces
     WHERE partner_id = :partner_id::integer AND is_deleted IS NOT TRUE
       AND (:before_id::integer IS NULL OR content_piece_id < :before_id::integer)
     ORDER BY content_piece_id DESC LIMIT :limit::integer`,
    { partner_id: input.partner_id, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}

export async function deleteContentPiece(sql: SqlExecutor, input: { content_piece_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE content_pieces SET is_deleted = TRUE, deleted_at = :now::timestamptz, updated_at = :now::timestamptz
     WHERE content_piece_id = :id::integer`,
    { id: input.content_piece_id, now: input.now },
  );
}
