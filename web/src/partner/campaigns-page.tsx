import { api, unwrap } from '../api/client';
import { ConfirmButton, Money, Notice, Page, useLoad } from '../ui';
import { Status } from './format';

/** The public marketplace: every active public campaign, its terms, and applying. */
export function PartnerCampaignsPage() {
  const loaded = useLoad(() => unwrap(api.GET('/v1/partner/campaigns', { params: { query: { limit: 100 } } })));
  if (loaded.state === 'loading') return <Page title="Campaigns"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="Campaigns"><Notice kind="error">{loaded.message}</Notice></Page>;
  const campaigns = loaded.data.data;
  return (
    <Page title="Campaigns">
      {campaigns.length === 0 ? <p class="muted">No public campaigns yet.</p> : null}
      <div class="grid">
        {campaigns.map((campaign) => (
          <article class="card" key={campaign.campaign_id} data-testid={`campaign-${campaign.campaign_id}`} aria-labelledby={`campaign-${campaign.campaign_id}-name`}>
            <h2 id={`campaign-${campaign.campaign_id}-name`}>{campaign.name}</h2>
            {campaign.description ? <p>{campaign.description}</p> : null}
            <dl class="facts">
              <dt>Commission</dt>
              <dd>
                {campaign.default_commission_type === 'percentage' ? (
                  `${campaign.default_commission_value ?? '–'} %`
                ) : (
                  <Money amount={campaign.default_commission_value} currency={campaign.currency} />
                )}
                {campaign.tiers.length > 0 ? ` (${campaign.tiers.length} tiers)` : ''}
              </dd>
              <dt>Currency</dt>
              <dd>{campaign.currency}</dd>
              <dt>Cookie</dt>
              <dd>{campaign.cookie_duration_days} days</dd>
              <dt>Approval</dt>
              <dd>{campaign.approval_required ? 'The vendor reviews applications' : 'Automatic'}</dd>
              {campaign.terms_url ? (
                <>
                  <dt>Terms</dt>
                  <dd>
                    <a href={campaign.terms_url} rel="noreferrer noopener" target="_blank">
                      Read the terms
                    </a>
                  </dd>
                </>
              ) : null}
            </dl>
            <div class="actions">
              {campaign.enrollment_status ? (
                <span>
                  Your application: <Status value={campaign.enrollment_status} />
                </span>
              ) : (
                <ConfirmButton
                  label="Apply"
                  confirmLabel={`Confirm: apply to ${campaign.name}`}
                  onConfirm={async () => {
                    await api.POST('/v1/partner/campaigns/{campaign_id}/apply', { params: { path: { campaign_id: campaign.campaign_id } }, body: {} });
                    loaded.reload();
                  }}
                />
              )}
            </div>
          </article>
        ))}
      </div>
    </Page>
  );
}
