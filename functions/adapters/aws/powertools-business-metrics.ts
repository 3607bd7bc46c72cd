/**
 * `BusinessMetrics` on Powertools `Metrics` (CloudWatch EMF). A value with dimensions goes out at
 * once as its own EMF line (`singleMetric()`), because one invocation adds the same metric under
 * different dimensions (a filtered click for `bot`, another for `repeat`) and the function's
 * shared metric set has one dimension set; a value without dimensions joins the invocation's set,
 * flushed by the `logMetrics` middleware. Every value is a Count: amounts are in minor units.
 */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { BusinessMetrics } from '../../ports/business-metrics.js';

export function powertoolsBusinessMetrics(metrics: Metrics): BusinessMetrics {
  return {
    add(name, value, dimensions) {
      const entries = Object.entries(dimensions ?? {});
      if (entries.length === 0) {
        metrics.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = metrics.singleMetric();
      for (const [dimension, dimensionValue] of entries) single.addDimension(dimension, dimensionValue);
      single.addMetric(name, MetricUnit.Count, value);
    },
  };
}
