/**
 * Vendor: reports for one campaign as charts and tables (top partners, the funnel, earnings under
 * each attribution model), each with a CSV export built here from the same data.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Amount, CsvButton, Loading, PageHeading, ScrollTable, StatusMessage, unwrap, useLoad } from '../operator/console-kit';
import { BarChart } from '../ui';

/** The funnel report's body (the route documents no response schema, so the shape is written here). */
export interface FunnelReport {
  campaign_id: number;
  journeys: number;
  converted: number;
  conversion_rate: string | number | null;
  avg_seconds_to_conversion: number | string | null;
  stages: { stage: string; sort_order: number; journeys_ending_here: number; reached: number; drop_off: number; drop_off_rate: string | number | null; converted: number }[];
}

/** The attribution report's body: amounts are decimal strings per currency, one key per model. */
export interface AttributionReport {
  campaign_id: number;
  conversions: number;
  models: string[];
  partners: ({ partner_id: number; name: string; currency: string; actual: string } & Record<string, string | number>)[];
  totals: ({ currency: string; actual: string } & Record<string, string>)[];
}

function TopPartners({ campaignId }: { campaignId: number }) {
  const report = useLoad(() => unwrap(api.GET('/v1/reports/top-partners', { params: { query: { campaign_id: campaignId } } })), `top-${campaignId}`);
  const rows = report.data?.data ?? [];
  const columns = ['partner_id', 'name', 'tier', 'currency', 'conversion_count', 'total_revenue', 'total_commission', 'avg_commission'];
  return (
    <section aria-labelledby="top-partners">
      <h2 id="top-partners">Top partners</h2>
      <Loading loaded={report} />
      {report.data && rows.length === 0 && <StatusMessage>No approved revenue in this period.</StatusMessage>}
      {rows.length > 0 && (
        <>
          <p>
            {report.data?.from} → {report.data?.to}
          </p>
          {/* Bar heights only: the exact amounts are in the table and the CSV. */}
          <BarChart
            title="Revenue by partner"
            testId="top-partners-chart"
            categories={rows.map((r) => `${r.name} (${r.currency})`)}
            series={[{ label: 'Revenue', values: rows.map((r) => Number(r.total_revenue)) }]}
          />
          <ScrollTable label="Top partners">
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Conversions</th>
                <th scope="col">Revenue</th>
                <th scope="col">Commission</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.partner_id}-${r.currency}`}>
                  <th scope="row">{r.name}</th>
                  <td>{r.conversion_count}</td>
                  <td>
                    <Amount amount={r.total_revenue} currency={r.currency} />
                  </td>
                  <td>
                    <Amount amount={r.total_commission} currency={r.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
          <CsvButton label="Export top partners (CSV)" filename={`top-partners-${campaignId}.csv`} columns={columns} rows={rows} />
        </>
      )}
    </section>
  );
}

function Funnel({ campaignId }: { campaignId: number }) {
  const report = useLoad(async () => (await unwrap(api.GET('/v1/reports/funnel', { params: { query: { campaign_id: campaignId } } }))) as unknown as FunnelReport, `funnel-${campaignId}`);
  const f = report.data;
  const columns = ['stage', 'sort_order', 'journeys_ending_here', 'reached', 'drop_off', 'drop_off_rate', 'converted'];
  return (
    <section aria-labelledby="funnel">
      <h2 id="funnel">Funnel</h2>
      <Loading loaded={report} />
      {f && (
        <>
          <p>
            {f.journeys} journeys, {f.converted} converted ({String(f.conversion_rate ?? '—')}); average time to conversion{' '}
            {f.avg_seconds_to_conversion === null ? '—' : `${Math.round(Number(f.avg_seconds_to_conversion) / 60)} min`}
          </p>
          <BarChart
            title="Journeys reaching each stage"
            testId="funnel-chart"
            categories={f.stages.map((s) => s.stage)}
            series={[
              { label: 'Reached', values: f.stages.map((s) => s.reached) },
              { label: 'Converted', values: f.stages.map((s) => s.converted) },
            ]}
          />
          <ScrollTable label="Funnel stages">
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Reached</th>
                <th scope="col">Drop-off</th>
                <th scope="col">Drop-off rate</th>
                <th scope="col">Converted</th>
              </tr>
            </thead>
            <tbody>
              {f.stages.map((s) => (
                <tr key={s.stage}>
                  <th scope="row">{s.stage}</th>
                  <td>{s.reached}</td>
                  <td>{s.drop_off}</td>
                  <td>{String(s.drop_off_rate ?? '—')}</td>
                  <td>{s.converted}</td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
          <CsvButton label="Export funnel (CSV)" filename={`funnel-${campaignId}.csv`} columns={columns} rows={f.stages} />
        </>
      )}
    </section>
  );
}

function Attribution({ campaignId }: { campaignId: number }) {
  const report = useLoad(async () => (await unwrap(api.GET('/v1/reports/attribution', { params: { query: { campaign_id: campaignId } } }))) as unknown as AttributionReport, `attr-${campaignId}`);
  const a = report.data;
  const columns = a ? ['partner_id', 'name', 'currency', 'actual', ...a.models] : [];
  return (
    <section aria-labelledby="attribution">
      <h2 id="attribution">Attribution models compared</h2>
      <Loading loaded={report} />
      {a && a.partners.length === 0 && <StatusMessage>No attributed conversions yet.</StatusMessage>}
      {a && a.partners.length > 0 && (
        <>
          {a.totals.map((t) => (
            <BarChart
              key={t.currency}
              title={`Total commission by model (${t.currency})`}
              testId={`attribution-chart-${t.currency}`}
              categories={['now', ...a.models]}
              series={[{ label: t.currency, values: ['actual', ...a.models].map((m) => Number(t[m] ?? 0)) }]}
            />
          ))}
          <ScrollTable label="Earnings by partner and model">
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Now</th>
                {a.models.map((m) => (
                  <th scope="col" key={m}>
                    {m}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {a.partners.map((p) => (
                <tr key={`${p.partner_id}-${p.currency}`}>
                  <th scope="row">{p.name || p.partner_id}</th>
                  <td>
                    <Amount amount={p.actual} currency={p.currency} />
                  </td>
                  {a.models.map((m) => (
                    <td key={m}>
                      <Amount amount={String(p[m] ?? '')} currency={p.currency} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </ScrollTable>
          <CsvButton label="Export attribution (CSV)" filename={`attribution-${campaignId}.csv`} columns={columns} rows={a.partners} />
        </>
      )}
    </section>
  );
}

export function ReportsPage() {
  const campaigns = useLoad(() => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })), 'campaigns');
  const [chosen, setChosen] = useState('');
  const campaignId = Number(chosen || campaigns.data?.data[0]?.campaign_id || 0);
  return (
    <section>
      <PageHeading title="Reports" />
      <Loading loaded={campaigns} />
      {campaigns.data && campaigns.data.data.length === 0 && <StatusMessage>Create a campaign first.</StatusMessage>}
      {campaigns.data && campaigns.data.data.length > 0 && (
        <>
          <div class="field">
            <label for="report-campaign">Campaign</label>
            <select id="report-campaign" value={String(campaignId)} onChange={(e) => setChosen(e.currentTarget.value)}>
              {campaigns.data.data.map((c) => (
                <option key={c.campaign_id} value={String(c.campaign_id)}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <TopPartners campaignId={campaignId} />
          <Funnel campaignId={campaignId} />
          <Attribution campaignId={campaignId} />
        </>
      )}
    </section>
  );
}
