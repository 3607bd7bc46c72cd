import { api, unwrap } from '../api/client';
import { DataTable, Money, Notice, Page, useLoad } from '../ui';
import { formatDate, Status } from './format';

/** Every sale the partner has a share in: its status and their part of the split. */
export function PartnerConversionsPage() {
  const loaded = useLoad(() => unwrap(api.GET('/v1/partner/conversions', { params: { query: { limit: 100 } } })));
  if (loaded.state === 'loading') return <Page title="Conversions"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="Conversions"><Notice kind="error">{loaded.message}</Notice></Page>;
  return (
    <Page title="Conversions">
      <DataTable
        caption="Your conversions"
        testId="conversions-table"
        rows={loaded.data.data}
        rowKey={(row) => row.conversion_event_id}
        empty="No conversions yet."
        columns={[
          { header: 'When', render: (row) => formatDate(row.occurred_at) },
          { header: 'Campaign', render: (row) => row.campaign_name },
          { header: 'Event', render: (row) => row.event_type },
          { header: 'Status', render: (row) => <Status value={row.status} /> },
          { header: 'Sale', numeric: true, render: (row) => <Money amount={row.event_value} currency={row.currency} /> },
          { header: 'Commission', numeric: true, render: (row) => <Money amount={row.commission_amount} currency={row.currency} /> },
          { header: 'Your share', numeric: true, render: (row) => <Money amount={row.partner_commission} currency={row.currency} /> },
          {
            header: 'Split',
            render: (row) => (row.touch_count > 1 ? `${row.partner_touch_count} of ${row.touch_count} touches (${row.attribution_type})` : 'All yours'),
          },
          { header: 'Note', render: (row) => row.rejection_reason ?? '' },
        ]}
      />
    </Page>
  );
}
