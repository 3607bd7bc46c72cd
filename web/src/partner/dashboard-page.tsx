import { api, unwrap } from '../api/client';
import { DataTable, Money, Notice, Page, Section, TimeSeriesChart, useLoad } from '../ui';
import { formatDate } from './format';

/**
 * The browser's IANA zone, so the charts' days are the partner's own. The API takes only
 * Area/Location names (or UTC); anything else a browser may report (ICU's "Etc/Unknown" when the
 * machine has no zone) falls back to UTC days. Chromium reports India as "Asia/Calcutta": accepted.
 */
export function browserTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && (zone === 'UTC' || zone.includes('/')) && zone !== 'Etc/Unknown' ? zone : 'UTC';
}

/** The partner's results: totals, per campaign, and clicks, conversions and earnings over 30 days. */
export function PartnerDashboardPage() {
  const loaded = useLoad(async () => {
    const [dashboard, activity] = await Promise.all([
      unwrap(api.GET('/v1/partner/dashboard')),
      unwrap(api.GET('/v1/partner/activity', { params: { query: { days: 30, time_zone: browserTimeZone() } } })),
    ]);
    return { dashboard, activity };
  });
  if (loaded.state === 'loading') return <Page title="Dashboard"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="Dashboard"><Notice kind="error">{loaded.message}</Notice></Page>;
  const { dashboard, activity } = loaded.data;
  const days = activity.days.map((d) => d.day);
  const period = `last 30 days in ${activity.time_zone}`;
  return (
    <Page title="Dashboard">
      <div class="stats" data-testid="totals">
        <div class="stat">
          <span class="muted">Clicks</span>
          <span class="value" data-testid="total-clicks">{dashboard.totals.total_clicks}</span>
        </div>
        <div class="stat">
          <span class="muted">Conversions</span>
          <span class="value" data-testid="total-conversions">{dashboard.totals.total_conversions}</span>
        </div>
        {dashboard.totals.money.map((money) => (
          <div class="stat" key={money.currency} data-testid={`earned-${money.currency}`}>
            <span class="muted">Earned ({money.currency})</span>
            <span class="value">
              <Money amount={money.commission} currency={money.currency} />
            </span>
          </div>
        ))}
      </div>
      <div class="grid">
        <TimeSeriesChart
          title={`Clicks and conversions, ${period}`}
          days={days}
          series={[
            { label: 'Clicks', values: activity.days.map((d) => d.clicks) },
            { label: 'Conversions', values: activity.days.map((d) => d.conversions) },
          ]}
          testId="activity-chart"
        />
        {activity.earnings.map((series) => (
          // Integer minor units would need the currency's exponent; the chart plots the decimal
          // text's value, for shape only: every figure people read comes from the strings.
          <TimeSeriesChart
            key={series.currency}
            title={`Earnings in ${series.currency}, ${period}`}
            days={days}
            series={[{ label: series.currency, values: series.commission.map((amount) => Number(amount)) }]}
            testId={`earnings-chart-${series.currency}`}
          />
        ))}
      </div>
      <Section title="By campaign">
        <DataTable
          caption="Results by campaign"
          testId="campaign-results"
          rows={dashboard.campaigns}
          rowKey={(row) => row.campaign_partner_id}
          empty="No approved campaigns yet: apply in the marketplace."
          columns={[
            { header: 'Campaign', render: (row) => row.campaign_name },
            { header: 'Clicks', numeric: true, render: (row) => row.total_clicks },
            { header: 'Conversions', numeric: true, render: (row) => row.total_conversions },
            { header: 'Revenue', numeric: true, render: (row) => <Money amount={row.total_revenue} currency={row.currency} /> },
            { header: 'Earned', numeric: true, render: (row) => <Money amount={row.total_commission_earned} currency={row.currency} /> },
            { header: 'Last conversion', render: (row) => formatDate(row.last_conversion_at) },
          ]}
        />
      </Section>
    </Page>
  );
}
