/** A verified webhook whose body cannot be translated (not JSON, missing fields, bad amounts): a 400, nothing enqueued. */
export class MalformedWebhookError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MalformedWebhookError';
  }
}
