import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client';
import { DataTable, Field, Form, formText, Notice, Page, Section, useLoad } from '../ui';
import { formatDate } from './format';

type Provider = 'paypal' | 'wire' | 'stripe';

/** Where payouts go: the methods on file (always masked) and adding one. */
export function PartnerPaymentMethodsPage() {
  const loaded = useLoad(() => unwrap(api.GET('/v1/partner/payment-methods')));
  const [provider, setProvider] = useState<Provider>('paypal');
  const [added, setAdded] = useState(false);
  if (loaded.state === 'loading') return <Page title="Payment methods"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="Payment methods"><Notice kind="error">{loaded.message}</Notice></Page>;
  const methods = loaded.data.data;
  return (
    <Page title="Payment methods">
      <DataTable
        caption="Your payment methods"
        testId="payment-methods-table"
        rows={methods}
        rowKey={(method) => method.partner_payment_method_id}
        empty="No payment method yet: add one to be paid."
        columns={[
          { header: 'Provider', render: (method) => method.payment_provider },
          {
            header: 'Account',
            render: (method) =>
              [method.provider_account_id, ...Object.entries(method.account_details).map(([key, value]) => `${key.replace(/_/g, ' ')} ${value}`)]
                .filter(Boolean)
                .join(' · '),
          },
          { header: 'Default', render: (method) => (method.is_default ? 'Yes' : '') },
          { header: 'Verified', render: (method) => (method.is_verified ? 'Verified' : 'Waiting for the operator') },
          { header: 'Added', render: (method) => formatDate(method.created_at) },
        ]}
      />
      <Section title="Add a payment method">
        {added ? <Notice kind="success">Added. An operator verifies it before the first payout.</Notice> : null}
        <div class="field">
          <label for="provider-choice">Provider</label>
          <select id="provider-choice" value={provider} onChange={(event) => setProvider(event.currentTarget.value as Provider)}>
            <option value="paypal">PayPal</option>
            <option value="wire">Bank transfer (IBAN)</option>
            <option value="stripe">Stripe Connect</option>
          </select>
        </div>
        <Form
          label="Add a payment method"
          submitLabel="Add payment method"
          onSubmit={async (data) => {
            const isDefault = data.get('is_default') === 'on';
            const body =
              provider === 'paypal'
                ? { payment_provider: 'paypal' as const, account_details: { email: formText(data, 'email') }, is_default: isDefault }
                : provider === 'wire'
                  ? {
                      payment_provider: 'wire' as const,
                      account_details: { account_holder: formText(data, 'account_holder'), iban: formText(data, 'iban'), bic: formText(data, 'bic') },
                      is_default: isDefault,
                    }
                  : { payment_provider: 'stripe' as const, provider_account_id: formText(data, 'provider_account_id') ?? '', is_default: isDefault };
            await api.POST('/v1/partner/payment-methods', { body: body as never });
            setAdded(true);
            loaded.reload();
          }}
        >
          {(fieldError) => (
            <>
              {provider === 'paypal' ? <Field name="email" label="PayPal email" type="email" required error={fieldError('account_details.email')} /> : null}
              {provider === 'wire' ? (
                <>
                  <Field name="account_holder" label="Account holder" required error={fieldError('account_details.account_holder')} />
                  <Field name="iban" label="IBAN" required error={fieldError('account_details.iban')} />
                  <Field name="bic" label="BIC" required hint="The bank's SWIFT code, 8 or 11 characters." error={fieldError('account_details.bic')} />
                </>
              ) : null}
              {provider === 'stripe' ? (
                <Field name="provider_account_id" label="Stripe account id" placeholder="acct_…" required error={fieldError('provider_account_id')} />
              ) : null}
              <div class="field">
                <label>
                  <input type="checkbox" name="is_default" /> Use for payouts
                </label>
              </div>
            </>
          )}
        </Form>
      </Section>
    </Page>
  );
}
