/**
 * Vendor: commission rules (conditions and actions edited as JSON, validated by the API's rule
 * schema: its field errors are shown under the editor they name) and rewards.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { paths } from '../api/schema';
import { ActionButton, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, StatusMessage, TextInput, unwrap, useForm, useLoad, when } from '../operator/console-kit';

type RuleBody = paths['/v1/commission-rules']['post']['requestBody']['content']['application/json'];
type RulePatch = paths['/v1/commission-rules/{commission_rule_id}']['patch']['requestBody']['content']['application/json'];

const conditionsExample = '{ "min_event_value": "100.00", "event_types": ["sale"] }';
const actionsExample = '{ "commission_multiplier": "1.5" }';

/** Parses the JSON editors; a syntax error is reported on its own field before anything is sent. */
export function parseRuleJson(values: Record<string, string>): { conditions?: unknown; actions?: unknown; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const parse = (name: 'conditions' | 'actions'): unknown => {
    try {
      return JSON.parse(values[name] || '{}');
    } catch (e) {
      errors[name] = `not valid JSON: ${(e as Error).message}`;
      return undefined;
    }
  };
  return { conditions: parse('conditions'), actions: parse('actions'), errors };
}

export function RulesPage() {
  const rules = useLoad(() => unwrap(api.GET('/v1/commission-rules', { params: { query: { limit: 100 } } })), 'rules');
  const campaigns = useLoad(() => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 100 } } })), 'campaigns');
  const blank = { name: '', description: '', campaign_version_id: '', conditions: conditionsExample, actions: actionsExample, active: 'yes' };
  const form = useForm(blank);
  // The rule being edited (its form replaces conditions and actions whole, as PATCH does), or none: a new rule.
  const [editing, setEditing] = useState<number | undefined>();
  const jsonErrors = (form.error as { errorsByField?: Record<string, string> } | undefined)?.errorsByField ?? {};
  const errors = { ...form.errors, ...jsonErrors };
  const p = { values: form.values, errors, onChange: form.onChange };
  return (
    <section>
      <PageHeading title="Commission rules" />
      <Loading loaded={rules} />
      {rules.data && rules.data.data.length === 0 && <StatusMessage>No rules: conversions earn the campaign terms.</StatusMessage>}
      {rules.data && rules.data.data.length > 0 && (
        <ScrollTable label="Commission rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Campaign version</th>
              <th scope="col">Conditions</th>
              <th scope="col">Actions</th>
              <th scope="col">Active</th>
              <th scope="col">Created</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {rules.data.data.map((r) => (
              <tr key={r.commission_rule_id}>
                <th scope="row">{r.name}</th>
                <td>{r.campaign_version_id ?? 'all'}</td>
                <td>
                  <code>{JSON.stringify(r.conditions)}</code>
                </td>
                <td>
                  <code>{JSON.stringify(r.actions)}</code>
                </td>
                <td>{r.active ? 'yes' : 'no'}</td>
                <td>{when(r.created_at)}</td>
                <td class="actions">
                  <button
                    type="button"
                    class="button"
                    onClick={() => {
                      setEditing(r.commission_rule_id);
                      form.setError(undefined);
                      form.setValues({
                        name: r.name,
                        description: r.description ?? '',
                        campaign_version_id: r.campaign_version_id === null ? '' : String(r.campaign_version_id),
                        conditions: JSON.stringify(r.conditions, null, 2),
                        actions: JSON.stringify(r.actions, null, 2),
                        active: r.active ? 'yes' : 'no',
                      });
                      document.getElementById('field-name')?.focus();
                    }}
                  >
                    Edit
                  </button>
                  <ActionButton
                    label={r.active ? 'Deactivate' : 'Activate'}
                    onAction={() => unwrap(api.PATCH('/v1/commission-rules/{commission_rule_id}', { params: { path: { commission_rule_id: r.commission_rule_id } }, body: { active: !r.active } }))}
                    onDone={rules.reload}
                  />
                  <ActionButton
                    label="Delete"
                    variant="danger"
                    confirm={`Delete the rule ${r.name}?`}
                    onAction={() => unwrap(api.DELETE('/v1/commission-rules/{commission_rule_id}', { params: { path: { commission_rule_id: r.commission_rule_id } } }))}
                    onDone={rules.reload}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="Rule"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const parsed = parseRuleJson(v);
          if (Object.keys(parsed.errors).length > 0) {
            form.setError(Object.assign(new Error('Fix the JSON marked below'), { errorsByField: parsed.errors }));
            return;
          }
          const body = {
            name: v.name ?? '',
            active: v.active === 'yes',
            conditions: parsed.conditions,
            actions: parsed.actions,
            ...(v.description ? { description: v.description } : {}),
            ...(v.campaign_version_id ? { campaign_version_id: Number(v.campaign_version_id) } : {}),
          } as RuleBody; // conditions/actions are the user's JSON: the API validates them against the rule schema
          const id = editing;
          const done =
            id === undefined
              ? await form.submit(() => unwrap(api.POST('/v1/commission-rules', { body })))
              : await form.submit(() =>
                  unwrap(
                    api.PATCH('/v1/commission-rules/{commission_rule_id}', {
                      params: { path: { commission_rule_id: id } },
                      body: { ...body, description: v.description ? v.description : null, campaign_version_id: v.campaign_version_id ? Number(v.campaign_version_id) : null } as RulePatch,
                    }),
                  ),
                );
          if (done) {
            setEditing(undefined);
            form.setValues(blank);
            rules.reload();
          }
        }}
      >
        <h2>{editing === undefined ? 'New rule' : `Edit rule #${editing}`}</h2>
        <div class="grid">
          <TextInput label="Name" name="name" required {...p} />
          <TextInput label="Description" name="description" {...p} />
          <div class="field">
            <label for="field-campaign_version_id">Campaign (current version)</label>
            <select id="field-campaign_version_id" value={form.values.campaign_version_id} onChange={(e) => form.onChange('campaign_version_id', e.currentTarget.value)}>
              <option value="">(every campaign)</option>
              {(campaigns.data?.data ?? []).map((c) => (
                <option key={c.campaign_id} value={String(c.current_campaign_version_id)}>
                  {c.name} v{c.version_number}
                </option>
              ))}
            </select>
          </div>
          <SelectInput label="Active" name="active" options={['yes', 'no']} {...p} />
          <TextInput
            label="Conditions (JSON)"
            name="conditions"
            multiline
            {...p}
            hint="date_range {start,end}, min_event_value, event_types [..], partner_tiers [..], is_first_purchase, customer_lifetime_value_min"
          />
          <TextInput label="Actions (JSON)" name="actions" multiline {...p} hint="commission_multiplier, bonus_flat, or commission_type + commission_value" />
        </div>
        <ProblemMessage error={form.error} />
        <div class="actions">
          <button type="submit" class="button primary" disabled={form.busy}>
            {editing === undefined ? 'Create rule' : 'Save rule'}
          </button>
          {editing !== undefined && (
            <button
              type="button"
              class="button link"
              onClick={() => {
                setEditing(undefined);
                form.setError(undefined);
                form.setValues(blank);
              }}
            >
              Cancel editing
            </button>
          )}
        </div>
      </form>
      <RewardsSection />
    </section>
  );
}

function RewardsSection() {
  const rewards = useLoad(() => unwrap(api.GET('/v1/rewards', { params: { query: { limit: 100 } } })), 'rewards');
  const form = useForm({ reward_name: '', reward_type: 'flat', reward_value: '' });
  // The reward form's "name" field is reward_name in the page (the rule form has a name too); the API calls it name.
  const errors = { ...form.errors, reward_name: form.errors.name ?? '' };
  if (!errors.reward_name) delete (errors as Record<string, string | undefined>).reward_name;
  const p = { values: form.values, errors, onChange: form.onChange };
  return (
    <>
      <h2>Rewards</h2>
      <Loading loaded={rewards} />
      {rewards.data && rewards.data.data.length > 0 && (
        <ScrollTable label="Rewards">
          <thead>
            <tr>
              <th scope="col">Reward</th>
              <th scope="col">Type</th>
              <th scope="col">Value</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {rewards.data.data.map((r) => (
              <tr key={r.reward_id}>
                <th scope="row">{r.name}</th>
                <td>{r.reward_type}</td>
                <td>{r.reward_value ?? '—'}</td>
                <td>
                  <ActionButton label="Delete" variant="danger" onAction={() => unwrap(api.DELETE('/v1/rewards/{reward_id}', { params: { path: { reward_id: r.reward_id } } }))} onDone={rewards.reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="New reward"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const done = await form.submit(() =>
            unwrap(api.POST('/v1/rewards', { body: { name: v.reward_name ?? '', reward_type: v.reward_type as 'flat' | 'percentage', reward_value: v.reward_value ?? '' } })),
          );
          if (done) {
            form.setValues({ reward_name: '', reward_type: 'flat', reward_value: '' });
            rewards.reload();
          }
        }}
      >
        <h3>New reward</h3>
        <div class="grid">
          <TextInput label="Reward name" name="reward_name" required {...p} />
          <SelectInput label="Reward type" name="reward_type" options={['flat', 'percentage']} {...p} />
          <TextInput label="Reward value" name="reward_value" required {...p} />
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button" disabled={form.busy}>
          Create reward
        </button>
      </form>
    </>
  );
}
