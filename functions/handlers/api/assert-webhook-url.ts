import { validateWebhookUrl } from '../../domain/notifications/validate-webhook-url.js';
import type { PlatformConfig } from '../../platform/composition-root.js';
import { ValidationError } from '../../platform/http/errors.js';

/**
 * 400 naming `body.webhook_url` when a vendor's endpoint cannot be saved (see
 * `validateWebhookUrl`); `null`/absent pass (no endpoint, no notifications).
 * @throws ValidationError
 */
export function assertWebhookUrl(url: string | null | undefined, config: Pick<PlatformConfig, 'allowLoopbackWebhooks'>): void {
  if (url === null || url === undefined) return;
  const problem = validateWebhookUrl(url, { allowLoopback: config.allowLoopbackWebhooks === true });
  if (problem) throw new ValidationError(`webhook_url ${problem}.`, [{ path: 'body.webhook_url', message: problem }]);
}
