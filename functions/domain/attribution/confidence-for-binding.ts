import type { AttributionBinding, AttributionConfidence } from './types.js';

/**
 * `attribution_confidence` from how the journey was found: the click id the shopper carried is
 * proof (high); the tracking cookie alone is a browser guess (medium); the customer's earlier
 * attribution (lifetime binding, e.g. a renewal) is the weakest link (low).
 */
export function confidenceForBinding(binding: AttributionBinding): AttributionConfidence {
  switch (binding) {
    case 'click_id':
      return 'high';
    case 'cookie':
      return 'medium';
    case 'customer':
      return 'low';
  }
}
