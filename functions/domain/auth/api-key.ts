/**
 * API keys: `vk_` (a vendor user's) or `pk_` (a partner's) followed by 43 base64url characters
 * (32 random bytes, 256 bits). Only the SHA-256 hex digest is stored; the key itself is shown
 * once. `key_prefix` (the type prefix plus 6 characters) is kept for display ("vk_Ab12Cd…").
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type ApiKeyOwnerType = 'vendor_user' | 'partner';

const prefixes: Record<ApiKeyOwnerType, string> = { vendor_user: 'vk_', partner: 'pk_' };

export interface GeneratedApiKey {
  /** The secret: returned to the caller once, never stored. */
  key: string;
  key_prefix: string;
  key_hash: string;
}

/** A fresh key for `ownerType`. `random` is injectable so tests can be deterministic. */
export function generateApiKey({
  ownerType,
  random = randomBytes,
}: {
  ownerType: ApiKeyOwnerType;
  random?: (size: number) => Buffer;
}): GeneratedApiKey {
  const key = `${prefixes[ownerType]}${random(32).toString('base64url')}`;
  return { key, key_prefix: key.slice(0, 9), key_hash: hashApiKey(key) };
}

/** SHA-256 hex of a key: what `api_keys.key_hash` holds and what a lookup compares. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The owner type a key claims by its prefix, or undefined for anything that is not a key. */
export function ownerTypeOfKey(key: string): ApiKeyOwnerType | undefined {
  if (!/^[vp]k_[A-Za-z0-9_-]{43}$/.test(key)) return undefined;
  return key.startsWith('vk_') ? 'vendor_user' : 'partner';
}

/** Constant-time string comparison (the operator token): no early exit on the first difference. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length buffers, so the length of the secret does not leak either.
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
