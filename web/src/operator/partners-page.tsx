/** Operator: partners by status (pending first), approve / reject / suspend / reactivate. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Loading, PageHeading, ScrollTable, SelectInput, StatusMessage, unwrap, useLoad, when } from './console-kit';

const statuses = ['pending', 'active', 'suspended', 'rejected', ''] as const;
type Status = Exclude<(typeof statuses)[number], ''>;

export function PartnersPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ status: 'pending' });
  const partners = useLoad(
    () => unwrap(api.GET('/v1/admin/partners', { params: { query: { limit: 100, ...(filter.status ? { status: filter.status as Status } : {}) } } })),
    filter.status ?? '',
  );
  const act = (id: number, verb: 'approve' | 'reject' | 'suspend' | 'activate') =>
    unwrap(api.POST(`/v1/admin/partners/{partner_id}/${verb}`, { params: { path: { partner_id: id } }, body: {} }));
  return (
    <section>
      <PageHeading title="Partners" />
      <div class="filters">
        <SelectInput label="Status" name="status" values={filter} errors={{}} options={statuses} onChange={(n, v) => setFilter({ [n]: v })} />
      </div>
      <Loading loaded={partners} />
      {partners.data && partners.data.data.length === 0 && <StatusMessage>No {filter.status} partners.</StatusMessage>}
      {partners.data && partners.data.data.length > 0 && (
        <ScrollTable label="Partners">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Website</th>
              <th scope="col">Status</th>
              <th scope="col">Signed up</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {partners.data.data.map((p) => (
              <tr key={p.partner_id} data-testid={`partner-${p.partner_id}`}>
                <th scope="row" id={`partner-name-${p.partner_id}`}>
                  {p.name}
                </th>
                <td>{p.email}</td>
                <td>{p.website_url ?? '—'}</td>
                <td>{p.status}</td>
                <td>{when(p.created_at)}</td>
                <td class="actions">
                  {(p.status === 'pending' || p.status === 'rejected') && (
                    <ActionButton label="Approve" variant="primary" describedBy={`partner-name-${p.partner_id}`} onAction={() => act(p.partner_id, 'approve')} onDone={partners.reload} />
                  )}
                  {p.status === 'pending' && (
                    <ActionButton label="Reject" variant="danger" describedBy={`partner-name-${p.partner_id}`} onAction={() => act(p.partner_id, 'reject')} onDone={partners.reload} />
                  )}
                  {p.status === 'active' && (
                    <ActionButton label="Suspend" variant="danger" confirm={`Suspend ${p.name}? Their links stop at once.`} describedBy={`partner-name-${p.partner_id}`} onAction={() => act(p.partner_id, 'suspend')} onDone={partners.reload} />
                  )}
                  {p.status === 'suspended' && (
                    <ActionButton label="Reactivate" describedBy={`partner-name-${p.partner_id}`} onAction={() => act(p.partner_id, 'activate')} onDone={partners.reload} />
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
