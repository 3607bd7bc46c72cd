import { createHmac } from 'node:crypto';

/**
 * The `Stripe-Signature` header Stripe would send for `payload`: `t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "t.payload" with the endpoint secret>`. The demo plays the provider, so it signs
 * exactly what `verifyStripeSignature` (functions/domain/webhooks) checks.
 */
export function signStripePayload(input: { payload: string; secret: string; timestamp: number }): string {
  const signature = createHmac('sha256', input.secret).update(`${input.timestamp}.${input.payload}`, 'utf8').digest('hex');
  return `t=${input.timestamp},v1=${signature}`;
}
