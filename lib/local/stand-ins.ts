import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import { closeServer } from './close-server.js';

export interface StandIns {
  /** dynalite, a DynamoDB API persisted under `${dataDir}/dynamodb`. */
  dynamodbEndpoint: string;
  /** local-aws-sqs, an in-memory SQS API: queues are recreated at start, messages do not survive a restart. */
  sqsEndpoint: string;
  close(): Promise<void>;
}

/** Starts the DynamoDB and SQS stand-ins on free loopback ports. */
export async function startStandIns(options: { dataDir: string; region: string }): Promise<StandIns> {
  const dynamodbPath = join(options.dataDir, 'dynamodb');
  await mkdir(dynamodbPath, { recursive: true });
  // Tables become ACTIVE at once: nothing waits on CREATING locally.
  const dynamo = dynalite({ path: dynamodbPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => {
      dynamo.off('error', reject);
      resolve();
    });
  });
  let sqs: Server;
  try {
    sqs = await createSqsServer({
      port: 0,
      hostname: '127.0.0.1',
      region: options.region,
      // Queues are recreated at every start; AWS's 60 s wait after a delete would only get in the way.
      emulateQueueCreationLifecycle: false,
    });
  } catch (error) {
    await closeServer(dynamo, 1000);
    throw error;
  }
  return {
    dynamodbEndpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    sqsEndpoint: `http://127.0.0.1:${(sqs.address() as AddressInfo).port}`,
    async close() {
      await Promise.all([closeServer(sqs, 2000), closeServer(dynamo, 2000)]);
    },
  };
}
