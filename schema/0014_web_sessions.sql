-- The web app's sign-in (issue 17): single-use magic-link tokens, browser sessions and e-mail
-- opt-outs. Every secret is stored as its SHA-256 hex digest only (like api_keys.key_hash): a
-- read of these tables never yields a usable link or cookie. docs/web-app.md explains the flow.

-- One row per sign-in link sent. `principal` columns say whom the link signs in: a partner, a
-- vendor user (its vendor and role are read again at sign-in), or an operator address (no row
-- of ours: OPERATOR_EMAILS decides, at sign-in too). `used_at` makes it single use: the
-- exchange is one UPDATE ... WHERE used_at IS NULL AND expires_at > now.
CREATE TABLE IF NOT EXISTS auth_tokens (
  auth_token_id BIGSERIAL PRIMARY KEY,
  token_hash CHAR(64) NOT NULL,
  role VARCHAR(10) NOT NULL,
  email VARCHAR(255) NOT NULL,
  partner_id INTEGER REFERENCES partners(partner_id),
  vendor_user_id INTEGER REFERENCES vendor_users(vendor_user_id),
  requested_ip INET,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  used_at TIMESTAMPTZ,
  CONSTRAINT uq_auth_tokens_token_hash UNIQUE (token_hash),
  CONSTRAINT ck_auth_tokens_role CHECK (role IN ('partner', 'vendor', 'operator')),
  CONSTRAINT ck_auth_tokens_principal CHECK (
    (role = 'partner' AND partner_id IS NOT NULL AND vendor_user_id IS NULL)
    OR (role = 'vendor' AND vendor_user_id IS NOT NULL AND partner_id IS NULL)
    OR (role = 'operator' AND partner_id IS NULL AND vendor_user_id IS NULL))
);
-- The rate limits count recent links per address and per requesting IP.
CREATE INDEX IF NOT EXISTS idx_auth_tokens_email_created ON auth_tokens (lower(email), created_at);
CREATE INDEX IF NOT EXISTS idx_auth_tokens_ip_created ON auth_tokens (requested_ip, created_at);

-- One row per browser session. The cookie holds the random value whose hash is `session_hash`;
-- the CSRF token is derived from the cookie value (HMAC), so it is never stored either.
CREATE TABLE IF NOT EXISTS web_sessions (
  web_session_id BIGSERIAL PRIMARY KEY,
  session_hash CHAR(64) NOT NULL,
  role VARCHAR(10) NOT NULL,
  email VARCHAR(255) NOT NULL,
  partner_id INTEGER REFERENCES partners(partner_id),
  vendor_user_id INTEGER REFERENCES vendor_users(vendor_user_id),
  auth_token_id BIGINT REFERENCES auth_tokens(auth_token_id),
  ip_address INET,
  created_at TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL,
  idle_expires_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ,
  CONSTRAINT uq_web_sessions_session_hash UNIQUE (session_hash),
  CONSTRAINT ck_web_sessions_role CHECK (role IN ('partner', 'vendor', 'operator')),
  CONSTRAINT ck_web_sessions_principal CHECK (
    (role = 'partner' AND partner_id IS NOT NULL AND vendor_user_id IS NULL)
    OR (role = 'vendor' AND vendor_user_id IS NOT NULL AND partner_id IS NULL)
    OR (role = 'operator' AND partner_id IS NULL AND vendor_user_id IS NULL)),
  CONSTRAINT ck_web_sessions_expiry CHECK (idle_expires_at <= expires_at)
);
CREATE INDEX IF NOT EXISTS idx_web_sessions_partner_id ON web_sessions (partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_web_sessions_vendor_user_id ON web_sessions (vendor_user_id) WHERE vendor_user_id IS NOT NULL;

-- Notices (application approved, payout sent, payment method verified) carry an unsubscribe
-- link; each link's token is kept hashed with the address it unsubscribes.
CREATE TABLE IF NOT EXISTS email_unsubscribe_tokens (
  token_hash CHAR(64) PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

-- Addresses that asked for no more notices (sign-in links are transactional and still go out).
CREATE TABLE IF NOT EXISTS email_opt_outs (
  email VARCHAR(255) PRIMARY KEY,
  opted_out_at TIMESTAMPTZ NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON auth_tokens, web_sessions, email_unsubscribe_tokens, email_opt_outs TO affiliate_management_api;
-- A partner's erasure replaces its address here too and ends its sessions (functions/repositories/erasure.ts).
GRANT SELECT, UPDATE ON auth_tokens, web_sessions, email_unsubscribe_tokens, email_opt_outs TO affiliate_erasure;
-- The retention job deletes ended sessions and expired links at the click IPs' age (functions/jobs/retention.ts).
GRANT SELECT, DELETE ON auth_tokens, web_sessions TO affiliate_retention;
SELECT grant_function_sequence_usage();
