/** The queue-depth adapter's reading of a dead-letter target ARN (the RedrivePolicy SQS returns). */
import { describe, expect, it } from 'vitest';
import { parseQueueArn } from '../../../../functions/adapters/aws/sqs-queue-depths.js';

describe('parseQueueArn', () => {
  it('reads the account and name of an SQS queue ARN, in any partition', () => {
    expect(parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:prod-conversions-dlq')).toEqual({ account: '123456789012', name: 'prod-conversions-dlq' });
    expect(parseQueueArn('arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q.fifo')).toEqual({ account: '123456789012', name: 'q.fifo' });
    // local-aws-sqs's ARNs carry its own account id
    expect(parseQueueArn('arn:aws:sqs:us-east-1:000000000000:clicks-dlq')).toEqual({ account: '000000000000', name: 'clicks-dlq' });
  });

  it('refuses what is not a queue ARN', () => {
    expect(parseQueueArn('arn:aws:sns:us-east-1:123456789012:topic')).toBeUndefined();
    expect(parseQueueArn('https://sqs.us-east-1.amazonaws.com/123456789012/q')).toBeUndefined();
    expect(parseQueueArn('arn:aws:sqs:us-east-1:123456789012:')).toBeUndefined();
  });
});
