import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbRequestRateCounter } from '../../../../functions/adapters/aws/dynamodb-request-rate-counter.js';
import { startLocalAws, type LocalAws } from '../../../support/stand-ins/local-aws.js';

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws();
});

afterAll(async () => {
  await aws.close();
});

const visitor = (n: number) => n.toString(16).padStart(64, '0');

describe('DynamoDB request rate counter (dynalite)', () => {
  it('counts concurrent requests exactly, per prefix and per visitor, per link and minute', async () => {
    const counter = createDynamoDbRequestRateCounter({ client: aws.dynamodb, tableName: aws.tableNames.clicks });
    const now = new Date('2024-03-15T10:00:10.000Z');
    const base = { shortCode: 'rate1', ipPrefix: '192.0.2.0', now, ipCap: 1000 };
    const counts = await Promise.all(Array.from({ length: 30 }, (_, i) => counter.count({ ...base, visitorHash: visitor(i % 3) })));
    // Every request saw a distinct prefix count: no two Lambdas read the same value.
    expect(counts.map((c) => c.ip).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(Math.max(...counts.map((c) => c.visitor))).toBe(10);

    // Another link, prefix or minute starts from one.
    expect(await counter.count({ ...base, shortCode: 'rate2', visitorHash: visitor(0) })).toEqual({ ip: 1, visitor: 1 });
    expect(await counter.count({ ...base, ipPrefix: '198.51.100.0', visitorHash: visitor(0) })).toEqual({ ip: 1, visitor: 1 });
    expect(await counter.count({ ...base, now: new Date('2024-03-15T10:01:00.000Z'), visitorHash: visitor(0) })).toEqual({ ip: 1, visitor: 1 });
  });

  it('stops growing past the cap (no attribute per flood request) and expires two minutes after its minute', async () => {
    const counter = createDynamoDbRequestRateCounter({ client: aws.dynamodb, tableName: aws.tableNames.clicks });
    const base = { shortCode: 'rate3', ipPrefix: null, now: new Date('2024-03-15T10:00:30.000Z'), ipCap: 5 };
    const counts = [];
    for (let i = 0; i < 9; i += 1) counts.push(await counter.count({ ...base, visitorHash: visitor(100 + i) }));
    expect(counts.map((c) => c.ip)).toEqual([1, 2, 3, 4, 5, 6, 6, 6, 6]);
    const items = (await aws.scan(aws.tableNames.clicks)).filter((item) => String(item.pk).startsWith('rate#rate3#'));
    expect(items).toHaveLength(1);
    expect(items[0]!.pk).toBe(`rate#rate3#-#${Math.floor(Date.parse('2024-03-15T10:00:30.000Z') / 60_000)}`);
    expect(items[0]!.n).toBe(6);
    expect(Object.keys(items[0]!).filter((key) => key.startsWith('v_'))).toHaveLength(6);
    expect(items[0]!.expires_at_epoch).toBe(Date.parse('2024-03-15T10:03:00.000Z') / 1000);
    expect(items[0]!.cookie_id).toBeUndefined();
  });
});
