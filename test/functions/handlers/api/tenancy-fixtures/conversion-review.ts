/** Vendor review routes (conversion-review-routes.ts): the conversion id comes from the conversions fixture. */
import type { TenancyFixture } from './types.js';

export const fixture: TenancyFixture = {
  async setup() {
    return {};
  },
  bodies: {
    'POST /v1/conversions/{id}/approve': {},
    'POST /v1/conversions/{id}/reject': { rejection_reason: 'tenancy check' },
  },
};
