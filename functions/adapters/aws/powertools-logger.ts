/**
 * The `Logger` port on Powertools' `Logger`: the same JSON line (level, message, service,
 * timestamp, the invocation's `function_request_id`), with the fields merged into it. An `Error`
 * among the fields becomes the line's `error` key, which Powertools prints as name, message,
 * stack and cause.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogFields, Logger } from '../../ports/logger.js';

function merged(extra: readonly (LogFields | Error)[]): LogFields {
  const fields: LogFields = {};
  for (const item of extra) {
    if (item instanceof Error) fields.error = item;
    else Object.assign(fields, item);
  }
  return fields;
}

export function powertoolsLogger(logger: PowertoolsLogger): Logger {
  return {
    debug: (message, ...extra) => logger.debug(message, merged(extra)),
    info: (message, ...extra) => logger.info(message, merged(extra)),
    warn: (message, ...extra) => logger.warn(message, merged(extra)),
    error: (message, ...extra) => logger.error(message, merged(extra)),
  };
}
