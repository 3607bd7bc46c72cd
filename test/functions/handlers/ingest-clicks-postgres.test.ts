import { describe } from 'vitest';
import { createTestDatabase, isPostgresReachable, postgresServerUrl } from '../../support/database/test-database.js';
import { ingestClicksSuite } from '../domain/clicks/ingest-clicks-suite.js';

// The same SQL on a real PostgreSQL 15 whenever one answers; reported as skipped when none does
// (CI always starts one), like the other PostgreSQL-only suites.
const reachable = await isPostgresReachable(postgresServerUrl);

describe.skipIf(!reachable)(`ingest-clicks on PostgreSQL (${postgresServerUrl})`, () => {
  ingestClicksSuite('PostgreSQL', () => createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl }));
});
