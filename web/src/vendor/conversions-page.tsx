/** Vendor: conversions to review (approve / reject) and one conversion with why it earned what it earned. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { explainCommission } from './explain-commission';
import { ActionButton, Amount, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from '../operator/console-kit';

const statuses = ['pending', 'approved', 'rejected', 'paid', ''] as const;
type Status = Exclude<(typeof statuses)[number], ''>;

function RejectConversion({ id, onDone }: { id: number; onDone: () => void }) {
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
          unwrap(api.POST('/v1/conversions/{id}/reject', { params: { path: { id: String(id) } }, body: { rejection_reason: form.values.rejection_reason ?? '' } })),
        );
        if (done) onDone();
      }}
    >
      <TextInput label="Reason" name="rejection_reason" required values={form.values} errors={form.errors} onChange={form.onChange} />
      <ProblemMessage error={form.error} />
      <button type="submit" class="button danger" disabled={form.busy}>
        Reject conversion
      </button>
      <button type="button" class="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

function ReviewActions({ id, status, onDone }: { id: number; status: string; onDone: () => void }) {
  return (
    <>
      {status === 'pending' && (
        <ActionButton label="Approve" variant="primary" describedBy={`conversion-${id}-label`} onAction={() => unwrap(api.POST('/v1/conversions/{id}/approve', { params: { path: { id: String(id) } }, body: {} }))} onDone={onDone} />
      )}
      {(status === 'pending' || status === 'approved') && <RejectConversion id={id} onDone={onDone} />}
    </>
  );
}

export function ConversionsPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ status: 'pending' });
  const conversions = useLoad(
    () => unwrap(api.GET('/v1/conversions', { params: { query: { limit: 100, ...(filter.status ? { status: filter.status as Status } : {}) } } })),
    filter.status ?? '',
  );
  return (
    <section>
      <PageHeading title="Conversions" />
      <div class="filters">
        <SelectInput label="Status" name="status" values={filter} errors={{}} options={statuses} onChange={(n, v) => setFilter({ [n]: v })} />
      </div>
      <Loading loaded={conversions} />
      {conversions.data && conversions.data.data.length === 0 && <StatusMessage>No {filter.status} conversions.</StatusMessage>}
      {conversions.data && conversions.data.data.length > 0 && (
        <ScrollTable label="Conversions">
          <thead>
            <tr>
              <th scope="col">Conversion</th>
              <th scope="col">Occurred</th>
              <th scope="col">Partner</th>
              <th scope="col">Event</th>
              <th scope="col">Sale</th>
              <th scope="col">Commission</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {conversions.data.data.map((c) => (
              <tr key={c.conversion_event_id} data-testid={`conversion-${c.conversion_event_id}`}>
                <th scope="row" id={`conversion-${c.conversion_event_id}-label`}>
                  <a href={`/app/vendor/conversions/${c.conversion_event_id}`}>#{c.conversion_event_id}</a>
                </th>
                <td>{when(c.occurred_at)}</td>
                <td>{c.partner_id}</td>
                <td>
                  {c.event_type} · {c.transaction_id ?? ''}
                </td>
                <td>
                  <Amount amount={c.event_value} currency={c.currency} />
                </td>
                <td>
                  <Amount amount={c.commission_amount} currency={c.currency} />
                </td>
                <td>{c.status}</td>
                <td class="actions">
                  <ReviewActions id={c.conversion_event_id} status={c.status} onDone={conversions.reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}

/** Why the conversion earned what it earned: the applied commission, then how it was split over the partners' touches. */
export function ConversionPage({ params }: { params: Record<string, string> }) {
  const id = params.conversion_id ?? '';
  const conversion = useLoad(() => unwrap(api.GET('/v1/conversions/{id}', { params: { path: { id } } })), id);
  const c = conversion.data;
  return (
    <section>
      <PageHeading title={`Conversion ${id}`} />
      <p>
        <a href="/app/vendor/conversions">All conversions</a>
      </p>
      <Loading loaded={conversion} />
      {c && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              {c.status}
              {c.rejection_reason ? ` (${c.rejection_reason})` : ''}
            </dd>
            <dt>Event</dt>
            <dd>
              {c.event_type} from {c.source}, transaction {c.transaction_id ?? '—'}, receipt {c.receipt_id}
            </dd>
            <dt>Sale</dt>
            <dd>
              <Amount amount={c.event_value} currency={c.currency} />
              {c.refunded_amount !== '0' && c.refunded_amount !== '0.00' && (
                <>
                  {' '}
                  (refunded <Amount amount={c.refunded_amount} currency={c.currency} />)
                </>
              )}
            </dd>
            <dt>Commission</dt>
            <dd>
              <Amount amount={c.commission_amount} currency={c.currency} />
            </dd>
            <dt>How it was computed</dt>
            <dd data-testid="commission-explanation">{explainCommission(c)}</dd>
            {c.commission_basis.explanation && (
              <>
                <dt title="Recorded when the commission was calculated">Decided by</dt>
                <dd data-testid="commission-basis">{c.commission_basis.explanation}</dd>
              </>
            )}
            <dt>Attribution</dt>
            <dd>
              {c.attribution_type}
              {c.attribution_confidence ? ` (confidence ${c.attribution_confidence})` : ''}, click {c.click_id ?? '—'}
            </dd>
            <dt>Occurred / recorded</dt>
            <dd>
              {when(c.occurred_at)} / {when(c.recorded_at)}
            </dd>
            <dt>Approved / rejected</dt>
            <dd>
              {when(c.approved_at)} / {when(c.rejected_at)}
            </dd>
          </dl>
          <h2>Split across touches</h2>
          <ScrollTable label="Touches">
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Touch</th>
                <th scope="col">Weight</th>
                <th scope="col">Share</th>
                <th scope="col">Click</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {c.touches.map((t) => (
                <tr key={t.touch_id}>
                  <th scope="row">{t.partner_id}</th>
                  <td>
                    {t.touch_type} ({t.attribution_type})
                  </td>
                  <td>{t.weight ?? '—'}</td>
                  <td>
                    <Amount amount={t.touch_value} currency={c.currency} />
                  </td>
                  <td>{t.click_id ?? '—'}</td>
                  <td>{when(t.occurred_at)}</td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
          <ReviewActions id={c.conversion_event_id} status={c.status} onDone={conversion.reload} />
        </>
      )}
    </section>
  );
}
