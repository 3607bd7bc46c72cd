import { describe, it } from 'vitest';
import { createTestDatabase, isPostgresReachable, postgresServerUrl } from '../../helpers/database.js';
import { ingestClicksSuite } from '../domain/clicks/ingest-clicks-suite.js';

// The same SQL on a real PostgreSQL 15, whenever one answers (skipped, visibly, when none does).
const reachable = await isPostgresReachable(postgresServerUrl);
if (reachable) {
  ingestClicksSuite('PostgreSQL', () => createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl }));
} else {
  describe('ingest-clicks on PostgreSQL', () => {
    it.skip(`no PostgreSQL at ${postgresServerUrl}`, () => {});
  });
}
