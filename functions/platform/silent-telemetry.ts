/** A logger and metrics that drop everything: the default where a caller (a test) passes neither. */
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export const silentMetrics: BusinessMetrics = { add: () => {} };
