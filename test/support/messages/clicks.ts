/** Click messages as the redirect puts them on the clicks queue, and the SQS events that carry them: the one click builder of the suites. */
import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { v7 as uuidv7 } from 'uuid';
import type { ClickMessage } from '../../../functions/domain/clicks/click-message.js';
import type { LinkItem } from '../../../functions/ports/link-store.js';
import { linkFieldsOfClick } from '../../../functions/domain/clicks/link-fields-of-click.js';

/** A valid click message on `link` at `at` (its id is a UUIDv7 of that instant, as the redirect mints it). */
export function clickOn(link: LinkItem, at: string | Date, overrides: Partial<ClickMessage> = {}): ClickMessage {
  const clickedAt = typeof at === 'string' ? at : at.toISOString();
  const expires = new Date(Date.parse(clickedAt) + link.cookie_duration_days * 86_400_000).toISOString();
  return {
    v: 1,
    click_id: uuidv7({ msecs: Date.parse(clickedAt) }),
    cookie_id: randomUUID(),
    ...linkFieldsOfClick(link),
    clicked_at: clickedAt,
    cookie_expires_at: expires,
    ip_address: '203.0.113.0',
    visitor_hash: 'a'.repeat(64),
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    referrer_url: 'https://blog.example.org/post',
    utm_source: link.utm_params.utm_source ?? null,
    utm_medium: link.utm_params.utm_medium ?? null,
    utm_campaign: null,
    utm_content: null,
    utm_term: null,
    country_code: 'FR',
    device_type: 'desktop',
    browser: 'Chrome 124.0.0.0',
    os: 'Linux',
    ...overrides,
  };
}

let messageCounter = 0;

/** An SQS event carrying these bodies (objects are JSON-encoded, strings sent as they are). */
export function sqsEvent(bodies: readonly (ClickMessage | string)[]): SQSEvent {
  return {
    Records: bodies.map((body) => {
      messageCounter += 1;
      return {
        messageId: `msg-${messageCounter}`,
        receiptHandle: `rh-${messageCounter}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1710496800000',
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: '1710496800000',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:clicks',
        awsRegion: 'us-east-1',
      };
    }),
  };
}
