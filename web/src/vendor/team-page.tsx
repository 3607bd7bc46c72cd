/** Vendor: team members and their roles, invitations (with the new member's API key shown once), and API keys. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ActionButton, Loading, PageHeading, ProblemMessage, ScrollTable, SelectInput, ShownOnce, TextInput, unwrap, useForm, useLoad, when } from '../operator/console-kit';

const roles = ['member', 'manager', 'admin', 'owner'] as const;
type Role = (typeof roles)[number];

function RoleSelect({ userId, role, onDone }: { userId: number; role: Role; onDone: () => void }) {
  const form = useForm({ role });
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const done = await form.submit(() => unwrap(api.PATCH('/v1/vendor-users/{vendor_user_id}', { params: { path: { vendor_user_id: userId } }, body: { role: form.values.role as Role } })));
        if (done) onDone();
      }}
    >
      <label class="visually-hidden" for={`role-${userId}`}>
        Role
      </label>
      <select id={`role-${userId}`} value={form.values.role} onChange={(e) => form.onChange('role', e.currentTarget.value)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button type="submit" class="button" disabled={form.busy || form.values.role === role}>
        Change role
      </button>
      <ProblemMessage error={form.error} />
    </form>
  );
}

export function TeamPage() {
  const users = useLoad(() => unwrap(api.GET('/v1/vendor-users', { params: { query: { limit: 100 } } })), 'users');
  const form = useForm({ email: '', name: '', role: 'member' });
  const [key, setKey] = useState<string | undefined>();
  const p = { values: form.values, errors: form.errors, onChange: form.onChange };
  return (
    <section>
      <PageHeading title="Team" />
      <Loading loaded={users} />
      {key && <ShownOnce label="The new member's API key" value={key} onDismiss={() => setKey(undefined)} />}
      {users.data && (
        <ScrollTable label="Team members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {users.data.data.map((u) => (
              <tr key={u.vendor_user_id}>
                <th scope="row">{u.name}</th>
                <td>{u.email}</td>
                <td>{u.status}</td>
                <td>
                  <RoleSelect userId={u.vendor_user_id} role={u.role} onDone={users.reload} />
                </td>
                <td>{when(u.last_login_at)}</td>
                <td>
                  <ActionButton
                    label="Remove"
                    variant="danger"
                    confirm={`Remove ${u.name}? Their keys are revoked at once.`}
                    onAction={() => unwrap(api.DELETE('/v1/vendor-users/{vendor_user_id}', { params: { path: { vendor_user_id: u.vendor_user_id } } }))}
                    onDone={users.reload}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="Invite a member"
        onSubmit={async (e) => {
          e.preventDefault();
          const v = form.values;
          const created = await form.submit(() => unwrap(api.POST('/v1/vendor-users', { body: { email: v.email ?? '', name: v.name ?? '', role: v.role as Role } })));
          if (created) {
            setKey(created.api_key);
            form.setValues({ email: '', name: '', role: 'member' });
            users.reload();
          }
        }}
      >
        <h2>Invite a member</h2>
        <div class="grid">
          <TextInput label="Email" name="email" type="email" required {...p} />
          <TextInput label="Name" name="name" required {...p} />
          <SelectInput label="Role" name="role" options={roles} {...p} />
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button primary" disabled={form.busy}>
          Invite
        </button>
      </form>
    </section>
  );
}

export function ApiKeysPage() {
  const keys = useLoad(() => unwrap(api.GET('/v1/api-keys', { params: { query: { limit: 100 } } })), 'keys');
  const users = useLoad(() => unwrap(api.GET('/v1/vendor-users', { params: { query: { limit: 100 } } })), 'users');
  const [key, setKey] = useState<string | undefined>();
  const form = useForm({ vendor_user_id: '' });
  const userName = new Map((users.data?.data ?? []).map((u) => [u.vendor_user_id, u.name]));
  return (
    <section>
      <PageHeading title="API keys" />
      {key && <ShownOnce label="New API key" value={key} onDismiss={() => setKey(undefined)} />}
      <Loading loaded={keys} />
      {keys.data && (
        <ScrollTable label="API keys">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Owner</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">Manage</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((k) => (
              <tr key={k.api_key_id}>
                <th scope="row">
                  <code>{k.key_prefix}…</code>
                </th>
                <td>{k.vendor_user_id === null ? `partner ${k.partner_id ?? ''}` : (userName.get(k.vendor_user_id) ?? `user ${k.vendor_user_id}`)}</td>
                <td>{when(k.created_at)}</td>
                <td>{when(k.expires_at)}</td>
                <td>{when(k.last_used_at)}</td>
                <td>{k.revoked_at ? `revoked ${when(k.revoked_at)}` : 'active'}</td>
                <td>
                  {!k.revoked_at && (
                    <ActionButton
                      label="Revoke"
                      variant="danger"
                      confirm={`Revoke the key ${k.key_prefix}…? Calls with it fail at once.`}
                      onAction={() => unwrap(api.DELETE('/v1/api-keys/{api_key_id}', { params: { path: { api_key_id: k.api_key_id } } }))}
                      onDone={keys.reload}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      <form
        class="form card"
        aria-label="Issue a key"
        onSubmit={async (e) => {
          e.preventDefault();
          const created = await form.submit(() => unwrap(api.POST('/v1/vendor-users/{vendor_user_id}/api-keys', { params: { path: { vendor_user_id: Number(form.values.vendor_user_id) } } })));
          if (created) {
            setKey(created.api_key);
            keys.reload();
          }
        }}
      >
        <h2>Issue a key</h2>
        <div class="field">
          <label for="field-vendor_user_id">For</label>
          <select id="field-vendor_user_id" required value={form.values.vendor_user_id} onChange={(e) => form.onChange('vendor_user_id', e.currentTarget.value)}>
            <option value="">(choose a member)</option>
            {(users.data?.data ?? []).map((u) => (
              <option key={u.vendor_user_id} value={String(u.vendor_user_id)}>
                {u.name} ({u.role})
              </option>
            ))}
          </select>
        </div>
        <ProblemMessage error={form.error} />
        <button type="submit" class="button" disabled={form.busy}>
          Issue key
        </button>
      </form>
    </section>
  );
}
