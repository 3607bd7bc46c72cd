import { afterAll, beforeAll } from 'vitest';

/**
 * One closable resource (a database, an API fixture) for a test file: created before its tests
 * (then `setUp` runs against it, for the rows the file's tests share) and closed after them. The
 * returned object stands for the resource from `beforeAll` on, so a file reads `db.sql` as it
 * would with its own `let db` assigned in a `beforeAll`.
 */
export function usePerFile<T extends { close(): Promise<void> }>(create: () => Promise<T>, setUp?: (resource: T) => Promise<void>, timeoutMs?: number): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await create();
    await setUp?.(current);
  }, timeoutMs);
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!current) throw new Error(`${String(key)} is read before the file's beforeAll made it`);
      return Reflect.get(current, key) as unknown;
    },
  });
}
