// Over 300 lines: the campaign pages (list, form, version history with its changes, lifecycle actions) that share one form and its validation.
/** Vendor: campaigns (list, create), one campaign (edit = a new version, history with changes, pause/resume/archive, overrides, milestones). */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import {
  ActionButton,
  Amount,
  Loading,
  PageHeading,
  ProblemMessage,
  ScrollTable,
  SelectInput,
  StatusMessage,
  TextInput,
  unwrap,
  useForm,
  useLoad,
  when,
} from '../operator/console-kit';
import { attributionModels, campaignBodyOf, campaignValuesOf, commissionTypes, emptyCampaignValues, tierChanges, versionChanges, type CampaignValues } from './campaign-form';

function CampaignFields({ form }: { form: ReturnType<typeof useForm> }) {
  const p = { values: form.values, errors: form.errors, onChange: form.onChange };
  return (
    <div class="grid">
      <TextInput label="Name" name="name" required {...p} />
      <TextInput label="Destination URL" name="destination_url" type="url" required {...p} />
      <TextInput label="Currency" name="currency" {...p} hint="ISO 4217, e.g. USD, EUR, JPY" />
      <SelectInput label="Commission type" name="default_commission_type" options={commissionTypes} {...p} />
      <TextInput label="Commission value" name="default_commission_value" {...p} hint="percent (10 = 10 %) or an amount in the currency" />
      <TextInput label="Cookie duration (days)" name="cookie_duration_days" type="number" {...p} />
      <TextInput label="Approval hold (days)" name="approval_hold_days" type="number" {...p} />
      <SelectInput label="Attribution model" name="attribution_model" options={attributionModels} {...p} />
      <SelectInput label="Applications need approval" name="approval_required" options={['yes', 'no']} {...p} />
      <SelectInput label="Listed in the marketplace" name="is_public" options={['yes', 'no']} {...p} />
      <TextInput label="Maximum partners (optional)" name="max_partners" type="number" {...p} />
      <TextInput label="Terms URL (optional)" name="terms_url" type="url" {...p} />
      <TextInput label="Description" name="description" multiline {...p} />
      <TextInput
        label="Tiers (JSON)"
        name="tiers"
        multiline
        {...p}
        hint='[{"label":"Gold","min_amount":"1000.00","max_amount":"999999.00","reward_type":"percentage","reward_value":"15"}]'
      />
    </div>
  );
}

function submitCampaign(form: ReturnType<typeof useForm>, call: (body: ReturnType<typeof campaignBodyOf>['body']) => Promise<unknown>) {
  const { body, errors } = campaignBodyOf(form.values as CampaignValues);
  if (Object.keys(errors).length > 0) {
    form.setError(Object.assign(new Error('Fix the fields marked below'), { errorsByField: errors }));
    return Promise.resolve(undefined);
  }
  return form.submit(() => call(body));
}

