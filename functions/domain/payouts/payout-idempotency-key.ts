/**
 * The idempotency key a payout is sent with. It is a pure function of the payout id and its
 * re-issue generation, so every process that (re)sends a payout derives the same key without
 * storing a random one first: a Lambda that times out after the provider acted, a crashed job
 * re-run, the adapter's own retries all send the identical key, and the provider answers with
 * the original transfer instead of paying again.
 *
 * The generation starts at 0 and is bumped ONLY when an operator explicitly re-issues a payout
 * after a definitive failure (the provider said no: insufficient funds, closed account). A new key
 * after an ambiguous failure (timeout, 5xx) could pay twice; see `nextIdempotencyGeneration`.
 */
export function payoutIdempotencyKey({
  payoutId,
  generation = 0,
  namespace,
}: {
  payoutId: number;
  generation?: number;
  /**
   * Distinguishes databases that share one provider account (a staging stack, a test database
   * reset to payout id 1): without it their `payout-1` would collide at the provider.
   */
  namespace?: string;
}): string {
  if (!Number.isSafeInteger(payoutId) || payoutId <= 0) {
    throw new RangeError(`payoutId must be a positive integer, got ${payoutId}`);
  }
  if (!Number.isSafeInteger(generation) || generation < 0) {
    throw new RangeError(`generation must be a non-negative integer, got ${generation}`);
  }
  if (namespace !== undefined && !/^[A-Za-z0-9_.-]{1,40}$/.test(namespace)) {
    throw new RangeError(`namespace must be 1-40 of [A-Za-z0-9_.-], got ${JSON.stringify(namespace)}`);
  }
  // Generation 0 keeps the short form so the common case reads `payout-42` in provider dashboards.
  const key = generation === 0 ? `payout-${payoutId}` : `payout-${payoutId}-reissue-${generation}`;
  return namespace === undefined ? key : `${namespace}-${key}`;
}

/**
 * The generation to use when an operator retries a failed payout. The key changes only when the
 * last attempt definitively did not pay; after an unknown outcome (timeout, network, 5xx) the
 * same key is reused so the provider deduplicates.
 */
export function nextIdempotencyGeneration({
  generation,
  lastOutcome,
}: {
  generation: number;
  lastOutcome: 'not_paid' | 'unknown';
}): number {
  return lastOutcome === 'not_paid' ? generation + 1 : generation;
}

const KEY = /^(?:([A-Za-z0-9_.-]{1,40})-)?payout-(\d+)(?:-reissue-(\d+))?$/;

/**
 * Reads back a key stored in `payouts.idempotency_key`, so the generation needs no column of its
 * own: re-issuing is `payoutIdempotencyKey({ ...parsed, generation: nextIdempotencyGeneration(…) })`.
 * Returns undefined for a key this function did not make.
 */
export function parsePayoutIdempotencyKey(
  key: string,
): { payoutId: number; generation: number; namespace?: string } | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const [, namespace, id, generation] = match;
  const parsed = {
    payoutId: Number(id),
    generation: generation === undefined ? 0 : Number(generation),
    ...(namespace === undefined ? {} : { namespace }),
  };
  // Only keys that round-trip are ours (no leading zeros, ids in range).
  return Number.isSafeInteger(parsed.payoutId) && parsed.payoutId > 0 && payoutIdempotencyKey(parsed) === key ? parsed : undefined;
}
