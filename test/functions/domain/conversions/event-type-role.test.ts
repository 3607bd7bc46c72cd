/**
 * Which event types make conversions, judged on the seeded catalogue itself (schema/0005 and
 * 0009 on a migrated database) and on the dictionary's "Common Event Types" list.
 */
import { describe, expect, it } from 'vitest';
import { eventTypeRole, isReservedEventType } from '../../../../functions/domain/conversions/index.js';
import { useTestDatabase } from '../../../support/database/use-test-database.js';

const db = useTestDatabase(undefined, 60_000);

describe('eventTypeRole', () => {
  it('on the seeded catalogue: the dictionary\'s commissionable types earn, page_view and add_to_cart are funnel stages, click/refund/dispute are the platform\'s own', async () => {
    const { rows } = await db.sql.query<{ name: string; is_commissionable: boolean | null }>(
      `SELECT name, is_commissionable FROM conversion_event_types ORDER BY sort_order, name`,
    );
    const roles = Object.fromEntries(rows.map((r) => [r.name, eventTypeRole({ name: r.name, isCommissionable: r.is_commissionable === true })]));
    expect(roles).toEqual({
      click: 'reserved',
      page_view: 'funnel',
      add_to_cart: 'funnel',
      signup: 'commissionable',
      trial_start: 'commissionable',
      sale: 'commissionable',
      subscription: 'commissionable',
      upgrade: 'commissionable',
      lead_form: 'commissionable',
      refund: 'reserved',
      dispute: 'reserved',
    });
    // Funnel order: add_to_cart after page_view and before every commissionable stage.
    expect(rows.map((r) => r.name).slice(0, 4)).toEqual(['click', 'page_view', 'add_to_cart', 'signup']);
  });

  it.each([
    // An operator's own type follows its flag: not commissionable = a funnel stage.
    [{ name: 'begin_checkout', isCommissionable: false }, 'funnel'],
    [{ name: 'demo_booked', isCommissionable: true }, 'commissionable'],
    // The platform's own types stay reserved whatever their flag says.
    [{ name: 'refund', isCommissionable: true }, 'reserved'],
  ] as const)('%j is %s', (type, role) => {
    expect(eventTypeRole(type)).toBe(role);
    expect(isReservedEventType(type.name)).toBe(role === 'reserved');
  });
});
