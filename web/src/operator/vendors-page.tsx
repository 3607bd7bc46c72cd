/** Operator: vendors (create one with its owner and API key, shown once; suspend, deactivate, reactivate). */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, ShownOnce, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from './console-kit';

const statuses = ['', 'active', 'suspended', 'inactive'] as const;

export function VendorsPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ status: '' });
  const vendors = useLoad(
    () => unwrap(api.GET('/v1/admin/vendors', { params: { query: { limit: 100, ...(filter.status ? { status: filter.status as 'active' } : {}) } } })),
    filter.status ?? '',
  );
  const form = useForm({ name: '', email: '', company_name: '', website_url: '', owner_name: '' });
  const [created, setCreated] = useState<{ api_key: string; webhook_secret: string } | undefined>();
  const p = { values: form.values, errors: form.errors, onChange: form.onChange };
  const act = (id: number, verb: 'suspend' | 'deactivate' | 'activate') => unwrap(api.POST(`/v1/admin/vendors/{vendor_id}/${verb}`, { params: { path: { vendor_id: id } }, body: {} }));
  return (
    <section>
      <PageHeading title="Vendors" />
      {created && (
        <>
          <ShownOnce label="The owner's API key" value={created.api_key} onDismiss={() => setCreated(undefined)} />
          <ShownOnce label="The vendor's webhook signing secret" value={created.webhook_secret} onDismiss={() => setCreated(undefined)} />
        </>
      )}
      <div class="filters">
        <SelectInput label="Status" name="status" values={filter} errors={{}} options={statuses} onChange={(n, v) => setFilter({ [n]: v })} />
      </div>
      <Loading loaded={vendors} />
      {vendors.data && vendors.data.data.length === 0 && <StatusMessage>No vendors.</StatusMessage>}
      {vendors.data && vendors.data.data.length > 0 && (
        <ScrollTable label="Vendors">
          <thead>
            <tr>
              <th scope="col">Vendor</th>
              <th scope="col">Email</th>
              <th scope="col">Company</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {vendors.data.data.map((v) => (
              <tr key={v.vendor_id} data-testid={`vendor-${v.vendor_id}`}>
                <th scope="row" id={`vendor-name-${v.vendor_id}`}>
                  {v.name}
                </th>
                <td>{v.email}</td>
                <td>{v.company_name ?? '—'}</td>
                <td>
                  <span class={`status status-${v.status}`}>{v.status}</span>
                </td>
                <td>{when(v.created_at)}</td>
                <td class="actions">
                  {v.status === 'active' && (
                    <>
                      <ActionButton label="Suspend" variant="danger" confirm={`Suspend ${v.name}? Its keys and links stop at once.`} describedBy={`vendor-name-${v.vendor_id}`} onAction={() => act(v.vendor_id, 'suspend')} onDone={vendors.reload} />
                      <ActionButton label="Deactivate" confirm={`Deactivate ${v.name}? Its links stop; its keys may only read.`} describedBy={`vendor-name-${v.vendor_id}`} onAction={() => act(v.vendor_id, 'deactivate')} onDone={vendors.reload} />
                    </>
                  )}
                  {v.status !== 'active' && <ActionButton label="Reactivate" variant="primary" describedBy={`vendor-name-${v.vendor_id}`} onAction={() => act(v.vendor_id, 'activate')} onDone={vendors.reload} />}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="New vendor"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const result = await form.submit(() =>
            unwrap(
              api.POST('/v1/admin/vendors', {
                body: {
                  name: v.name ?? '',
                  email: v.email ?? '',
                  ...(v.company_name ? { company_name: v.company_name } : {}),
                  ...(v.website_url ? { website_url: v.website_url } : {}),
                  ...(v.owner_name ? { owner_name: v.owner_name } : {}),
                },
              }),
            ),
          );
          if (result) {
            setCreated({ api_key: result.api_key, webhook_secret: result.webhook_secret });
            form.setValues({ name: '', email: '', company_name: '', website_url: '', owner_name: '' });
            vendors.reload();
          }
        }}
      >
        <h2>New vendor</h2>
        <div class="grid">
          <TextInput label="Name" name="name" required {...p} />
          <TextInput label="Owner email" name="email" type="email" required {...p} hint="Signs in to the dashboard with this address" />
          <TextInput label="Owner name" name="owner_name" {...p} />
          <TextInput label="Company" name="company_name" {...p} />
          <TextInput label="Website" name="website_url" type="url" {...p} />
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button primary" disabled={form.busy}>
          Create vendor
        </button>
      </form>
    </section>
  );
}
