import { describe } from 'vitest';
import { createTestDatabase, isPostgresReachable, postgresServerUrl } from '../../../helpers/database.js';
import { describeExecutorContract } from './executor-contract.js';

const server = new URL(postgresServerUrl).host;
const reachable = await isPostgresReachable(postgresServerUrl);

// CI always has PostgreSQL; a machine without one still runs the PGlite half of the contract.
describe.skipIf(!reachable)(
  reachable ? `node-postgres on ${server}` : `node-postgres (skipped: no PostgreSQL reachable at ${server})`,
  () => {
    describeExecutorContract('node-postgres', () =>
      createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl, migrate: false }),
    );
  },
);
