import { createApiFixture, type ApiFixture } from './api-fixture.js';
import { usePerFile } from '../use-per-file.js';

/** The file's API fixture (see `usePerFile`): `setUp` makes the vendors, partners and campaigns its tests share. */
export function useApiFixture(setUp?: (fixture: ApiFixture) => Promise<void>, timeoutMs?: number): ApiFixture {
  return usePerFile(createApiFixture, setUp, timeoutMs);
}
