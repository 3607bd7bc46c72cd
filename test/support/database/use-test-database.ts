import { createTestDatabase, type TestDatabase } from './test-database.js';
import { usePerFile } from '../use-per-file.js';

/** The file's own migrated database (see `usePerFile`): `setUp` seeds the rows its tests share. */
export function useTestDatabase(setUp?: (db: TestDatabase) => Promise<void>, timeoutMs?: number): TestDatabase {
  return usePerFile(() => createTestDatabase(), setUp, timeoutMs);
}
