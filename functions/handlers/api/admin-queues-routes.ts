/**
 * `GET /v1/admin/queues`: each queue's waiting and in-flight messages and its dead-letter count,
 * for the operator console (the same numbers the DLQ alarms watch).
 */
import { z } from 'zod';
import { createSqsQueueDepthReader } from '../../adapters/aws/sqs-queue-depths.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';

const depthSchema = z.object({
  queue: z.string(),
  waiting: z.number().int(),
  in_flight: z.number().int(),
  dead_letters: z.number().int().nullable().describe('null: the queue has no dead-letter queue'),
});

export const adminQueueRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/admin/queues',
    operationId: 'listQueueDepths',
    auth: 'operator',
    summary: 'Messages waiting, in flight and dead-lettered, per queue',
    tags: ['admin'],
    responses: { 200: { description: 'Queue depths', schema: z.object({ data: z.array(depthSchema) }) } },
    handler: async ({ deps }) => ok({ data: await createSqsQueueDepthReader({ sqs: deps.sqs, queueUrls: deps.config.queueUrls }).read() }),
  }),
];
