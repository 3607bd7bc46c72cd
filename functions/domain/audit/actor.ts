/** Who made a change, as an audit row records it (`audit_logs.actor_type`, `actor_id`, `ip_address`). */
export interface Actor {
  /** The schema's CHECK names the operator `admin`. */
  actor_type: 'vendor_user' | 'partner' | 'system' | 'admin';
  actor_id: number | null;
  /** The caller's IP (API Gateway's `requestContext.http.sourceIp`); null for the system. */
  ip_address: string | null;
}

/** The actor of scheduled jobs and other work no caller asked for. */
export const systemActor: Actor = { actor_type: 'system', actor_id: null, ip_address: null };
