import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client';
import { ConfirmButton, CopyButton, DataTable, ErrorNotice, Notice, Page, useLoad } from '../ui';
import { formatDate } from './format';

/** The partner's API keys (for scripts): prefixes only, never the secret; creating one (shown once) and revoking one. */
export function PartnerApiKeysPage() {
  const loaded = useLoad(() => unwrap(api.GET('/v1/api-keys', { params: { query: { limit: 100 } } })));
  const [created, setCreated] = useState<{ api_key: string; key_prefix: string } | undefined>();
  const [createError, setCreateError] = useState<unknown>();
  async function createKey() {
    setCreateError(undefined);
    try {
      // A signed-in person may hold two live keys; the API answers 409 at the third.
      const key = await unwrap(api.POST('/v1/api-keys'));
      setCreated({ api_key: key.api_key, key_prefix: key.key_prefix });
      loaded.reload();
    } catch (error) {
      setCreateError(error);
    }
  }
  if (loaded.state === 'loading') return <Page title="API keys"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="API keys"><Notice kind="error">{loaded.message}</Notice></Page>;
  return (
    <Page title="API keys">
      <p>
        Keys let your own scripts call the API (<a href="/v1/openapi.json">OpenAPI document</a>). Only a key's prefix is shown here; the secret was
        shown once, when the key was made. A key rotates itself: <code>POST /v1/api-keys/rotate</code> with it.
      </p>
      <p>
        <button type="button" onClick={createKey}>Create a key</button>
      </p>
      {createError !== undefined && <ErrorNotice error={createError} />}
      {created && (
        <Notice kind="success">
          Your new key (shown this once): <code data-testid="new-api-key">{created.api_key}</code> <CopyButton text={created.api_key} label="Copy key" />
        </Notice>
      )}
      <DataTable
        caption="Your API keys"
        testId="api-keys-table"
        rows={loaded.data.data}
        rowKey={(key) => key.api_key_id}
        empty="No keys."
        columns={[
          { header: 'Prefix', render: (key) => <code>{key.key_prefix}…</code> },
          { header: 'Created', render: (key) => formatDate(key.created_at) },
          { header: 'Last used', render: (key) => formatDate(key.last_used_at) },
          { header: 'Expires', render: (key) => formatDate(key.expires_at) },
          {
            header: 'State',
            render: (key) =>
              key.revoked_at ? (
                `Revoked ${formatDate(key.revoked_at)}`
              ) : (
                <ConfirmButton
                  label="Revoke"
                  danger
                  confirmLabel={`Confirm: revoke ${key.key_prefix}`}
                  onConfirm={async () => {
                    await api.DELETE('/v1/api-keys/{api_key_id}', { params: { path: { api_key_id: key.api_key_id } } });
                    loaded.reload();
                  }}
                />
              ),
          },
        ]}
      />
    </Page>
  );
}
