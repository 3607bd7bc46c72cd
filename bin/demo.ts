/**
 * `npm run demo`: plays a vendor, three partners, their shoppers, a Stripe account, a Shopify
 * store and the operator against a running `npm start`, then prints what the platform made of it
 * (read back through the API). Settings: DEMO_BASE_URL (else http://127.0.0.1:$PORT, 3000),
 * ADMIN_TOKEN (else <DATA_DIR or .local>/admin-token, written by `npm start`).
 * At the end it prints the web app's sign-in links for its vendor and a partner, read from
 * <DATA_DIR or .local>/outbox/ (where `npm start` writes every e-mail).
 * Exit code 0 when every check passed and the reconciliation is balanced, 1 otherwise.
 */
import { join, resolve } from 'node:path';
import { createDemoHttp, DemoStepError } from '../lib/demo/demo-http.js';
import { formatSignInLinks, requestSignInLinks, type SignInPerson } from '../lib/demo/print-sign-in-links.js';
import { formatDemoReport } from '../lib/demo/print-demo-report.js';
import { demoBaseUrl, resolveAdminToken } from '../lib/demo/resolve-demo-target.js';
import { runDemoScenario } from '../lib/demo/run-demo-scenario.js';
import { waitUntilReady } from '../lib/demo/wait-until-ready.js';

async function main(): Promise<number> {
  const http = createDemoHttp({ baseUrl: demoBaseUrl(process.env) });
  // The platform first: "not running" is the likelier mistake, and a starting platform writes its token file when ready.
  await waitUntilReady({ http, timeoutMs: 180_000, onWaiting: () => console.error(`[demo] waiting for the platform on ${http.baseUrl} to finish starting`) });
  const { adminToken } = await resolveAdminToken({ env: process.env, cwd: process.cwd(), waitMs: 3_000 });
  const report = await runDemoScenario({ http, adminToken, progress: (line) => console.error(`[demo] ${line}`) });
  process.stdout.write(formatDemoReport(report));
  // The web app: sign-in links for the vendor and a partner, read from the local outbox.
  const dataDir = resolve(process.cwd(), process.env.DATA_DIR?.trim() || '.local');
  const partner = report.partners.find((p) => p.email);
  const people: SignInPerson[] = [{ role: 'vendor', email: report.vendor.email, label: `vendor ${report.vendor.name}` }];
  if (partner?.email) people.push({ role: 'partner', email: partner.email, label: `partner ${partner.name}` });
  process.stdout.write(formatSignInLinks(await requestSignInLinks({ http, dataDir, people }), join(dataDir, 'outbox')));
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
