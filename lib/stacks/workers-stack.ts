/**
 * The background side: one consumer per queue (SQS event source with partial batch failures)
 * and the scheduled jobs, invoked by EventBridge Scheduler with `{"job": "<name>"}`.
 */
import { Aws, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
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

/** The functions EventBridge Scheduler invokes (asynchronously). */
export const scheduledFunctionNames = [...new Set<FunctionName>(schedules.map((schedule) => schedule.function))];

/**
 * Concurrent batches one queue's consumer may run: each batch holds Aurora busy (a transaction
 * over the Data API), so the ceiling follows the cluster's maximum capacity, two per ACU unless
 * the stage sets `consumerMaxConcurrency`. SQS event sources accept 2 to 1000.
 */
export function consumerMaxConcurrency(config: Pick<StageConfig, 'consumerMaxConcurrency' | 'databaseMaxCapacity'>): number {
  const wanted = config.consumerMaxConcurrency ?? Math.floor(2 * config.databaseMaxCapacity);
  return Math.min(1000, Math.max(2, wanted));
}

/** Retention ages the scheduled jobs read: every variable of `retentionEnvVars`, from the stage configuration. */
export function retentionEnvironment(retention: StageConfig['retention']): Record<string, string> {
  return Object.fromEntries((Object.keys(retentionEnvVars) as RetentionSetting[]).map((key) => [retentionEnvVars[key], String(retention[key])]));
}

export class WorkersStack extends Stack {
  readonly functions: Partial<Record<FunctionName, NodeFunction>>;
  readonly schedules: scheduler.CfnSchedule[] = [];
  /**
   * Where an asynchronous invocation of a scheduled-jobs function lands once Lambda gave up on it
   * (the job threw on every attempt, or the event aged out): the event, the error and the request id.
   */
  readonly jobFailures: sqs.Queue;

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
          // A backlog is worked off at the pace Aurora can take, not all at once.
          maxConcurrency: consumerMaxConcurrency(config),
        }),
      );
    }

    this.jobFailures = new sqs.Queue(this, 'JobFailures', {
      queueName: `${config.stage}-job-failures`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A failed run waits for an operator for the longest time SQS allows.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.jobFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the on-failure destination of the scheduled jobs: the end of the line, read by an operator, never consumed by a function.',
    });
    for (const name of scheduledFunctionNames) {
      this.functionOf(name).configureAsyncInvoke({
        onFailure: new destinations.SqsDestination(this.jobFailures),
        // Jobs are idempotent and resumable: two more tries, then the failure is kept and pages.
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      });
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
