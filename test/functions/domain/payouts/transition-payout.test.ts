import { describe, expect, test } from 'vitest';
import {
  PayoutTransitionError,
  transitionPayout,
  type PayoutAction,
  type PayoutStatus,
} from '../../../../functions/domain/payouts/transition-payout.js';
import type { PayoutProviderName } from '../../../../functions/ports/payout-provider.js';

const statuses: PayoutStatus[] = ['pending', 'processing', 'completed', 'failed'];
const actions: PayoutAction[] = ['approve', 'complete', 'confirm', 'fail', 'retry'];
const providers: PayoutProviderName[] = ['stripe', 'paypal', 'wire'];

/** Every allowed move; everything else must throw. */
const allowed: Record<string, PayoutStatus> = {
  'pending approve stripe': 'processing',
  'pending approve paypal': 'processing',
  'pending approve wire': 'processing',
  'processing complete stripe': 'completed',
  'processing complete paypal': 'completed',
  'processing confirm wire': 'completed',
  'processing fail stripe': 'failed',
  'processing fail paypal': 'failed',
  'processing fail wire': 'failed',
  'failed retry stripe': 'processing',
  'failed retry paypal': 'processing',
  'failed retry wire': 'processing',
};

const matrix = statuses.flatMap((from) =>
  actions.flatMap((action) => providers.map((provider) => [from, action, provider] as const)),
);

describe('transitionPayout', () => {
  test.each(matrix.filter(([f, a, p]) => `${f} ${a} ${p}` in allowed))('%s --%s--> (%s)', (from, action, provider) => {
    expect(transitionPayout(from, action, provider)).toBe(allowed[`${from} ${action} ${provider}`]);
  });

  test.each(matrix.filter(([f, a, p]) => !(`${f} ${a} ${p}` in allowed)))('%s --%s--> refused (%s)', (from, action, provider) => {
    expect(() => transitionPayout(from, action, provider)).toThrow(PayoutTransitionError);
  });

  test('the error names the move, for the 409 answer', () => {
    expect(() => transitionPayout('completed', 'fail', 'stripe')).toThrow('cannot fail a completed stripe payout');
  });

  test('a wire payout is completed by the operator, never by a provider callback', () => {
    expect(() => transitionPayout('processing', 'complete', 'wire')).toThrow(PayoutTransitionError);
    expect(() => transitionPayout('processing', 'confirm', 'stripe')).toThrow(PayoutTransitionError);
  });
});
