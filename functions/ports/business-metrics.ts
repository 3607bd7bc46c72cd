/**
 * Business metrics (CloudWatch EMF through Powertools' `Metrics` on AWS; the same EMF lines
 * locally; a recording one in tests). Counts are `Count`s; amounts are in the currency's minor
 * units with a `currency` dimension, so one metric never adds yen to dollars.
 */
/** Every business metric, as a list: the Monitoring stack's dashboard draws one graph per name. */
export const businessMetricNames = [
  'ClicksCounted',
  'ClicksFiltered',
  'ClicksLost',
  'Conversions',
  'CommissionAmount',
  'RefundAmount',
  'NotificationsDelivered',
  'NotificationsFailed',
  'PayoutsCreated',
  'PayoutsSent',
  'PayoutsFailed',
] as const;

export type BusinessMetricName = (typeof businessMetricNames)[number];

export interface BusinessMetrics {
  /** Adds `value` to `name` under these dimensions (e.g. `{ reason: 'bot' }`, `{ source: 'stripe', outcome: 'attributed' }`, `{ currency: 'JPY' }`). */
  add(name: BusinessMetricName, value: number, dimensions?: Readonly<Record<string, string>>): void;
}
