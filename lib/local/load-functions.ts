import { access } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { powertoolsBusinessMetrics } from '../../functions/adapters/aws/powertools-business-metrics.js';
import { powertoolsLogger } from '../../functions/adapters/aws/powertools-logger.js';
import type { PlatformDeps } from '../../functions/platform/composition-root.js';
import type { LambdaTelemetry } from '../../functions/platform/lambda-telemetry.js';
import { withTelemetry } from '../../functions/platform/with-telemetry.js';
import type { FunctionDeclaration, FunctionName } from '../resources.js';
import type { LocalLog } from './local-log.js';

/** A built handler, as `createHandler(deps)` returns it. */
export type LocalHandler = (event: never, context?: unknown) => Promise<unknown>;

export type LoadedFunction =
  | { name: FunctionName; available: true; handler: LocalHandler }
  | { name: FunctionName; available: false; reason: string };

export const repositoryRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The part of the Lambda context handlers and middy may read. */
export function lambdaContext(name: string, declaration: FunctionDeclaration) {
  const deadline = Date.now() + declaration.timeoutSeconds * 1000;
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:123456789012:function:${name}`,
    memoryLimitInMB: String(declaration.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** What a handler module exports for the local runner and tests: `createHandler(deps)`. */
export type LocalCreateHandler = (deps: PlatformDeps) => LocalHandler;

type FunctionModule = { createHandler?: LocalCreateHandler };

/**
 * Builds every declared function the way Lambda would at cold start: imports its entry and calls
 * `createHandler(deps)`. An override (a fake `createHandler`, in tests) replaces the module. A function whose entry does
 * not exist yet is reported unavailable; its routes answer 503 until it is written.
 *
 * The imports (slow: TypeScript is compiled on the fly) start at once and overlap with whatever
 * `deps` still waits for, the database's first start above all.
 */
export async function loadFunctions(options: {
  functions: Readonly<Record<FunctionName, FunctionDeclaration>>;
  deps: () => Promise<PlatformDeps>;
  overrides?: Partial<Record<FunctionName, LocalCreateHandler>>;
  /** The deps one function is given (its own database role); default: `deps` as they are. */
  depsFor?: (name: FunctionName, deps: PlatformDeps) => PlatformDeps;
  /**
   * The function's Powertools logger and metrics, as `lazyHandler` gives it on Lambda: set as its
   * `deps.logger` / `deps.metrics`, and its handler wrapped in the same middlewares (request id on
   * every line, EMF flushed per invocation). Absent: neither (tests about something else).
   */
  telemetryFor?: (name: FunctionName) => LambdaTelemetry | undefined;
  root?: string;
  log: LocalLog;
}): Promise<Record<FunctionName, LoadedFunction>> {
  const root = options.root ?? repositoryRoot;
  const names = Object.keys(options.functions) as FunctionName[];
  const modules = await Promise.all(
    names.map(async (name): Promise<FunctionModule | string> => {
      const override = options.overrides?.[name];
      if (override) return { createHandler: override };
      const declaration: FunctionDeclaration = options.functions[name]!;
      const entry = resolve(root, declaration.entry);
      if (!(await exists(entry))) return `${declaration.entry} does not exist yet`;
      const module = (await import(pathToFileURL(entry).href)) as FunctionModule;
      if (typeof module.createHandler !== 'function') {
        throw new Error(`${declaration.entry} does not export createHandler(deps)`);
      }
      return module;
    }),
  );
  const deps = await options.deps();
  const loaded = {} as Record<FunctionName, LoadedFunction>;
  names.forEach((name, index) => {
    const module = modules[index]!;
    if (typeof module === 'string') {
      options.log.warn(`function ${name} not available yet (${module})`);
      loaded[name] = { name, available: false, reason: module };
    } else {
      const base = options.depsFor ? options.depsFor(name, deps) : deps;
      const telemetry = options.telemetryFor?.(name);
      if (!telemetry) {
        loaded[name] = { name, available: true, handler: module.createHandler!(base) };
        return;
      }
      // A view over the deps (their `sql` may be a getter), with this function's logger and metrics.
      // Own properties (not a prototype), so `{ ...deps }` in an override still carries every field.
      const own = Object.defineProperties({}, {
        ...Object.getOwnPropertyDescriptors(base),
        logger: { value: powertoolsLogger(telemetry.logger), enumerable: true },
        metrics: { value: powertoolsBusinessMetrics(telemetry.metrics), enumerable: true },
      }) as PlatformDeps;
      loaded[name] = { name, available: true, handler: withTelemetry(module.createHandler!(own), telemetry) as LocalHandler };
    }
  });
  return loaded;
}
