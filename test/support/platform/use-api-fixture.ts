import { afterAll, beforeAll } from 'vitest';
import { createApiFixture, type ApiFixture } from './api-fixture.js';

/**
 * One API fixture for a test file: created before its tests (then `setUp` runs against it, for the
 * vendors, partners and campaigns the file shares) and closed after them. The returned object stands
 * for the fixture from `beforeAll` on, so a file reads `f.api` as it would with its own `let f`.
 */
export function useApiFixture(setUp?: (fixture: ApiFixture) => Promise<void>, timeoutMs?: number): ApiFixture {
  let current: ApiFixture | undefined;
  beforeAll(async () => {
    current = await createApiFixture();
    await setUp?.(current);
  }, timeoutMs);
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as ApiFixture, {
    get(_target, key) {
      if (!current) throw new Error(`the API fixture is read (${String(key)}) before its beforeAll ran`);
      return Reflect.get(current, key);
    },
  });
}
