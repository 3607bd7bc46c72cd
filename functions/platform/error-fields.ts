import type { LogFields } from '../ports/logger.js';

/** A caught error as compact log fields (name and message, no stack): for lines that go on, not fail. */
export function errorFields(error: unknown): LogFields {
  return error instanceof Error ? { error: error.name, detail: error.message } : { error: String(error) };
}
