/**
 * Operator: run a payout run, then approve, confirm (wire sent) or fail each payout. The run's
 * period defaults to the previous calendar month (the job's own default); "until now" pays what
 * was approved up to this minute.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Amount, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from './console-kit';

const statuses = ['pending', 'processing', 'completed', 'failed', ''] as const;
type Status = Exclude<(typeof statuses)[number], ''>;

interface PayoutRunResult {
  start_date: string;
  end_date: string;
  created: { payout_id: number; partner_id: number; currency: string; amount: string; events: number }[];
  skipped: { partner_id: number; currency: string; reason: string; amount: string; minimum: string }[];
}

/**
 * The end of a run "until now": a few seconds back, so a browser clock slightly ahead of the
 * server's is not "in the future" (further ahead, the API's 400 says so on the form).
 */
export function untilNow(now: Date): string {
  return new Date(now.getTime() - 5_000).toISOString();
}

function RunPayoutsForm({ onRan }: { onRan: () => void }) {
  const form = useForm({ period: 'previous month', start_date: '', end_date: '', minimum: '' });
  const [result, setResult] = useState<PayoutRunResult | undefined>();
  async function run(e: Event) {
    e.preventDefault();
    const v = form.values;
    const input: Record<string, string> = {};
    if (v.period === 'until now') input.end_date = untilNow(new Date());
    if (v.start_date) input.start_date = v.start_date;
    if (v.end_date) input.end_date = v.end_date;
    if (v.minimum) input.minimum = v.minimum;
    const answer = await form.submit(() => unwrap(api.POST('/v1/admin/jobs/{name}', { params: { path: { name: 'payouts' } }, body: input })));
    if (answer) {
      setResult(answer.result as PayoutRunResult);
      onRan();
    }
  }
  return (
    <form onSubmit={run} class="form card" aria-label="Payout run">
      <h2>Payout run</h2>
      <SelectInput label="Period" name="period" values={form.values} errors={form.errors} options={['previous month', 'until now']} onChange={form.onChange} />
      <TextInput label="Start date (optional)" name="start_date" type="date" values={form.values} errors={form.errors} onChange={form.onChange} />
      <TextInput label="End date (optional, exclusive)" name="end_date" type="date" values={form.values} errors={form.errors} onChange={form.onChange} />
      <TextInput label="Minimum per payout, major units (optional)" name="minimum" values={form.values} errors={form.errors} onChange={form.onChange} hint="e.g. 50 (50 USD, 50 JPY); empty: the configured thresholds" />
      <ProblemMessage error={form.error} />
      <button type="submit" class="button primary" disabled={form.busy}>
        Run payouts
      </button>
      {result && (
        <StatusMessage>
          Run {result.start_date} → {result.end_date}: {result.created.length} payout(s) created
          {result.created.map((c) => ` · partner ${c.partner_id}: ${c.amount} ${c.currency}`).join('')}
          {result.skipped.length > 0 && `; ${result.skipped.length} skipped (${result.skipped.map((s) => `partner ${s.partner_id} ${s.amount} ${s.currency}: ${s.reason}`).join('; ')})`}
        </StatusMessage>
      )}
    </form>
  );
}

function FailButton({ payoutId, onDone }: { payoutId: number; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const form = useForm({ failure_reason: '' });
  if (!open)
    return (
      <button type="button" class="button danger" onClick={() => setOpen(true)}>
        Fail
      </button>
    );
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const done = await form.submit(() =>
          unwrap(api.POST('/v1/admin/payouts/{id}/fail', { params: { path: { id: payoutId } }, body: { failure_reason: form.values.failure_reason ?? '' } })),
        );
        if (done) onDone();
      }}
    >
      <TextInput label="Failure reason" name="failure_reason" required values={form.values} errors={form.errors} onChange={form.onChange} />
      <ProblemMessage error={form.error} />
      <button type="submit" class="button danger" disabled={form.busy}>
        Mark failed
      </button>
      <button type="button" class="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

export function PayoutsPage() {
  const [filter, setFilter] = useState<Record<string, string>>({ status: '' });
  const payouts = useLoad(
    () => unwrap(api.GET('/v1/admin/payouts', { params: { query: { limit: 100, ...(filter.status ? { status: filter.status as Status } : {}) } } })),
    filter.status ?? '',
  );
  return (
    <section>
      <PageHeading title="Payouts" />
      <RunPayoutsForm onRan={payouts.reload} />
      <h2>Payouts</h2>
      <div class="filters">
        <SelectInput label="Status" name="status" values={filter} errors={{}} options={statuses} onChange={(n, v) => setFilter({ [n]: v })} />
      </div>
      <Loading loaded={payouts} />
      {payouts.data && payouts.data.data.length === 0 && <StatusMessage>No payouts.</StatusMessage>}
      {payouts.data && payouts.data.data.length > 0 && (
        <ScrollTable label="Payouts">
          <thead>
            <tr>
              <th scope="col">Payout</th>
              <th scope="col">Partner</th>
              <th scope="col">Amount</th>
              <th scope="col">Provider</th>
              <th scope="col">Status</th>
              <th scope="col">Period</th>
              <th scope="col">Conversions</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {payouts.data.data.map((p) => (
              <tr key={p.payout_id} data-testid={`payout-${p.payout_id}`}>
                <th scope="row" id={`payout-${p.payout_id}-label`}>
                  #{p.payout_id}
                </th>
                <td>{p.partner_id}</td>
                <td>
                  <Amount amount={p.amount} currency={p.currency} />
                </td>
                <td>{p.provider}</td>
                <td>
                  {p.status}
                  {p.failure_reason ? ` (${p.failure_reason})` : ''}
                  {p.provider_transaction_id ? ` · ${p.provider_transaction_id}` : ''}
                </td>
                <td>
                  {p.start_date} → {p.end_date}
                </td>
                <td>{p.conversions.length}</td>
                <td class="actions">
                  {(p.status === 'pending' || p.status === 'failed') && (
                    <ActionButton label={p.status === 'failed' ? 'Retry' : 'Approve'} variant="primary" describedBy={`payout-${p.payout_id}-label`} onAction={() => unwrap(api.POST('/v1/admin/payouts/{id}/approve', { params: { path: { id: p.payout_id } } }))} onDone={payouts.reload} />
                  )}
                  {p.status === 'processing' && (
                    <>
                      <ActionButton label="Confirm" variant="primary" describedBy={`payout-${p.payout_id}-label`} onAction={() => unwrap(api.POST('/v1/admin/payouts/{id}/confirm', { params: { path: { id: p.payout_id } } }))} onDone={payouts.reload} />
                      <FailButton payoutId={p.payout_id} onDone={payouts.reload} />
                    </>
                  )}
                  {p.completed_at && <span>paid {when(p.completed_at)}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}
