/**
 * Operator: run any scheduled job now, see what it answered, the queues' and dead-letter queues'
 * depths, and the money invariants (reconciliation). The latest job runs, the scheduler's and any
 * operator's, come from GET /v1/admin/job-runs (recorded in `job_runs`), reloaded after a run.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { Amount, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from './console-kit';

/** The jobs `POST /v1/admin/jobs/{name}` runs (functions/jobs/run-job.ts). */
export const jobNames = ['payouts', 'approve-conversions', 'sync-links', 'reconciliation', 'rebuild-totals', 'retention', 'gdpr-erasure'] as const;

/** A run's duration, readable: 850 ms, 12.4 s, 3 min 5 s. */
function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The summary's counts and values as `key: value` pairs (nested objects as JSON). */
function summaryText(summary: Record<string, unknown> | null): string {
  if (!summary) return '';
  return Object.entries(summary)
    .map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

export function SystemPage() {
  const queues = useLoad(() => unwrap(api.GET('/v1/admin/queues')), 'queues');
  const reconciliation = useLoad(() => unwrap(api.GET('/v1/admin/reconciliation')), 'reconciliation');
  const runs = useLoad(() => unwrap(api.GET('/v1/admin/job-runs', { params: { query: { limit: 20 } } })), 'job-runs');
  const form = useForm({ job: 'approve-conversions', input: '{}' });
  const [lastAnswer, setLastAnswer] = useState<string | undefined>();
  const jsonError = (form.error as { errorsByField?: Record<string, string> } | undefined)?.errorsByField ?? {};
  const p = { values: form.values, errors: { ...form.errors, ...jsonError }, onChange: form.onChange };
  return (
    <section>
      <PageHeading title="System" />
      <form
        class="form card"
        aria-label="Run a job"
        onSubmit={async (e) => {
          e.preventDefault();
          let input: Record<string, unknown>;
          try {
            input = JSON.parse(form.values.input || '{}') as Record<string, unknown>;
          } catch (caught) {
            form.setError(Object.assign(new Error('Fix the JSON marked below'), { errorsByField: { input: `not valid JSON: ${(caught as Error).message}` } }));
            return;
          }
          const job = form.values.job ?? '';
          setLastAnswer(undefined);
          const result = await form.submit(() => unwrap(api.POST('/v1/admin/jobs/{name}', { params: { path: { name: job } }, body: input })));
          if (result) setLastAnswer(`${job}: ${JSON.stringify(result.result ?? null)}`);
          // Succeeded or failed, the run is recorded: list it.
          runs.reload();
          queues.reload();
          reconciliation.reload();
        }}
      >
        <h2>Run a job</h2>
        <div class="grid">
          <SelectInput label="Job" name="job" options={jobNames} {...p} />
          <TextInput label="Input (JSON)" name="input" multiline {...p} hint='e.g. payouts: {"start_date":"2026-11-01","end_date":"2026-12-01","minimum":"50"}' />
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button primary" disabled={form.busy}>
          Run job
        </button>
        {lastAnswer !== undefined && (
          <p>
            Answer: <code class="wrap">{lastAnswer}</code>
          </p>
        )}
      </form>
      <h2>Job runs</h2>
      <Loading loaded={runs} />
      {runs.data && runs.data.data.length === 0 && <p>No job has run yet.</p>}
      {runs.data && runs.data.data.length > 0 && (
        <ScrollTable label="Job runs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Trigger</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Status</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.data.map((r) => (
              <tr key={r.job_run_id} data-testid={`job-run-${r.job_run_id}`}>
                <th scope="row">{r.job}</th>
                <td>{r.trigger === 'operator' ? 'operator' : 'schedule'}</td>
                <td>{when(r.started_at)}</td>
                <td>{duration(r.duration_ms)}</td>
                <td>
                  <span class={`status status-${r.status}`}>{r.status}</span>
                </td>
                <td>
                  <code class="wrap">{r.status === 'failed' ? (r.error ?? '') : summaryText(r.summary)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <h2>Queues</h2>
      <Loading loaded={queues} />
      {queues.data && (
        <ScrollTable label="Queues">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Waiting</th>
              <th scope="col">In flight</th>
              <th scope="col">Dead letters</th>
            </tr>
          </thead>
          <tbody>
            {queues.data.data.map((q) => (
              <tr key={q.queue} data-testid={`queue-${q.queue}`}>
                <th scope="row">{q.queue}</th>
                <td>{q.waiting}</td>
                <td>{q.in_flight}</td>
                <td>{q.dead_letters === null ? 'no DLQ' : q.dead_letters > 0 ? <strong class="status status-failed">{q.dead_letters}</strong> : 0}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <h2>Reconciliation</h2>
      <Loading loaded={reconciliation} />
      {reconciliation.data && (
        <>
          {reconciliation.data.balanced ? (
            <StatusMessage>Balanced: every paid amount traces back to approved conversions.</StatusMessage>
          ) : (
            <p class="notice notice-error" role="alert">
              {reconciliation.data.violations.length} violation(s): {reconciliation.data.violations.map((v) => `${v.kind} (expected ${v.expected ?? '—'}, actual ${v.actual ?? '—'} ${v.currency ?? ''})`).join('; ')}
            </p>
          )}
          <ScrollTable label="Money per currency">
            <thead>
              <tr>
                <th scope="col">Currency</th>
                <th scope="col">Earned</th>
                <th scope="col">In payouts</th>
                <th scope="col">Paid out</th>
                <th scope="col">Open adjustments</th>
              </tr>
            </thead>
            <tbody>
              {reconciliation.data.money.map((m) => (
                <tr key={m.currency}>
                  <th scope="row">{m.currency}</th>
                  <td>
                    <Amount amount={m.earned} currency={m.currency} />
                  </td>
                  <td>
                    <Amount amount={m.in_payouts} currency={m.currency} />
                  </td>
                  <td>
                    <Amount amount={m.paid_out} currency={m.currency} />
                  </td>
                  <td>
                    <Amount amount={m.open_adjustments} currency={m.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollTable>
        </>
      )}
    </section>
  );
}
