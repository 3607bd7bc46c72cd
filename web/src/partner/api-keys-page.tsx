import { api, unwrap } from '../api/client';
import { ConfirmButton, DataTable, Notice, Page, useLoad } from '../ui';
import { formatDate } from './format';

/** The partner's API keys (for scripts): prefixes only, never the secret; revoking one. */
export function PartnerApiKeysPage() {
  const loaded = useLoad(() => unwrap(api.GET('/v1/api-keys', { params: { query: { limit: 100 } } })));
  if (loaded.state === 'loading') return <Page title="API keys"><p aria-busy="true">Loading…</p></Page>;
  if (loaded.state === 'error') return <Page title="API keys"><Notice kind="error">{loaded.message}</Notice></Page>;
  return (
    <Page title="API keys">
      <p>
        Keys let your own scripts call the API (<a href="/v1/openapi.json">OpenAPI document</a>). Only a key's prefix is shown here; the secret was
        shown once, when the key was made. A key rotates itself: <code>POST /v1/api-keys/rotate</code> with it.
      </p>
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
