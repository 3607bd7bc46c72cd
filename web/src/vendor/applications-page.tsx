/** Vendor: partner applications (enrollments) to approve or reject, filterable by status and campaign. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Amount, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from '../operator/console-kit';

const statuses = ['pending', 'approved', 'rejected', 'removed', ''] as const;
type Status = Exclude<(typeof statuses)[number], ''>;

function RejectButton({ id, onDone }: { id: number; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const form = useForm({ rejection_reason: '' });
  if (!open)
    return (
      <button type="button" class="button danger" onClick={() => setOpen(true)}>
        Reject
      </button>
    );
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const done = await form.submit(() =>
          unwrap(api.POST('/v1/campaign-partners/{campaign_partner_id}/reject', { params: { path: { campaign_partner_id: id } }, body: { rejection_reason: form.values.rejection_reason ?? '' } })),
        );
        if (done) onDone();
      }}
    >
      <TextInput label="Reason" name="rejection_reason" required values={form.values} errors={form.errors} onChange={form.onChange} />
      <ProblemMessage error={form.error} />
      <button type="submit" class="button danger" disabled={form.busy}>
        Reject application
      </button>
      <button type="button" class="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

export function ApplicationsPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ status: 'pending', campaign_id: '' });
  const campaigns = useLoad(() => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })), 'campaigns');
  const campaignName = new Map((campaigns.data?.data ?? []).map((c) => [c.campaign_id, c.name]));
  const applications = useLoad(
    () =>
      unwrap(
        api.GET('/v1/campaign-partners', {
          params: {
            query: {
              limit: 100,
              ...(filter.status ? { status: filter.status as Status } : {}),
              ...(filter.campaign_id ? { campaign_id: Number(filter.campaign_id) } : {}),
            },
          },
        }),
      ),
    `${filter.status}|${filter.campaign_id}`,
  );
  return (
    <section>
      <PageHeading title="Partner applications" />
      <div class="filters">
        <SelectInput label="Status" name="status" values={filter} errors={{}} options={statuses} onChange={(n, v) => setFilter((f) => ({ ...f, [n]: v }))} />
        <div class="field">
          <label for="field-campaign_id">Campaign</label>
          <select id="field-campaign_id" value={filter.campaign_id} onChange={(e) => setFilter((f) => ({ ...f, campaign_id: e.currentTarget.value }))}>
            <option value="">(any)</option>
            {(campaigns.data?.data ?? []).map((c) => (
              <option key={c.campaign_id} value={String(c.campaign_id)}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Loading loaded={applications} />
      {applications.data && applications.data.data.length === 0 && <StatusMessage>No {filter.status} applications.</StatusMessage>}
      {applications.data && applications.data.data.length > 0 && (
        <ScrollTable label="Partner applications">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Campaign</th>
              <th scope="col">Note</th>
              <th scope="col">Applied</th>
              <th scope="col">Status</th>
              <th scope="col">Clicks</th>
              <th scope="col">Conversions</th>
              <th scope="col">Commission earned</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {applications.data.data.map((a) => (
              <tr key={a.campaign_partner_id} data-testid={`application-${a.campaign_partner_id}`}>
                <th scope="row" id={`application-${a.campaign_partner_id}-label`}>
                  {a.partner_name ?? `Partner ${a.partner_id}`}
                </th>
                <td>{campaignName.get(a.campaign_id) ?? `Campaign ${a.campaign_id}`}</td>
                <td>{a.application_note ?? '—'}</td>
                <td>{when(a.applied_at)}</td>
                <td>
                  {a.status}
                  {a.rejection_reason ? ` (${a.rejection_reason})` : ''}
                </td>
                <td>{a.total_clicks}</td>
                <td>{a.total_conversions}</td>
                <td>
                  <Amount amount={a.total_commission_earned} currency={a.currency} />
                </td>
                <td class="actions">
                  {a.status === 'pending' && (
                    <>
                      <ActionButton
                        label="Approve"
                        variant="primary"
                        describedBy={`application-${a.campaign_partner_id}-label`}
                        onAction={() => unwrap(api.POST('/v1/campaign-partners/{campaign_partner_id}/approve', { params: { path: { campaign_partner_id: a.campaign_partner_id } }, body: {} }))}
                        onDone={applications.reload}
                      />
                      <RejectButton id={a.campaign_partner_id} onDone={applications.reload} />
                    </>
                  )}
                  {a.status === 'approved' && (
                    <ActionButton
                      label="Remove"
                      variant="danger"
                      confirm="Remove this partner from the campaign? Their links stop at once."
                      onAction={() => unwrap(api.POST('/v1/campaign-partners/{campaign_partner_id}/remove', { params: { path: { campaign_partner_id: a.campaign_partner_id } }, body: {} }))}
                      onDone={applications.reload}
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
