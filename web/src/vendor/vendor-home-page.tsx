/** Vendor start page: what waits for a decision, with links to where it is taken. */
import { api } from '../api/client';
import { Loading, PageHeading, unwrap, useLoad } from '../operator/console-kit';

export function VendorHomePage() {
  const waiting = useLoad(async () => {
    const [applications, conversions, campaigns] = await Promise.all([
      unwrap(api.GET('/v1/campaign-partners', { params: { query: { status: 'pending', limit: 100 } } })),
      unwrap(api.GET('/v1/conversions', { params: { query: { status: 'pending', limit: 100 } } })),
      unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })),
    ]);
    return { applications: applications.data.length, conversions: conversions.data.length, campaigns: campaigns.data.filter((c) => c.status === 'active').length };
  }, 'home');
  const count = (n: number) => (n >= 100 ? '100+' : String(n));
  return (
    <section>
      <PageHeading title="Dashboard" />
      <Loading loaded={waiting} />
      {waiting.data && (
        <div class="stats">
          <a class="stat" href="/app/vendor/applications">
            <span class="value">{count(waiting.data.applications)}</span> applications to review
          </a>
          <a class="stat" href="/app/vendor/conversions">
            <span class="value">{count(waiting.data.conversions)}</span> pending conversions
          </a>
          <a class="stat" href="/app/vendor/campaigns">
            <span class="value">{count(waiting.data.campaigns)}</span> active campaigns
          </a>
          <a class="stat" href="/app/vendor/reports">
            <span class="value">→</span> reports
          </a>
        </div>
      )}
    </section>
  );
}
