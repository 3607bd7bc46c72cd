import { z } from 'zod';

export const enrollmentStatus = z.enum(['pending', 'approved', 'rejected', 'removed']);

export const enrollmentOut = z.object({
  campaign_partner_id: z.number().int(),
  campaign_version_id: z.number().int(),
  campaign_id: z.number().int(),
  vendor_id: z.number().int(),
  partner_id: z.number().int(),
  status: enrollmentStatus,
  application_note: z.string().nullable(),
  applied_at: z.string().nullable(),
  approved_at: z.string().nullable(),
  rejected_at: z.string().nullable(),
  rejection_reason: z.string().nullable(),
  approved_by: z.number().int().nullable(),
  total_clicks: z.number().int(),
  total_conversions: z.number().int(),
  currency: z.string().describe("ISO 4217 currency of the campaign: total_revenue and total_commission_earned are amounts of it"),
  total_revenue: z.string(),
  total_commission_earned: z.string(),
  last_click_at: z.string().nullable(),
  last_conversion_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
