/** A `Logger` and `BusinessMetrics` that keep what they are given, for assertions. */
import type { BusinessMetricName, BusinessMetrics } from '../../functions/ports/business-metrics.js';
import type { LogFields, Logger } from '../../functions/ports/logger.js';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

export interface RecordingLogger extends Logger {
  lines: LoggedLine[];
}

export function recordingLogger(): RecordingLogger {
  const lines: LoggedLine[] = [];
  const at =
    (level: LoggedLine['level']) =>
    (message: string, ...extra: (LogFields | Error)[]) => {
      const fields = Object.assign({}, ...extra.map((item) => (item instanceof Error ? { error: item.message } : item))) as LogFields;
      if (process.env.DEBUG_LOGS) console.error(level, message, fields);
      lines.push({ level, message, fields });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface RecordedMetric {
  name: BusinessMetricName;
  value: number;
  dimensions: Readonly<Record<string, string>>;
}

export interface RecordingMetrics extends BusinessMetrics {
  recorded: RecordedMetric[];
  /** Sum of `name` over the entries whose dimensions include `dimensions`. */
  total(name: BusinessMetricName, dimensions?: Readonly<Record<string, string>>): number;
}

export function recordingMetrics(): RecordingMetrics {
  const recorded: RecordedMetric[] = [];
  return {
    recorded,
    add(name, value, dimensions = {}) {
      recorded.push({ name, value, dimensions });
    },
    total(name, dimensions = {}) {
      return recorded
        .filter((m) => m.name === name && Object.entries(dimensions).every(([key, value]) => m.dimensions[key] === value))
        .reduce((sum, m) => sum + m.value, 0);
    },
  };
}
