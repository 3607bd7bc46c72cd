/**
 * List prices the cost model multiplies its measured counts by: AWS on-demand, us-east-1, in USD,
 * as published on each service's pricing page (aws.amazon.com/<service>/pricing) on the date
 * below, without free tiers, savings plans or volume tiers (all of which only lower the figure).
 * One file, dated, so a reader can check it and a new date is one edit.
 */
export const awsPricesAsOf = '2026-12-04';

export const awsPrices = {
  region: 'us-east-1',
  /** Lambda, arm64 (every function here is arm64). */
  lambda: { perMillionRequests: 0.2, perGbSecond: 0.0000133334 },
  /** API Gateway HTTP API, first 300 million requests a month (billed per 512 KB; ours are smaller). */
  apiGatewayHttp: { perMillionRequests: 1.0 },
  /** CloudFront, North America/Europe (PRICE_CLASS_100): HTTPS requests, and data out (a 302 is ~0.6 KB). */
  cloudFront: { perTenThousandHttpsRequests: 0.01, perGbOut: 0.085 },
  /** DynamoDB on-demand (after the November 2024 reduction): per million request units. */
  dynamoDb: { perMillionWriteRequestUnits: 0.625, perMillionReadRequestUnits: 0.125 },
  /** SQS standard queues, per million requests (each 64 KB chunk of a request is one request). */
  sqs: { perMillionRequests: 0.4 },
  /** RDS Data API, per million requests (first billion a month). */
  rdsDataApi: { perMillionRequests: 0.35 },
  /** Aurora Serverless v2 (Aurora Standard): per ACU-hour; I/O per million requests. */
  auroraServerlessV2: { perAcuHour: 0.12, perMillionIoRequests: 0.2 },
  /** Secrets Manager API calls (cached by Powertools for 5 minutes per container). */
  secretsManager: { perTenThousandCalls: 0.05 },
  /** CloudWatch Logs ingestion, per GB. */
  cloudWatchLogs: { perGbIngested: 0.5 },
} as const;

/**
 * What hosted affiliate platforms charge for a small programme, for the README's comparison: the
 * published entry plans, as listed by the source named beside each (read on `awsPricesAsOf`).
 * They are subscription prices (some cap the affiliate revenue tracked), not usage prices: the
 * comparison is "what a vendor of this size pays a month", not a like-for-like unit price.
 */
export const hostedPlatformPrices = [
  {
    name: 'Rewardful Starter',
    usdPerMonth: 49,
    limit: 'up to $7,500 of affiliate revenue a month',
    source: 'https://tarka.ai/playbook/fundamentals/affiliate-program-setup (citing rewardful.com/pricing)',
  },
  {
    name: 'Tapfiliate Essential',
    usdPerMonth: 89,
    limit: 'entry plan',
    source: 'https://tarka.ai/playbook/fundamentals/affiliate-program-setup (citing tapfiliate.com/pricing)',
  },
  {
    name: 'PartnerStack',
    usdPerMonth: null,
    limit: 'custom pricing, no free tier',
    source: 'https://tarka.ai/playbook/fundamentals/affiliate-program-setup (citing partnerstack.com/pricing)',
  },
] as const;
