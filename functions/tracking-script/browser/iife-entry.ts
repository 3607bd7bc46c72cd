/**
 * `<script src="https://go.example.com/js/track.v1.js" data-consent="required">`: the classic
 * script build. Reads its options from its own tag and sets `window.affiliate`.
 */
import { page } from './browser-globals.js';
import { createAffiliate } from './create-affiliate.js';

const tag = page.document.currentScript;
const src = tag?.src || page.location.href;
page.affiliate = createAffiliate({
  endpointOrigin: tag?.getAttribute('data-endpoint') || new URL(src).origin,
  consentRequired: tag?.getAttribute('data-consent') === 'required',
  autoPageView: tag?.getAttribute('data-page-view') !== 'off',
});
