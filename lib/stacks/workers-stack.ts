/**
 * The background side: one consumer per queue (SQS event source with partial batch failures)
 * and the scheduled jobs, invoked by EventBridge Scheduler with `{"job": "<name>"}`.
 */
import { Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { queues, retentionEnvVars, schedules, type FunctionName, type QueueDeclaration, type QueueName, type RetentionSetting } from '../resources.js';
import type { StageConfig } from '../stage-config.js';
import { createPlatformFunction, type PlatformData } from '../constructs/platform-function.js';
import { logRetention } from '../constructs/log-retention.js';
import type { NodeFunction } from '../constructs/node-function.js';
import { sharedEnvironment } from './api-stack.js';

export interface WorkersStackProps extends StackProps {
  readonly config: StageConfig;
  readonly data: PlatformData;
  /** Base of short links (the API stack's), for notifications that mention them. */
  readonly publicBaseUrl: string;
}

/** Queue consumers and scheduled-job targets: the functions no route invokes. */
export const workerFunctionNames = [
  ...new Set<FunctionName>([
    ...(Object.keys(queues) as QueueName[]).map((queue) => queues[queue].consumer),
    ...schedules.map((schedule) => schedule.function),
  ]),
];

/** Retention ages the scheduled jobs read: every variable of `retentionEnvVars`, from the stage configuration. */
export function retentionEnvironment(retention: StageConfig['retention']): Record<string, string> {
  return Object.fromEntries((Object.keys(retentionEnvVars) as RetentionSetting[]).map((key) => [retentionEnvVars[key], String(retention[key])]));
}

export class WorkersStack extends Stack {
  readonly functions: Partial<Record<FunctionName, NodeFunction>>;
  readonly schedules: scheduler.CfnSchedule[] = [];

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const environment = {
      ...sharedEnvironment(config, props.publicBaseUrl),
      ...retentionEnvironment(config.retention),
    };

    this.functions = {};
    for (const name of workerFunctionNames) {
      this.functions[name] = createPlatformFunction(this, name, {
        stage: config.stage,
        data,
        environment,
        logRetention: logRetention(config.retention.logsDays),
      });
    }

    for (const key of Object.keys(queues) as QueueName[]) {
      const declaration: QueueDeclaration = queues[key];
      // A consumer knows its own queue's URL so it can postpone a retry (ChangeMessageVisibility,
      // which the event source already grants); it still cannot send to it.
      this.functionOf(declaration.consumer).addEnvironment(declaration.envVar, data.queues[key].queue.queueUrl);
      this.functionOf(declaration.consumer).addEventSource(
        new SqsEventSource(data.queues[key].queue, {
          batchSize: declaration.batchSize,
          maxBatchingWindow: Duration.seconds(declaration.maxBatchingWindowSeconds),
          // Consumers answer with the ids that failed; the rest of the batch is deleted.
          reportBatchItemFailures: true,
        }),
      );
    }

    // One role per target function, allowed to invoke that function and nothing else.
    const schedulerRoles = new Map<FunctionName, iam.Role>();
    for (const schedule of schedules) {
      const fn = this.functionOf(schedule.function);
      let role = schedulerRoles.get(schedule.function);
      if (!role) {
        role = new iam.Role(this, `${schedule.function}SchedulerRole`, {
          assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
            conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
          }),
          description: `EventBridge Scheduler: invoke ${schedule.function}`,
        });
        role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
        schedulerRoles.set(schedule.function, role);
      }
      this.schedules.push(
        new scheduler.CfnSchedule(this, `${schedule.name}Schedule`, {
          name: `${config.stage}-${schedule.name}`,
          description: `Runs the ${schedule.name} job`,
          scheduleExpression: schedule.name === 'payouts' ? config.payoutSchedule : schedule.expression,
          scheduleExpressionTimezone: 'UTC',
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: fn.functionArn,
            roleArn: role.roleArn,
            input: JSON.stringify({ job: schedule.name }),
            // Jobs are idempotent and resumable: a retry after a throttle is safe.
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          },
        }),
      );
    }
  }

  private functionOf(name: FunctionName): NodeFunction {
    const fn = this.functions[name];
    if (!fn) throw new Error(`Function ${name} is not part of the workers stack`);
    return fn;
  }
}
