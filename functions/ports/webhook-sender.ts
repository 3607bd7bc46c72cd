/** Outbound webhooks (vendor notifications): one POST, its status; an adapter checks the target and bounds the time and bytes. */

/** The target was refused before any byte was sent (bad scheme, private address, unresolvable): retrying cannot help. */
export class WebhookTargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefusedError';
  }
}

export interface WebhookSendResult {
  status: number;
}

export interface WebhookSender {
  post(input: { url: string; headers: Record<string, string>; body: string }): Promise<WebhookSendResult>;
}
