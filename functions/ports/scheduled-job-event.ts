/**
 * The event EventBridge Scheduler (and the local ticker, and `POST /v1/admin/jobs/{name}`) hands
 * the scheduled-jobs Lambda: which job to run, and optional input such as a payout period.
 */
import { z } from 'zod';

export const scheduledJobEventSchema = z.strictObject({
  job: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()).optional(),
});

export type ScheduledJobEvent = z.infer<typeof scheduledJobEventSchema>;
