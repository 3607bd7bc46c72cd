import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClickStore } from '../../../../functions/adapters/aws/dynamodb-click-store.js';
import { createDynamoDbLinkStore } from '../../../../functions/adapters/aws/dynamodb-link-store.js';
import { clickOn } from '../../../support/messages/clicks.js';
import { linkItem } from '../../../support/fixtures/link-item.js';
import { startLocalAws, type LocalAws } from '../../../support/stand-ins/local-aws.js';

const link = linkItem({ short_code: 'store1', utm_params: { utm_source: 'x' } });

let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws();
});

afterAll(async () => {
  await aws.close();
});

describe('DynamoDB click store (dynalite)', () => {
  it('keeps one marker per visitor and link until it expires, without TTL or transactions', async () => {
    const store = createDynamoDbClickStore({ client: aws.dynamodb, tableName: aws.tableNames.clicks });
    const at = (iso: string) => new Date(iso);
    const base = { shortCode: 'm1', visitorHash: 'h'.repeat(64), windowSeconds: 3600 };
    expect(await store.recordVisit({ ...base, clickId: 'c1', cookieId: 'k1', now: at('2024-03-15T10:00:00Z') })).toEqual({ firstInWindow: true });
    expect(await store.recordVisit({ ...base, clickId: 'c2', cookieId: 'k2', now: at('2024-03-15T10:59:59Z') })).toEqual({
      firstInWindow: false,
      clickId: 'c1',
      cookieId: 'k1',
    });
    // Expired but still present (dynalite never deletes): overwritten by the conditional put.
    expect(await store.recordVisit({ ...base, clickId: 'c3', cookieId: 'k3', now: at('2024-03-15T11:00:01Z') })).toEqual({ firstInWindow: true });
    const markers = (await aws.scan(aws.tableNames.clicks)).filter((item) => String(item.pk).startsWith('visit#m1#'));
    expect(markers).toHaveLength(1);
    // Markers carry no cookie_id: they stay out of the by_cookie index.
    expect(markers[0]).not.toHaveProperty('cookie_id');
  });

  it('reads a click and a cookie journey in time order, filtering expired items by time', async () => {
    const store = createDynamoDbClickStore({ client: aws.dynamodb, tableName: aws.tableNames.clicks });
    const cookie = '8d0f1c52-3b4a-4f6e-9a1b-2c3d4e5f6a7b';
    const first = clickOn(link, '2024-03-10T10:00:00.000Z', { cookie_id: cookie });
    const second = clickOn(link, '2024-03-12T10:00:00.000Z', { cookie_id: cookie });
    const old = clickOn(link, '2024-01-01T10:00:00.000Z', { cookie_id: cookie });
    await store.put(second, { expiresAt: new Date('2024-04-12T10:00:00.000Z') });
    await store.put(first, { expiresAt: new Date('2024-04-10T10:00:00.000Z') });
    await store.put(old, { expiresAt: new Date('2024-02-01T10:00:00.000Z') });
    const now = new Date('2024-03-20T00:00:00.000Z');
    expect(await store.get(first.click_id, now)).toMatchObject({ ...first, expires_at_epoch: Date.parse('2024-04-10T10:00:00.000Z') / 1000 });
    expect(await store.get(old.click_id, now)).toBeUndefined();
    expect(await store.get('00000000-0000-4000-8000-000000000000', now)).toBeUndefined();
    expect((await store.listByCookie(cookie, { now })).map((click) => click.click_id)).toEqual([first.click_id, second.click_id]);
    expect((await store.listByCookie(cookie, { now, since: new Date('2024-03-11T00:00:00.000Z') })).map((click) => click.click_id)).toEqual([
      second.click_id,
    ]);
    expect(await store.listByCookie(cookie, { now: new Date('2024-04-11T00:00:00.000Z') })).toHaveLength(1);
  });
});

describe('DynamoDB link store (dynalite)', () => {
  it('reads what the API wrote and never lets an older write replace a newer item', async () => {
    const store = createDynamoDbLinkStore({ client: aws.dynamodb, tableName: aws.tableNames.links, consistentRead: true });
    await store.put(link);
    await store.put({ ...link, status: 'inactive', updated_at: '2024-03-02T00:00:00.000Z' });
    await store.put({ ...link, status: 'active', updated_at: '2024-02-01T00:00:00.000Z' }); // late repair: ignored
    expect(await store.get('store1')).toEqual({ ...link, status: 'inactive', updated_at: '2024-03-02T00:00:00.000Z' });
    expect(await store.get('missing')).toBeUndefined();
  });
});

describe('DynamoDB click store (as DynamoDB answers)', () => {
  it('learns a repeat visit ids from the failed conditional put, with no GetItem (the redirect is not granted one)', async () => {
    // The raw item, as DynamoDB returns it with the failed condition (lib-dynamodb leaves errors as they are).
    const dynamodb = mockClient(DynamoDBDocumentClient);
    dynamodb.on(PutCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: marshall({ pk: 'visit#store1#h', visit_click_id: 'c1', visit_cookie_id: 'k1', expires_at_epoch: 1_710_500_000 }),
      }),
    );
    dynamodb.on(GetCommand).rejects(new Error('AccessDeniedException: not authorized to perform dynamodb:GetItem'));
    const store = createDynamoDbClickStore({ client: new DynamoDBClient({ region: 'us-east-1' }), tableName: 'clicks' });
    const visit = await store.recordVisit({ shortCode: 'store1', visitorHash: 'h', clickId: 'c2', cookieId: 'k2', now: new Date('2024-03-15T10:00:00Z'), windowSeconds: 3600 });
    expect(visit).toEqual({ firstInWindow: false, clickId: 'c1', cookieId: 'k1' });
    expect(dynamodb.commandCalls(PutCommand)[0]!.args[0].input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(dynamodb.commandCalls(GetCommand)).toHaveLength(0);
    dynamodb.restore();
  });
});
