/**
 * `npm run demo`: plays a vendor, three partners, their shoppers, a Stripe account, a Shopify
 * store and the operator against a running `npm start`, then prints what the platform made of it
 * (read back through the API). Settings: DEMO_BASE_URL (else http://127.0.0.1:$PORT, 3000),
 * ADMIN_TOKEN (else <DATA_DIR or .local>/admin-token, written by `npm start`).
 * Exit code 0 when every check passed and the reconciliation is balanced, 1 otherwise.
 */
import { createDemoHttp, DemoStepError } from '../lib/demo/demo-http.js';
import { formatDemoReport } from '../lib/demo/print-demo-report.js';
import { resolveDemoTarget } from '../lib/demo/resolve-demo-target.js';
import { runDemoScenario } from '../lib/demo/run-demo-scenario.js';

async function main(): Promise<number> {
  const target = await resolveDemoTarget({ env: process.env, cwd: process.cwd() });
  const http = createDemoHttp({ baseUrl: target.baseUrl });
  const report = await runDemoScenario({
    http,
    adminToken: target.adminToken,
    progress: (line) => console.error(`[demo] ${line}`),
  });
  process.stdout.write(formatDemoReport(report));
  return report.checks.every((check) => check.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A failed step is explained in one line; anything else is a bug worth its stack.
    console.error(error instanceof DemoStepError ? `demo failed: ${error.message}` : error);
    process.exit(1);
  },
);
