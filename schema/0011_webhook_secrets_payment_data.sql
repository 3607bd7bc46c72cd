-- Vendor webhook secrets in the Standard Webhooks format, and encrypted payment details.
-- See schema/README.md ("0011") and docs/payment-data.md.

-- 1. Secrets issued as whsec_<base64url> (about two thirds of them contain '-' or '_', which the
--    standardwebhooks libraries refuse): the SAME key bytes re-spelled in standard base64 with
--    padding. The signing key does not change, so nothing a vendor holds stops matching; a
--    vendor re-spells its saved copy the same way ('-' -> '+', '_' -> '/') or rotates.
UPDATE vendors
SET webhook_secret = 'whsec_' || translate(substr(webhook_secret, 7), '-_', '+/')
                     || repeat('=', (4 - length(substr(webhook_secret, 7)) % 4) % 4),
    updated_at = NOW()
WHERE webhook_secret ~ '^whsec_[A-Za-z0-9_-]+$'
  AND webhook_secret ~ '[-_]'
  AND length(substr(webhook_secret, 7)) % 4 <> 1;

-- 2. Anything still not whsec_ + standard base64 (or no secret at all) cannot sign: a new random
--    secret, 32 bytes = SHA-256 over two gen_random_uuid() values (244 bits from the server's
--    strong random source; core PostgreSQL 13+, PGlite and Aurora alike, no pgcrypto). Nobody
--    has seen it: the vendor gets one it can read by POST /v1/vendor/webhook-secret/rotate.
--    Each replacement is audited (system actor) so the operator can tell the vendors concerned.
WITH replaced AS (
  UPDATE vendors
  SET webhook_secret = 'whsec_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'base64'),
      updated_at = NOW()
  WHERE webhook_secret IS NULL
     OR webhook_secret !~ '^whsec_([A-Za-z0-9+/]{4})+([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$'
  RETURNING vendor_id
)
INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, reason, created_at)
SELECT 'vendors', vendor_id, 'rotate_webhook_secret', 'system',
       'Migration 0011: the webhook secret could not sign Standard Webhooks; a new one was generated (read it by rotating)', NOW()
FROM replaced;

-- 3. Payment details under envelope encryption: the sealed record (data key wrapped by KMS or
--    the local key file, AES-256-GCM ciphertext). account_details then holds only the masked
--    view (last four characters). NULL = a row written before 0011, still in plaintext until the
--    encrypt-payment-methods job seals it.
ALTER TABLE partner_payment_methods ADD COLUMN account_details_encrypted JSONB;
