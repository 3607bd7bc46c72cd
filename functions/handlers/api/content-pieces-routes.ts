/**
 * Content pieces (partner key): the partner's own content that its links can reference
 * (`POST /v1/partner/links {content_piece_id}` accepts only the caller's own pieces). Another
 * partner's piece is 404.
 */
import { z } from 'zod';
import { NotFoundError } from '../../platform/http/errors.js';
import { idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import {
  deleteContentPiece,
  findContentPiece,
  insertContentPiece,
  listContentPieces,
  updateContentPiece,
  type ContentPieceRow,
} from '../../repositories/partners/content-pieces.js';

const externalReference = z.string().trim().min(1).max(2048).describe('Where the content lives (a URL or the platform’s id)');
const metadata = z
  .record(z.string().min(1).max(100), z.unknown())
  .refine(
    (m) => {
      // Thousands of nesting levels overflow the stack here (deep inside zod): too big, not a 500.
      try {
        return JSON.stringify(m).length <= 10_000;
      } catch {
        return false;
      }
    },
    { message: 'metadata is at most 10 000 characters of JSON.' },
  );

const createBody = z.strictObject({
  external_reference: externalReference.optional(),
  description: z.string().max(5000).optional(),
  metadata: metadata.optional(),
});

const patchBody = z.strictObject({
  external_reference: externalReference.nullable().optional(),
  description: z.string().max(5000).nullable().optional(),
  metadata: metadata.nullable().optional(),
});

const pieceOut = z.object({
  content_piece_id: z.number().int(),
  external_reference: z.string().nullable(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

function pieceView(row: ContentPieceRow) {
  const { partner_id: _p, ...rest } = row;
  return rest;
}

function auditView(row: ContentPieceRow): Record<string, unknown> {
  const { created_at: _c, updated_at: _u, ...rest } = row;
  return rest;
}

export const contentPieceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/partner/content-pieces',
    operationId: 'createContentPiece',
    auth: 'partner',
    summary: 'Register a content piece your links can reference',
    tags: ['content-pieces'],
    body: createBody,
    responses: { 201: { description: 'The content piece', schema: pieceOut } },
    handler: async ({ deps, auth, body, actor, now }) => {
      const row = await deps.sql.transaction(async (tx) => {
        const id = await insertContentPiece(tx, {
          partner_id: auth.partnerId,
          external_reference: body.external_reference ?? null,
          description: body.description ?? null,
          metadata: body.metadata ?? null,
          now,
        });
        const inserted = (await findContentPiece(tx, { content_piece_id: id, partner_id: auth.partnerId }))!;
        await writeAuditLog(tx, { entity_type: 'content_pieces', entity_id: id, action: 'create', actor, after: auditView(inserted), now });
        return inserted;
      });
      return created(pieceView(row));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/content-pieces',
    operationId: 'listContentPieces',
    auth: 'partner',
    summary: 'Your content pieces, newest first',
    tags: ['content-pieces'],
    query: z.strictObject({ ...pageQueryShape }),
    responses: { 200: { description: 'A page of content pieces', schema: pageSchema(pieceOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listContentPieces(deps.sql, { partner_id: auth.partnerId, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (r) => ({ id: r.content_piece_id }), pieceView));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/content-pieces/{content_piece_id}',
    operationId: 'getContentPiece',
    auth: 'partner',
    summary: 'One of your content pieces',
    tags: ['content-pieces'],
    params: idParams('content_piece_id'),
    responses: { 200: { description: 'The content piece', schema: pieceOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findContentPiece(deps.sql, { content_piece_id: params.content_piece_id, partner_id: auth.partnerId });
      if (!row) throw new NotFoundError('Content piece not found.');
      return ok(pieceView(row));
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/partner/content-pieces/{content_piece_id}',
    operationId: 'updateContentPiece',
    auth: 'partner',
    summary: 'Change one of your content pieces',
    tags: ['content-pieces'],
    params: idParams('content_piece_id'),
    body: patchBody,
    responses: { 200: { description: 'The content piece', schema: pieceOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const row = await deps.sql.transaction(async (tx) => {
        const before = await findContentPiece(tx, { content_piece_id: params.content_piece_id, partner_id: auth.partnerId, forUpdate: true });
        if (!before) throw new NotFoundError('Content piece not found.');
        await updateContentPiece(tx, {
          content_piece_id: before.content_piece_id,
          external_reference: body.external_reference !== undefined ? body.external_reference : before.external_reference,
          description: body.description !== undefined ? body.description : before.description,
          metadata: body.metadata !== undefined ? body.metadata : before.metadata,
          now,
        });
        const after = (await findContentPiece(tx, { content_piece_id: before.content_piece_id, partner_id: auth.partnerId }))!;
        await writeAuditLog(tx, { entity_type: 'content_pieces', entity_id: before.content_piece_id, action: 'update', actor, before: auditView(before), after: auditView(after), now });
        return after;
      });
      return ok(pieceView(row));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/partner/content-pieces/{content_piece_id}',
    operationId: 'deleteContentPiece',
    auth: 'partner',
    summary: 'Delete one of your content pieces (existing links keep working)',
    tags: ['content-pieces'],
    params: idParams('content_piece_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findContentPiece(tx, { content_piece_id: params.content_piece_id, partner_id: auth.partnerId, forUpdate: true });
        if (!row) throw new NotFoundError('Content piece not found.');
        await deleteContentPiece(tx, { content_piece_id: row.content_piece_id, now });
        await writeAuditLog(tx, { entity_type: 'content_pieces', entity_id: row.content_piece_id, action: 'delete', actor, before: auditView(row), now });
      });
      return noContent();
    },
  }),
];
