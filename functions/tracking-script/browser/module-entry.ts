/**
 * `import { init } from 'https://go.example.com/js/track.v1.mjs'`: the ES module build. Nothing
 * runs on import; `init` starts the script (once) and also sets `window.affiliate`.
 */
import { page } from './browser-globals.js';
import { createAffiliate, type Affiliate } from './create-affiliate.js';

let instance: Affiliate | undefined;

export function init(options: { consentRequired?: boolean; autoPageView?: boolean; endpointOrigin?: string } = {}): Affiliate {
  instance ??= createAffiliate({
    endpointOrigin: options.endpointOrigin ?? new URL(import.meta.url).origin,
    consentRequired: options.consentRequired ?? false,
    autoPageView: options.autoPageView ?? true,
  });
  page.affiliate = instance;
  return instance;
}
