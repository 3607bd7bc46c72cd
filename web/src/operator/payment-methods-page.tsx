/** Operator: partners' payout destinations (masked) awaiting verification; payouts go only to verified defaults. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Loading, PageHeading, ScrollTable, SelectInput, StatusMessage, unwrap, useLoad, when } from './console-kit';

export function PaymentMethodsPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ verified: 'false' });
  const methods = useLoad(
    () => unwrap(api.GET('/v1/admin/payment-methods', { params: { query: { ...(filter.verified ? { verified: filter.verified as 'true' | 'false' } : {}) } } })),
    filter.verified ?? '',
  );
  return (
    <section>
      <PageHeading title="Payment methods" />
      <div class="filters">
        <SelectInput label="Verified" name="verified" values={filter} errors={{}} options={['false', 'true', '']} onChange={(n, v) => setFilter({ [n]: v })} />
      </div>
      <Loading loaded={methods} />
      {methods.data && methods.data.data.length === 0 && <StatusMessage>Nothing {filter.verified === 'false' ? 'awaits verification' : 'here'}.</StatusMessage>}
      {methods.data && methods.data.data.length > 0 && (
        <ScrollTable label="Payment methods">
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Partner</th>
              <th scope="col">Provider</th>
              <th scope="col">Account (masked)</th>
              <th scope="col">Default</th>
              <th scope="col">Verified</th>
              <th scope="col">Added</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {methods.data.data.map((m) => (
              <tr key={m.partner_payment_method_id} data-testid={`payment-method-${m.partner_payment_method_id}`}>
                <th scope="row" id={`method-${m.partner_payment_method_id}`}>
                  #{m.partner_payment_method_id}
                </th>
                <td>{m.partner_id}</td>
                <td>{m.payment_provider}</td>
                <td>
                  {[m.provider_account_id, ...Object.entries(m.account_details).map(([k, v]) => `${k} ${v}`)].filter(Boolean).join(' · ') || '—'}
                </td>
                <td>{m.is_default ? 'yes' : 'no'}</td>
                <td>{m.is_verified ? `yes, ${when(m.verified_at)}` : 'no'}</td>
                <td>{when(m.created_at)}</td>
                <td>
                  {!m.is_verified && (
                    <ActionButton
                      label="Verify"
                      variant="primary"
                      describedBy={`method-${m.partner_payment_method_id}`}
                      onAction={() => unwrap(api.POST('/v1/admin/payment-methods/{id}/verify', { params: { path: { id: m.partner_payment_method_id } } }))}
                      onDone={methods.reload}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}
