/** What the fuzz modules share: one platform, one checker, the routes fuzzed so far, figures. */
import type { Checker, FuzzPlatform } from './fuzz-platform.js';

export interface FuzzContext {
  fp: FuzzPlatform;
  checker: Checker;
  /** `METHOD /path` of every route a module fuzzed to the end. */
  fuzzed: Set<string>;
  /** Extra `key=value` pairs for the figures line. */
  notes: Record<string, unknown>;
  /** Milliseconds by phase, for the figures line. */
  spent: Record<string, number>;
}
