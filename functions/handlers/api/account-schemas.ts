/**
 * Response shapes of the two account kinds, shared by the operator's routes (admin.ts) and the
 * owners' own-profile routes (profiles.ts), so both answer with the same fields.
 */
import { z } from 'zod';

export const vendorSchema = z.object({
  vendor_id: z.number().int(),
  name: z.string(),
  email: z.string(),
  company_name: z.string().nullable(),
  website_url: z.string().nullable(),
  webhook_url: z.string().nullable(),
  status: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const partnerSchema = z.object({
  partner_id: z.number().int(),
  name: z.string(),
  email: z.string(),
  status: z.string(),
  tier: z.string(),
  bio: z.string().nullable(),
  website_url: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
