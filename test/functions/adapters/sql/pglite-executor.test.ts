import { createTestDatabase } from '../../../helpers/database.js';
import { describeExecutorContract } from './executor-contract.js';

// The helper restores a PGlite snapshot (initdb takes seconds) and owns closing it.
describeExecutorContract('PGlite', () => createTestDatabase({ engine: 'pglite', migrate: false }));
