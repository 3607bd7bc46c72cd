/**
 * Funnel events (page_view, add_to_cart, ...) on the visitor's `funnel_journeys` row: the event
 * merged into `events_sequence` in time order, `total_events`, `last_event_at` and the furthest
 * stage by the event types' `sort_order`. Nothing else: no conversion, no totals, no commission.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

/**
 * The SET clauses that add one event (`:event`, of type `:type`, at `:at`) to a journey: the
 * sequence in time order, the count, the last event and the furthest stage by `sort_order`. A
 * funnel event (below) and a conversion (conversions-write.ts) both go through it.
 */
export const APPEND_JOURNEY_EVENT = `last_event_at = GREATEST(fj.last_event_at, :at::timestamptz AT TIME ZONE 'UTC'),
         total_events = COALESCE(fj.total_events, 0) + 1,
         events_sequence = (
           SELECT COALESCE(jsonb_agg(e.event ORDER BY e.event ->> 'timestamp', e.event ->> 'type'), '[]'::jsonb)
           FROM (SELECT jsonb_array_elements(COALESCE(fj.events_sequence, '[]'::jsonb)) AS event
                 UNION ALL SELECT :event::jsonb) AS e),
         furthest_stage_id = CASE
           WHEN fj.furthest_stage_id IS NULL THEN :type::integer
           WHEN (SELECT sort_order FROM conversion_event_types WHERE conversion_event_type_id = :type::integer)
                > (SELECT sort_order FROM conversion_event_types WHERE conversion_event_type_id = fj.furthest_stage_id)
             THEN :type::integer
           ELSE fj.furthest_stage_id END`;

/**
 * Adds one event to a journey unless an event with the same `event_id` is already in its
 * sequence (a redelivered message or a repeated report): true when added. The check is in the
 * UPDATE's WHERE, so two concurrent deliveries serialise on the row and the second finds the first.
 */
export async function addFunnelEvent(
  sql: SqlExecutor,
  input: { funnelJourneyId: number; eventTypeId: number; occurredAt: string; event: Record<string, unknown> & { event_id: string } },
): Promise<boolean> {
  const result = await sql.query<{ funnel_journey_id: number }>(
    `UPDATE funnel_journeys fj
     SET ${APPEND_JOURNEY_EVENT}
     WHERE fj.funnel_journey_id = :journey::integer
       AND NOT (COALESCE(fj.events_sequence, '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('event_id', :eventId::text)))
     RETURNING fj.funnel_journey_id`,
    {
      journey: input.funnelJourneyId,
      at: input.occurredAt,
      type: input.eventTypeId,
      event: JSON.stringify(input.event),
      eventId: input.event.event_id,
    },
  );
  return result.rows.length > 0;
}
