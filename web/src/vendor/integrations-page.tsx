/**
 * Vendor: Stripe / Shopify integrations (the webhook URL to paste into the provider; the provider's
 * signing secret is entered here and never shown again) and the secret that signs our outbound
 * webhooks (shown once when rotated).
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, ShownOnce, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from '../operator/console-kit';

function CopyText({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span class="copy-text">
      <code>{value}</code>{' '}
      <button type="button" class="button" aria-label={`Copy ${label}`} onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

export function IntegrationsPage() {
  const integrations = useLoad(() => unwrap(api.GET('/v1/integrations', { params: { query: { limit: 100 } } })), 'integrations');
  const campaigns = useLoad(() => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })), 'campaigns');
  const vendor = useLoad(() => unwrap(api.GET('/v1/vendor')), 'vendor');
  const form = useForm({ type: 'stripe', name: '', signing_secret: '', shop_domain: '', campaign_id: '' });
  const [created, setCreated] = useState<{ name: string; webhook_url: string } | undefined>();
  const [secret, setSecret] = useState<string | undefined>();
  const p = { values: form.values, errors: form.errors, onChange: form.onChange };
  const webhookForm = useForm({ webhook_url: '' });
  return (
    <section>
      <PageHeading title="Integrations" />
      <Loading loaded={integrations} />
      {created && (
        <div class="shown-once" role="status">
          <p>
            <strong>{created.name}</strong> is ready. Paste this URL as the webhook endpoint in your {form.values.type === 'shopify' ? 'Shopify admin' : 'Stripe dashboard'}:
          </p>
          <CopyText value={created.webhook_url} label="webhook URL" />
          <button type="button" class="button" onClick={() => setCreated(undefined)}>
            Done
          </button>
        </div>
      )}
      {integrations.data && integrations.data.data.length === 0 && <StatusMessage>No integrations yet.</StatusMessage>}
      {integrations.data && integrations.data.data.length > 0 && (
        <ScrollTable label="Integrations">
          <thead>
            <tr>
              <th scope="col">Integration</th>
              <th scope="col">Type</th>
              <th scope="col">Campaign</th>
              <th scope="col">Webhook URL to paste</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {integrations.data.data.map((i) => (
              <tr key={i.integration_id}>
                <th scope="row">{i.name}</th>
                <td>{i.type}</td>
                <td>{i.campaign_id ?? 'any'}</td>
                <td>
                  <CopyText value={i.webhook_url} label={`${i.name} webhook URL`} />
                </td>
                <td>{when(i.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="Connect a store"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const result = await form.submit(() =>
            unwrap(
              api.POST('/v1/integrations', {
                body: {
                  type: v.type as 'stripe' | 'shopify',
                  name: v.name ?? '',
                  config: { signing_secret: v.signing_secret ?? '', ...(v.type === 'shopify' && v.shop_domain ? { shop_domain: v.shop_domain } : {}) },
                  ...(v.campaign_id ? { campaign_id: Number(v.campaign_id) } : {}),
                },
              }),
            ),
          );
          if (result) {
            setCreated({ name: result.name, webhook_url: result.webhook_url });
            form.setValues({ ...v, name: '', signing_secret: '', shop_domain: '' });
            integrations.reload();
          }
        }}
      >
        <h2>Connect a store</h2>
        <div class="grid">
          <SelectInput label="Provider" name="type" options={['stripe', 'shopify']} {...p} />
          <TextInput label="Name" name="name" required {...p} />
          <TextInput
            label="Signing secret"
            name="signing_secret"
            required
            {...p}
            hint={form.values.type === 'shopify' ? 'The app secret Shopify signs webhooks with' : 'The endpoint secret Stripe shows (whsec_…)'}
          />
          {form.values.type === 'shopify' && <TextInput label="Shop domain" name="shop_domain" {...p} hint="your-store.myshopify.com" />}
          <div class="field">
            <label for="field-campaign_id">Campaign</label>
            <select id="field-campaign_id" value={form.values.campaign_id} onChange={(e) => form.onChange('campaign_id', e.currentTarget.value)}>
              <option value="">(any: attributed by click)</option>
              {(campaigns.data?.data ?? []).map((c) => (
                <option key={c.campaign_id} value={String(c.campaign_id)}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button primary" disabled={form.busy}>
          Connect
        </button>
      </form>
      <h2>Outbound webhooks</h2>
      <Loading loaded={vendor} />
      {vendor.data && (
        <form
          class="form card"
          aria-label="Outbound webhooks"
          onSubmit={async (e) => {
            e.preventDefault();
            const url = webhookForm.values.webhook_url ?? '';
            const done = await webhookForm.submit(() => unwrap(api.PATCH('/v1/vendor', { body: { webhook_url: url === '' ? null : url } })));
            if (done) vendor.reload();
          }}
        >
          <p>Current endpoint: {vendor.data.webhook_url ?? 'none'}</p>
          <TextInput label="Webhook URL" name="webhook_url" type="url" values={webhookForm.values} errors={webhookForm.errors} onChange={webhookForm.onChange} />
          <ProblemMessage error={webhookForm.error} />
          <button type="submit" class="button" disabled={webhookForm.busy}>
            Save webhook URL
          </button>
        </form>
      )}
      {secret && <ShownOnce label="Webhook signing secret" value={secret} onDismiss={() => setSecret(undefined)} />}
      <ActionButton
        label="Rotate signing secret"
        confirm="Replace the secret that signs outbound webhooks? The old one stops working."
        onAction={async () => setSecret((await unwrap(api.POST('/v1/vendor/webhook-secret/rotate'))).webhook_secret)}
      />
    </section>
  );
}
