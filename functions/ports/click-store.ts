import type { ClickMessage } from '../domain/clicks/click-message.js';

/** A click as kept in the hot store: the click record plus its expiry. */
export interface StoredClick extends ClickMessage {
  /** Epoch seconds after which the item is gone (DynamoDB TTL); readers treat it as gone already. */
  expires_at_epoch: number;
}

export interface VisitMarker {
  shortCode: string;
  visitorHash: string;
  /** The click this visit recorded, and the cookie it used: a repeat inside the window reuses both. */
  clickId: string;
  cookieId: string;
  now: Date;
  windowSeconds: number;
}

export type RecordVisitResult =
  | { firstInWindow: true }
  | { firstInWindow: false; clickId?: string; cookieId?: string };

/**
 * The hot store of clicks (DynamoDB `clicks` table): one item per click, keyed by click id, a
 * sparse index by cookie for the journey, and repeat-visit markers in the same table.
 */
export interface ClickStore {
  /**
   * Records that this visitor opened this link now, unless they already did inside the window.
   * One conditional write: no transaction, no TTL needed (an expired marker is overwritten).
   */
  recordVisit(marker: VisitMarker): Promise<RecordVisitResult>;
  put(click: ClickMessage, options: { expiresAt: Date }): Promise<void>;
  /** The click, or undefined when unknown or expired at `now`. */
  get(clickId: string, now: Date): Promise<StoredClick | undefined>;
  /** A cookie's unexpired clicks in time order (oldest first), optionally since a time. */
  listByCookie(cookieId: string, options: { now: Date; since?: Date; limit?: number }): Promise<StoredClick[]>;
}