export function CampaignsPage() {
  const campaigns = useLoad(() => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })), 'campaigns');
  const [creating, setCreating] = useState(false);
  const form = useForm(emptyCampaignValues());
  const localErrors = (form.error as { errorsByField?: Record<string, string> } | undefined)?.errorsByField ?? {};
  const withLocal = { ...form, errors: { ...form.errors, ...localErrors } };
  return (
    <section>
      <PageHeading title="Campaigns">
        <button type="button" class="button" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
          New campaign
        </button>
      </PageHeading>
      {creating && (
        <form
          class="form card"
          aria-label="New campaign"
          onSubmit={async (e) => {
            e.preventDefault();
            const created = await submitCampaign(form, (body) => unwrap(api.POST('/v1/campaigns', { body })));
            if (created) {
              setCreating(false);
              form.setValues(emptyCampaignValues());
              campaigns.reload();
            }
          }}
        >
          <h2>New campaign</h2>
          <CampaignFields form={withLocal} />
          <ProblemMessage error={form.error} />
          <button type="submit" class="button primary" disabled={form.busy}>
            Create campaign
          </button>
        </form>
      )}
      <Loading loaded={campaigns} />
      {campaigns.data && campaigns.data.data.length === 0 && <StatusMessage>No campaigns yet.</StatusMessage>}
      {campaigns.data && campaigns.data.data.length > 0 && (
        <ScrollTable label="Campaigns">
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col">Commission</th>
              <th scope="col">Attribution</th>
              <th scope="col">Version</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.data.data.map((c) => (
              <tr key={c.campaign_id}>
                <th scope="row">
                  <a href={`/app/vendor/campaigns/${c.campaign_id}`}>{c.name}</a>
                </th>
                <td>{c.status}</td>
                <td>
                  {c.default_commission_type} {c.default_commission_value ?? ''}
                  {c.default_commission_type === 'percentage' ? ' %' : c.default_commission_type === 'flat' ? ` ${c.currency}` : ''}
                </td>
                <td>{c.attribution_model}</td>
                <td>v{c.version_number}</td>
                <td>{when(c.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
    </section>
  );
}

const versionFields = [
  'name',
  'destination_url',
  'default_commission_type',
  'default_commission_value',
  'cookie_duration_days',
  'approval_hold_days',
  'attribution_model',
  'approval_required',
  'is_public',
  'max_partners',
] as const;

export function CampaignPage({ params }: { params: Record<string, string> }) {
  const id = Number(params.campaign_id);
  const campaign = useLoad(() => unwrap(api.GET('/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: id } } })), String(id));
  const versions = useLoad(() => unwrap(api.GET('/v1/campaigns/{campaign_id}/versions', { params: { path: { campaign_id: id } } })), String(id));
  const [editing, setEditing] = useState(false);
  const form = useForm(emptyCampaignValues());
  const localErrors = (form.error as { errorsByField?: Record<string, string> } | undefined)?.errorsByField ?? {};
  const withLocal = { ...form, errors: { ...form.errors, ...localErrors } };
  const c = campaign.data;
  const refresh = () => {
    campaign.reload();
    versions.reload();
  };
  const setStatus = (verb: 'pause' | 'resume' | 'archive') => unwrap(api.POST(`/v1/campaigns/{campaign_id}/${verb}`, { params: { path: { campaign_id: id } }, body: {} }));
  return (
    <section>
      <PageHeading title={c ? c.name : `Campaign ${id}`} />
      <p>
        <a href="/app/vendor/campaigns">All campaigns</a>
      </p>
      <Loading loaded={campaign} />
      {c && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>{c.status}</dd>
            <dt>Version</dt>
            <dd>
              v{c.version_number} since {when(c.version_created_at)}
            </dd>
            <dt>Destination</dt>
            <dd>{c.destination_url}</dd>
            <dt>Commission</dt>
            <dd>
              {c.default_commission_type} {c.default_commission_value ?? ''} ({c.currency})
            </dd>
            <dt>Cookie / hold</dt>
            <dd>
              {c.cookie_duration_days} days / {c.approval_hold_days} days
            </dd>
            <dt>Attribution</dt>
            <dd>{c.attribution_model}</dd>
          </dl>
          <div class="actions">
            {c.status === 'active' && <ActionButton label="Pause" onAction={() => setStatus('pause')} onDone={refresh} />}
            {c.status === 'paused' && <ActionButton label="Resume" variant="primary" onAction={() => setStatus('resume')} onDone={refresh} />}
            {c.status !== 'archived' && (
              <ActionButton label="Archive" variant="danger" confirm="Archive this campaign? Its links stop at once." onAction={() => setStatus('archive')} onDone={refresh} />
            )}
            <button
              type="button"
              class="button"
              aria-expanded={editing}
              onClick={() => {
                form.setValues(campaignValuesOf(c));
                form.setError(undefined);
                setEditing((e) => !e);
              }}
            >
              Edit terms
            </button>
          </div>
          {c.tiers.length > 0 && (
            <>
              <h2>Tiers</h2>
              <ScrollTable label="Tiers">
                <thead>
                  <tr>
                    <th scope="col">Tier</th>
                    <th scope="col">From</th>
                    <th scope="col">To</th>
                    <th scope="col">Reward</th>
                  </tr>
                </thead>
                <tbody>
                  {c.tiers.map((t) => (
                    <tr key={t.label}>
                      <th scope="row">{t.label}</th>
                      <td>
                        <Amount amount={t.min_amount} currency={c.currency} />
                      </td>
                      <td>
                        <Amount amount={t.max_amount} currency={c.currency} />
                      </td>
                      <td>
                        {t.reward_type} {t.reward_value}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </ScrollTable>
            </>
          )}
          {editing && (
            <form
              class="form card"
              aria-label="Edit terms"
              onSubmit={async (e) => {
                e.preventDefault();
                const saved = await submitCampaign(form, (body) => unwrap(api.PATCH('/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: id } }, body })));
                if (saved) {
                  setEditing(false);
                  refresh();
                }
              }}
            >
              <h2>Edit terms (saves a new version)</h2>
              <CampaignFields form={withLocal} />
              <ProblemMessage error={form.error} />
              <button type="submit" class="button primary" disabled={form.busy}>
                Save new version
              </button>
            </form>
          )}
          <h2>Version history</h2>
          <Loading loaded={versions} />
          {versions.data && (
            <ScrollTable label="Version history">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Created</th>
                  <th scope="col">What changed</th>
                </tr>
              </thead>
              <tbody>
                {versions.data.data.map((v, i, all) => (
                  <tr key={v.campaign_version_id}>
                    <th scope="row">v{v.version_number}</th>
                    <td>{when(v.created_at)}</td>
                    <td>
                      <ul class="plain">
                        {(() => {
                          const changes = [...versionChanges(all[i - 1], v, versionFields), ...tierChanges(all[i - 1]?.tiers, v.tiers)];
                          return (changes.length ? changes : ['no change in these terms (description or guidelines)']).map((line) => <li key={line}>{line}</li>);
                        })()}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </ScrollTable>
          )}
          <OverridesSection campaignId={id} />
          <MilestonesSection campaignId={id} />
        </>
      )}
    </section>
  );
}

function OverridesSection({ campaignId }: { campaignId: number }) {
  const overrides = useLoad(() => unwrap(api.GET('/v1/campaigns/{campaign_id}/overrides', { params: { path: { campaign_id: campaignId }, query: { limit: 100 } } })), String(campaignId));
  const form = useForm({ partner_id: '', commission_type: 'percentage', commission_value: '', conversion_event_type: '', valid_from: '', valid_until: '', notes: '' });
  const p = { values: form.values, errors: form.errors, onChange: form.onChange };
  return (
    <>
      <h2>Partner overrides</h2>
      <Loading loaded={overrides} />
      {overrides.data && overrides.data.data.length > 0 && (
        <ScrollTable label="Partner overrides">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Commission</th>
              <th scope="col">Event type</th>
              <th scope="col">Valid</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {overrides.data.data.map((o) => (
              <tr key={o.partner_campaign_override_id}>
                <th scope="row">{o.partner_id}</th>
                <td>
                  {o.commission_type} {o.commission_value}
                </td>
                <td>{o.conversion_event_type ?? 'any'}</td>
                <td>
                  {when(o.valid_from)} → {when(o.valid_until)}
                </td>
                <td>
                  <ActionButton
                    label="Delete"
                    variant="danger"
                    onAction={() => unwrap(api.DELETE('/v1/campaign-overrides/{partner_campaign_override_id}', { params: { path: { partner_campaign_override_id: o.partner_campaign_override_id } } }))}
                    onDone={overrides.reload}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="Add an override"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const done = await form.submit(() =>
            unwrap(
              api.POST('/v1/campaigns/{campaign_id}/overrides', {
                params: { path: { campaign_id: campaignId } },
                body: {
                  partner_id: Number(v.partner_id),
                  commission_type: v.commission_type as 'percentage' | 'flat',
                  commission_value: v.commission_value ?? '',
                  ...(v.conversion_event_type ? { conversion_event_type: v.conversion_event_type } : {}),
                  ...(v.valid_from ? { valid_from: new Date(v.valid_from).toISOString() } : {}),
                  ...(v.valid_until ? { valid_until: new Date(v.valid_until).toISOString() } : {}),
                  ...(v.notes ? { notes: v.notes } : {}),
                },
              }),
            ),
          );
          if (done) overrides.reload();
        }}
      >
        <h3>Add an override</h3>
        <div class="grid">
          <TextInput label="Partner id" name="partner_id" type="number" required {...p} />
          <SelectInput label="Commission type" name="commission_type" options={['percentage', 'flat']} {...p} />
          <TextInput label="Commission value" name="commission_value" required {...p} />
          <TextInput label="Event type (optional)" name="conversion_event_type" {...p} />
          <TextInput label="Valid from (optional)" name="valid_from" type="datetime-local" {...p} />
          <TextInput label="Valid until (optional)" name="valid_until" type="datetime-local" {...p} />
          <TextInput label="Notes" name="notes" {...p} />
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button" disabled={form.busy}>
          Add override
        </button>
      </form>
    </>
  );
}

function MilestonesSection({ campaignId }: { campaignId: number }) {
  const milestones = useLoad(() => unwrap(api.GET('/v1/campaigns/{campaign_id}/milestones', { params: { path: { campaign_id: campaignId } } })), String(campaignId));
  const rewards = useLoad(() => unwrap(api.GET('/v1/rewards', { params: { query: { limit: 100 } } })), 'rewards');
  const form = useForm({ name: '', event_type: 'sale', target_count: '', reward_id: '', description: '' });
  const p = { values: form.values, errors: form.errors, onChange: form.onChange };
  const rewardName = new Map((rewards.data?.data ?? []).map((r) => [r.reward_id, `${r.name} (${r.reward_type} ${r.reward_value ?? ''})`]));
  return (
    <>
      <h2>Milestones</h2>
      <Loading loaded={milestones} />
      {milestones.data && milestones.data.data.length > 0 && (
        <ScrollTable label="Milestones">
          <thead>
            <tr>
              <th scope="col">Milestone</th>
              <th scope="col">Target</th>
              <th scope="col">Reward</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {milestones.data.data.map((m) => (
              <tr key={m.campaign_milestone_id}>
                <th scope="row">{m.name}</th>
                <td>
                  {m.target_count ?? '—'} × {m.event_type ?? 'any'}
                </td>
                <td>{m.reward_id === null ? '—' : (rewardName.get(m.reward_id) ?? m.reward_id)}</td>
                <td>
                  <ActionButton
                    label="Delete"
                    variant="danger"
                    onAction={() => unwrap(api.DELETE('/v1/campaign-milestones/{campaign_milestone_id}', { params: { path: { campaign_milestone_id: m.campaign_milestone_id } } }))}
                    onDone={milestones.reload}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="Add a milestone"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const done = await form.submit(() =>
            unwrap(
              api.POST('/v1/campaigns/{campaign_id}/milestones', {
                params: { path: { campaign_id: campaignId } },
                body: {
                  name: v.name ?? '',
                  event_type: v.event_type ?? '',
                  target_count: Number(v.target_count),
                  ...(v.reward_id ? { reward_id: Number(v.reward_id) } : {}),
                  ...(v.description ? { description: v.description } : {}),
                },
              }),
            ),
          );
          if (done) milestones.reload();
        }}
      >
        <h3>Add a milestone</h3>
        <div class="grid">
          <TextInput label="Name" name="name" required {...p} />
          <TextInput label="Event type" name="event_type" required {...p} />
          <TextInput label="Target count" name="target_count" type="number" required {...p} />
          <div class="field">
            <label for="field-reward_id">Reward</label>
            <select id="field-reward_id" value={form.values.reward_id} onChange={(e) => form.onChange('reward_id', e.currentTarget.value)}>
              <option value="">(none)</option>
              {(rewards.data?.data ?? []).map((r) => (
                <option key={r.reward_id} value={String(r.reward_id)}>
                  {rewardName.get(r.reward_id)}
                </option>
              ))}
            </select>
          </div>
          <TextInput label="Description" name="description" {...p} />
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button" disabled={form.busy}>
          Add milestone
        </button>
      </form>
    </>
  );
}
