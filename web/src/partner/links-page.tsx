import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client';
import { CopyButton, DataTable, Field, Form, formText, Notice, Page, QrCode, Section, useLoad } from '../ui';
import { formatDate } from './format';

const UTM_FIELDS = [
  ['utm_source', 'UTM source', 'e.g. newsletter'],
  ['utm_medium', 'UTM medium', 'e.g. email'],
  ['utm_campaign', 'UTM campaign', 'e.g. spring'],
  ['utm_content', 'UTM content', ''],
  ['utm_term', 'UTM term', ''],
] as const;

/** The partner's short links: create one (UTM fields, a deep link), copy it, show its QR code. */
export function PartnerLinksPage() {
  const loaded = useLoad(async () => {
    const [links, enrollments, campaigns] = await Promise.all([
      unwrap(api.GET('/v1/partner/links', { params: { query: { limit: 100 } } })),
      unwrap(api.GET('/v1/partner/enrollments', { params: { query: { status: 'approved', limit: 100 } } })),
      unwrap(api.GET('/v1/partner/campaigns', { params: { query: { limit: 100 } } })),
    ]);
    const names = new Map(campaigns.data.map((campaign) => [campaign.campaign_id, campaign.name]));
    return { links: links.data, enrollments: enrollments.data, names };
  });
  const [created, setCreated] = useState<{ url: string; short_code: string }>();
  const [qrFor, setQrFor] = useState<string>();

  if (loaded.state === 'loading') return <Page title="Links"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="Links"><Notice kind="error">{loaded.message}</Notice></Page>;
  const { links, enrollments, names } = loaded.data;
  const campaignName = (id: number) => names.get(id) ?? `Campaign ${id}`;

  return (
    <Page title="Links">
      <Section title="Create a link" testId="create-link">
        {enrollments.length === 0 ? (
          <p class="muted">
            Links need an approved campaign: <a href="/app/partner/campaigns">apply in the marketplace</a>.
          </p>
        ) : (
          <Form
            label="Create a link"
            submitLabel="Create link"
            onSubmit={async (data) => {
              const utm = Object.fromEntries(UTM_FIELDS.map(([name]) => [name, formText(data, name)]).filter(([, value]) => value !== undefined));
              const link = await unwrap(
                api.POST('/v1/partner/links', {
                  body: {
                    campaign_id: Number(formText(data, 'campaign_id')),
                    link_label: formText(data, 'link_label'),
                    deep_link: formText(data, 'deep_link'),
                    utm_params: Object.keys(utm).length > 0 ? utm : undefined,
                  },
                }),
              );
              setCreated({ url: link.url, short_code: link.short_code });
              loaded.reload();
            }}
          >
            {(fieldError) => (
              <>
                <Field
                  name="campaign_id"
                  label="Campaign"
                  required
                  options={enrollments.map((enrollment) => ({ value: String(enrollment.campaign_id), label: campaignName(enrollment.campaign_id) }))}
                  error={fieldError('campaign_id')}
                />
                <Field name="link_label" label="Label" hint="Only you see it, e.g. where you post the link." error={fieldError('link_label')} />
                <Field
                  name="deep_link"
                  label="Deep link"
                  type="url"
                  placeholder="https://"
                  hint="A page on the shop's own site to send shoppers to instead of the campaign's landing page."
                  error={fieldError('deep_link')}
                />
                <fieldset>
                  <legend>UTM parameters (optional)</legend>
                  {UTM_FIELDS.map(([name, label, placeholder]) => (
                    <Field key={name} name={name} label={label} placeholder={placeholder} error={fieldError(name)} />
                  ))}
                </fieldset>
              </>
            )}
          </Form>
        )}
        {created ? (
          <Notice kind="success">
            Your link is ready: <span class="link-url" data-testid="new-link-url">{created.url}</span> <CopyButton text={created.url} label="Copy link" />
          </Notice>
        ) : null}
      </Section>
      <Section title="Your links">
        <DataTable
          caption="Your links"
          testId="links-table"
          rows={links}
          rowKey={(link) => link.partner_link_id}
          empty="No links yet."
          columns={[
            { header: 'Link', render: (link) => <span class="link-url">{link.url}</span> },
            { header: 'Campaign', render: (link) => campaignName(link.campaign_id) },
            { header: 'Label', render: (link) => link.link_label ?? '–' },
            { header: 'Goes to', render: (link) => <span class="link-url">{link.full_url}</span> },
            { header: 'Created', render: (link) => formatDate(link.created_at) },
            {
              header: 'Share',
              render: (link) => (
                <span class="actions">
                  <CopyButton text={link.url} label="Copy" />
                  <button type="button" class="button" aria-expanded={qrFor === link.short_code} onClick={() => setQrFor(qrFor === link.short_code ? undefined : link.short_code)}>
                    QR code
                  </button>
                </span>
              ),
            },
          ]}
        />
        {qrFor ? (
          <div class="card" data-testid="qr-code">
            <QrCode value={links.find((link) => link.short_code === qrFor)?.url ?? ''} label={`QR code of the link ${qrFor}`} />
          </div>
        ) : null}
      </Section>
    </Page>
  );
}
