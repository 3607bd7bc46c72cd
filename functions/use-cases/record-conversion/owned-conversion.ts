import type { ConversionMessage } from '../../ports/conversion-message.js';
import type { EventTypeRow, VersionTermsRow } from '../../repositories/conversions/attribution-data.js';

/** A conversion message once attribution has named its owner: what pricing and writing it both start from. */
export interface OwnedConversion {
  message: ConversionMessage;
  /** The sale's currency (its campaign's). */
  currency: string;
  eventType: EventTypeRow;
  /** The partner the conversion is credited to (the last click's, or the coupon's). */
  ownerPartnerId: number;
  /** The owner's campaign version: the terms the commission is priced by. */
  ownerTerms: VersionTermsRow;
}
