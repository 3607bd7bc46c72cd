/**
 * The notices partners expect, as subject and plain text. Pure: amounts arrive as the API prints
 * them (a decimal string in the currency's own minor unit) with their currency, never recomputed.
 */
export type Notice =
  | { kind: 'partner_approved' }
  | { kind: 'enrollment_approved'; campaignName: string }
  | { kind: 'payout_sent'; amount: string; currency: string; payoutId: number }
  | { kind: 'payment_method_verified'; provider: string };

export function composeNotice(input: { notice: Notice; partnerName: string; appBaseUrl: string; unsubscribeUrl: string }): { subject: string; text: string } {
  const { notice } = input;
  let subject: string;
  let body: string[];
  switch (notice.kind) {
    case 'partner_approved':
      subject = 'Your partner account is approved';
      body = ['Your partner account is approved: you can now apply to campaigns, create links and be paid.'];
      break;
    case 'enrollment_approved':
      subject = `You are in: ${notice.campaignName}`;
      body = [`Your application to "${notice.campaignName}" is approved. Create your links in the partner portal.`];
      break;
    case 'payout_sent':
      subject = `Payout sent: ${notice.amount} ${notice.currency}`;
      body = [`Payout #${notice.payoutId} of ${notice.amount} ${notice.currency} has been sent. Its statement is in the partner portal.`];
      break;
    case 'payment_method_verified':
      subject = 'Your payment method is verified';
      body = [`Your ${notice.provider} payment method is verified: payouts can be sent to it.`];
      break;
  }
  return {
    subject,
    text: [
      `Hello ${input.partnerName},`,
      '',
      ...body,
      '',
      `${input.appBaseUrl}/app/`,
      '',
      '--',
      `No more notices like this one: ${input.unsubscribeUrl}`,
      '',
    ].join('\n'),
  };
}
