import { createTestDatabase } from '../../support/database/test-database.js';
import { ingestClicksSuite } from '../domain/clicks/ingest-clicks-suite.js';

// PGlite, or the PostgreSQL named by TEST_DATABASE_URL (CI's second pass).
ingestClicksSuite('the test database', () => createTestDatabase());
