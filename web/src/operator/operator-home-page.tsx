/** Operator start page: partners to approve, payouts to send or confirm, dead letters. */
import { api } from '../api/client';
import { Loading, PageHeading, unwrap, useLoad } from './console-kit';

export function OperatorHomePage() {
  const waiting = useLoad(async () => {
    const [partners, pending, processing, methods] = await Promise.all([
      unwrap(api.GET('/v1/admin/partners', { params: { query: { status: 'pending', limit: 100 } } })),
      unwrap(api.GET('/v1/admin/payouts', { params: { query: { status: 'pending', limit: 100 } } })),
      unwrap(api.GET('/v1/admin/payouts', { params: { query: { status: 'processing', limit: 100 } } })),
      unwrap(api.GET('/v1/admin/payment-methods', { params: { query: { verified: 'false' } } })),
    ]);
    // The queues need SQS permissions the rest of the page does not: their failure is shown on the System page.
    const queues = await unwrap(api.GET('/v1/admin/queues')).catch(() => undefined);
    return {
      partners: partners.data.length,
      payouts: pending.data.length + processing.data.length,
      methods: methods.data.length,
      deadLetters: queues ? queues.data.reduce((n, q) => n + (q.dead_letters ?? 0), 0) : undefined,
    };
  }, 'home');
  const count = (n: number) => (n >= 100 ? '100+' : String(n));
  return (
    <section>
      <PageHeading title="Console" />
      <Loading loaded={waiting} />
      {waiting.data && (
        <div class="stats">
          <a class="stat" href="/app/operator/partners">
            <span class="value">{count(waiting.data.partners)}</span> partners to approve
          </a>
          <a class="stat" href="/app/operator/payouts">
            <span class="value">{count(waiting.data.payouts)}</span> payouts to send or confirm
          </a>
          <a class="stat" href="/app/operator/payment-methods">
            <span class="value">{count(waiting.data.methods)}</span> payment methods to verify
          </a>
          <a class="stat" href="/app/operator/system">
            <span class="value">{waiting.data.deadLetters ?? '?'}</span> dead letters
          </a>
        </div>
      )}
    </section>
  );
}
