/**
 * The end of `npm run demo`: asks the platform for sign-in links (as the web app's sign-in page
 * does) for the demo's vendor and a partner, reads them back from the local outbox
 * (`$DATA_DIR/outbox/`, where `npm start` writes every e-mail) and prints them, so the data the
 * demo made can be looked at in the browser. On a platform that mails for real (SES), the
 * messages are in those inboxes instead and the lines say so.
 */
import type { DemoHttp } from './demo-http.js';
import { latestMessageTo } from '../local/read-outbox.js';

export interface SignInPerson {
  role: 'vendor' | 'partner';
  email: string;
  label: string;
}

export async function requestSignInLinks(input: {
  http: DemoHttp;
  dataDir: string;
  people: readonly SignInPerson[];
  /** How long to look for each message (the mailer writes it before the 202). */
  waitMs?: number;
}): Promise<Array<SignInPerson & { link: string | undefined }>> {
  const out: Array<SignInPerson & { link: string | undefined }> = [];
  for (const person of input.people) {
    const before = (await latestMessageTo(input.dataDir, person.email))?.file;
    await input.http.json({ step: `request a sign-in link for ${person.label}`, method: 'POST', path: '/v1/auth/magic-link', body: { email: person.email, role: person.role }, expect: 202 });
    const deadline = Date.now() + (input.waitMs ?? 2_000);
    let link: string | undefined;
    for (;;) {
      const latest = await latestMessageTo(input.dataDir, person.email);
      if (latest && latest.file !== before) {
        link = latest.link;
        break;
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
    }
    out.push({ ...person, link });
  }
  return out;
}

export function formatSignInLinks(links: ReadonlyArray<SignInPerson & { link: string | undefined }>, outbox: string): string {
  const lines = ['', 'Sign in to the web app (each link works once, within 15 minutes):'];
  for (const person of links) {
    lines.push(`  ${person.label} <${person.email}>: ${person.link ?? `no message in ${outbox} (is the platform mailing elsewhere?)`}`);
  }
  return `${lines.join('\n')}\n`;
}
