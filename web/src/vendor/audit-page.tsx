/** The audit trail, newest first, filterable (the vendor's own entities; everything for the operator). */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Loading, PageHeading, ScrollTable, StatusMessage, TextInput, unwrap, useLoad, when } from '../operator/console-kit';

export function AuditPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ entity_type: '', action: '' });
  const [applied, setApplied] = useState(filter);
  const [cursor, setCursor] = useState<string | undefined>();
  const logs = useLoad(
    () =>
      unwrap(
        api.GET('/v1/audit-logs', {
          params: {
            query: {
              limit: 50,
              ...(applied.entity_type ? { entity_type: applied.entity_type } : {}),
              ...(applied.action ? { action: applied.action } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    `${applied.entity_type}|${applied.action}|${cursor ?? ''}`,
  );
  const onChange = (name: string, value: string) => setFilter((f) => ({ ...f, [name]: value }));
  return (
    <section>
      <PageHeading title="Audit trail" />
      <form
        class="filters"
        aria-label="Filter the audit trail"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setApplied(filter);
        }}
      >
        <TextInput label="Entity type" name="entity_type" values={filter} errors={{}} onChange={onChange} hint="e.g. campaign, campaign_partner, conversion_event" />
        <TextInput label="Action" name="action" values={filter} errors={{}} onChange={onChange} />
        <button type="submit" class="button">Apply</button>
      </form>
      <Loading loaded={logs} />
      {logs.data && logs.data.data.length === 0 && <StatusMessage>No entries.</StatusMessage>}
      {logs.data && logs.data.data.length > 0 && (
        <ScrollTable label="Audit trail">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Entity</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Reason</th>
              <th scope="col">Changes</th>
            </tr>
          </thead>
          <tbody>
            {logs.data.data.map((l) => (
              <tr key={l.audit_log_id}>
                <th scope="row">{when(l.created_at)}</th>
                <td>
                  {l.entity_type} {l.entity_id}
                </td>
                <td>{l.action}</td>
                <td>
                  {l.actor_type ?? '—'} {l.actor_id ?? ''}
                </td>
                <td>{l.reason ?? '—'}</td>
                <td>
                  <code class="wrap">{l.changes === undefined || l.changes === null ? '—' : JSON.stringify(l.changes)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      {logs.data?.next_cursor && (
        <button type="button" class="button" onClick={() => setCursor(logs.data?.next_cursor ?? undefined)}>
          Older entries
        </button>
      )}
    </section>
  );
}
