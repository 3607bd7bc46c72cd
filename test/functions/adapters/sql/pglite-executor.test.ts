import { describeExecutorContract } from './executor-contract.js';
import { createTestDatabase } from '../../../support/database/test-database.js';

// The helper restores a PGlite snapshot (a fresh initdb takes seconds) and owns closing it.
describeExecutorContract('PGlite', () => createTestDatabase({ engine: 'pglite', migrate: false }));
