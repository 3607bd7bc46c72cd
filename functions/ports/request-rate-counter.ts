/** One request to count: a visitor on a link, from an address prefix, at a time. */
export interface RateCountInput {
  shortCode: string;
  /** The truncated address (IPv4 /24, IPv6 /48); the full address is never a key. */
  ipPrefix: string | null;
  /** The visitor fingerprint (truncated IP + user agent + short code). */
  visitorHash: string;
  now: Date;
  /**
   * Once the prefix's count for this link and minute exceeds this, it stops growing (the answer
   * is already "over"): a flood of random user agents cannot grow the counter item without bound.
   */
  ipCap: number;
}

/** Requests so far in the current minute, this one included. */
export interface RateCounts {
  /** From this address prefix on this link. */
  ip: number;
  /** From this visitor on this link (0 when the prefix was already over its cap). */
  visitor: number;
}

/** Per-minute request counters for the velocity rules (DynamoDB on AWS, the redirect's table). */
export interface RequestRateCounter {
  count(input: RateCountInput): Promise<RateCounts>;
}
