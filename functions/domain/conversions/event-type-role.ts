/**
 * What an event type does, decided by `conversion_event_types.is_commissionable` (seeded by
 * schema/0005 and 0009; the dictionary: "only commissionable events generate payouts,
 * non-commissionable events still tracked for funnel analysis"):
 *
 * - `commissionable`: a conversion row with its commission, counted in totals and payouts.
 * - `funnel`: a stage of the visitor's journey (page_view, add_to_cart, ...): it moves the
 *   cookie's `funnel_journeys` row and the funnel report, never conversions, revenue or payouts.
 * - `reserved`: recorded by the platform itself, never reported as an event: `click` (the
 *   redirect records clicks) and `refund` / `dispute` (they arrive as refunds of a sale).
 */
export type EventTypeRole = 'commissionable' | 'funnel' | 'reserved';

const reservedNames: ReadonlySet<string> = new Set(['click', 'refund', 'dispute']);

/** Whether vendors and browsers may not report this event type themselves (see `reserved` above). */
export function isReservedEventType(name: string): boolean {
  return reservedNames.has(name);
}

export function eventTypeRole(eventType: { name: string; isCommissionable: boolean }): EventTypeRole {
  if (isReservedEventType(eventType.name)) return 'reserved';
  return eventType.isCommissionable ? 'commissionable' : 'funnel';
}
