/** A `BusinessMetrics` and a `Logger` that keep what they were given, for tests that assert them. */
import type { BusinessMetricName, BusinessMetrics } from '../../functions/ports/business-metrics.js';
import type { LogFields, Logger } from '../../functions/ports/logger.js';

export interface RecordedMetric {
  name: BusinessMetricName;
  value: number;
  dimensions: Readonly<Record<string, string>>;
}

export function recordingMetrics(): BusinessMetrics & { recorded: RecordedMetric[] } {
  const recorded: RecordedMetric[] = [];
  return { recorded, add: (name, value, dimensions = {}) => void recorded.push({ name, value, dimensions }) };
}

export interface RecordedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

export function recordingLogger(): Logger & { lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const at =
    (level: RecordedLine['level']) =>
    (message: string, ...extra: (LogFields | Error)[]) =>
      void lines.push({ level, message, fields: Object.assign({}, ...extra.map((e) => (e instanceof Error ? { error: e.message } : e))) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
