/**
 * Writes conversion rows the way the attribute consumer does (conversion, touches), so the read
 * and report routes can be tested on known numbers without running attribution.
 */
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../../../../functions/ports/sql-executor.js';

export interface SeedTouch {
  partner_id: number;
  touch_type: 'first' | 'middle' | 'last' | 'only';
  touch_value: string;
  weight?: string;
  occurred_at: string;
  click_id?: number | null;
}

export interface SeedConversion {
  vendor_id: number;
  partner_id: number;
  campaign_version_id: number;
  event_type?: string;
  transaction_id: string;
  event_value: string;
  /** ISO 4217. @default 'USD' */
  currency?: string;
  commission_amount: string;
  commission_type?: 'percentage' | 'flat';
  commission_value?: string;
  status?: 'pending' | 'approved' | 'rejected' | 'paid';
  attribution_type?: string;
  occurred_at: string;
  receipt_id?: string;
  cookie_id?: string | null;
  funnel_journey_id?: number | null;
  touches?: SeedTouch[];
}

export async function seedConversion(sql: SqlExecutor, c: SeedConversion): Promise<{ conversion_event_id: number; receipt_id: string }> {
  const receipt = c.receipt_id ?? randomUUID();
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO conversion_events (vendor_id, source, receipt_id, conversion_event_type_id, partner_id, campaign_version_id,
       attribution_type, attribution_confidence, transaction_id, event_value, commission_amount, commission_type, commission_value,
       status, occurred_at, recorded_at, cookie_id, funnel_journey_id, currency)
     VALUES (:vendor_id::integer, 'api', :receipt::uuid, (SELECT conversion_event_type_id FROM conversion_event_types WHERE name = :event_type),
       :partner_id::integer, :cv::integer, :attribution_type, 'high', :tx, :event_value::numeric, :commission_amount::numeric,
       :commission_type, :commission_value::numeric, :status, :occurred_at::timestamptz, :occurred_at::timestamptz, :cookie_id::uuid,
       :funnel_journey_id::integer, :currency)
     RETURNING conversion_event_id AS id`,
    {
      vendor_id: c.vendor_id,
      receipt,
      event_type: c.event_type ?? 'sale',
      partner_id: c.partner_id,
      cv: c.campaign_version_id,
      attribution_type: c.attribution_type ?? 'last_click',
      tx: c.transaction_id,
      event_value: c.event_value,
      commission_amount: c.commission_amount,
      commission_type: c.commission_type ?? 'percentage',
      commission_value: c.commission_value ?? '10.00',
      status: c.status ?? 'pending',
      occurred_at: c.occurred_at,
      cookie_id: c.cookie_id ?? null,
      funnel_journey_id: c.funnel_journey_id ?? null,
      currency: c.currency ?? 'USD',
    },
  );
  const id = rows[0]!.id;
  for (const t of c.touches ?? []) {
    await sql.query(
      `INSERT INTO touches (conversion_event_id, partner_id, campaign_version_id, touch_type, touch_value, attribution_type, metadata, occurred_at, click_id, cookie_id)
       VALUES (:id::bigint, :partner_id::integer, :cv::integer, :touch_type, :touch_value::numeric, :attribution_type, :metadata::jsonb,
               :occurred_at::timestamptz, :click_id::bigint, :cookie_id::uuid)`,
      {
        id,
        partner_id: t.partner_id,
        cv: c.campaign_version_id,
        touch_type: t.touch_type,
        touch_value: t.touch_value,
        attribution_type: c.attribution_type ?? 'last_click',
        metadata: { weight: t.weight ?? '1' },
        occurred_at: t.occurred_at,
        click_id: t.click_id ?? null,
        cookie_id: c.cookie_id ?? null,
      },
    );
  }
  return { conversion_event_id: id, receipt_id: receipt };
}
