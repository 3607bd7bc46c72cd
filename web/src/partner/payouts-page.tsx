import { api, unwrap } from '../api/client';
import { DataTable, Money, Notice, Page, Section, useLoad } from '../ui';
import { formatDate, Status } from './format';

/** Payouts and, for each, its statement: the conversions it pays. */
export function PartnerPayoutsPage() {
  const loaded = useLoad(() => unwrap(api.GET('/v1/partner/payouts', { params: { query: { limit: 100 } } })));
  if (loaded.state === 'loading') return <Page title="Payouts"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="Payouts"><Notice kind="error">{loaded.message}</Notice></Page>;
  const payouts = loaded.data.data;
  return (
    <Page title="Payouts">
      <DataTable
        caption="Your payouts"
        testId="payouts-table"
        rows={payouts}
        rowKey={(payout) => payout.payout_id}
        empty="No payouts yet: approved commissions are paid out on the payout run."
        columns={[
          { header: 'Payout', render: (payout) => `#${payout.payout_id}` },
          { header: 'Period', render: (payout) => `${payout.start_date.slice(0, 10)} – ${payout.end_date.slice(0, 10)}` },
          { header: 'Amount', numeric: true, render: (payout) => <Money amount={payout.amount} currency={payout.currency} /> },
          { header: 'Status', render: (payout) => <Status value={payout.status === 'completed' ? 'paid' : payout.status} /> },
          { header: 'Via', render: (payout) => payout.provider },
          { header: 'Paid', render: (payout) => formatDate(payout.completed_at) },
        ]}
      />
      {payouts.map((payout) => (
        <Section key={payout.payout_id} title={`Statement of payout #${payout.payout_id}`}>
          <DataTable
            caption={`Conversions paid by payout ${payout.payout_id}`}
            rows={payout.conversions}
            rowKey={(event) => event.conversion_event_id}
            columns={[
              { header: 'Conversion', render: (event) => `#${event.conversion_event_id}` },
              { header: 'Status', render: (event) => <Status value={event.conversion_status} /> },
              { header: 'Commission', numeric: true, render: (event) => <Money amount={event.commission_amount} currency={payout.currency} /> },
            ]}
          />
          {payout.failure_reason ? <Notice kind="error">{payout.failure_reason}</Notice> : null}
        </Section>
      ))}
    </Page>
  );
}
