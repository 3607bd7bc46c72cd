/**
 * GET /v1/admin/queues on AWS: the management API may read the attributes (depths, redrive
 * policy) of each queue and of each dead-letter queue, and look the DLQs up by name: nothing more
 * on SQS than it had (sending), and on no other queue.
 */
import { describe, expect, it } from 'vitest';
import { queues } from '../../../lib/resources.js';
import { functionNamed, statementsOfRole, synthPlatform } from '../../support/fixtures/cdk-platform.js';

const { config, templates } = synthPlatform();

describe('management API: queue depths', () => {
  it('is granted GetQueueAttributes and GetQueueUrl on the queues and their dead-letter queues only', () => {
    const managementApi = functionNamed(templates.api, `${config.stage}-managementApi`);
    const statements = statementsOfRole(templates.api, managementApi.roleLogicalId).filter((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      return actions.some((a) => a === 'sqs:GetQueueAttributes' || a === 'sqs:GetQueueUrl');
    });
    expect(statements).toHaveLength(1);
    const statement = statements[0]!;
    expect([statement.Action].flat().sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl']);
    const resources = [statement.Resource].flat().map((r) => JSON.stringify(r));
    expect(resources).toHaveLength(2 * Object.keys(queues).length);
    expect(resources.some((r) => r === '"*"')).toBe(false);
    // The data stack's own queues and dead-letter queues (their ARNs exported from it), not ARNs rebuilt from names.
    for (const queue of Object.values(queues)) {
      expect(resources.some((r) => r.includes(`GetAtt${queue.name}Queue`)), `${queue.name} queue`).toBe(true);
      expect(resources.some((r) => r.includes(`GetAtt${queue.name}DeadLetterQueue`)), `${queue.name} dead-letter queue`).toBe(true);
    }
  });
});
