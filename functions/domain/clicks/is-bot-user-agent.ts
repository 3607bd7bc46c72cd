import { isbot } from 'isbot';

/**
 * True when the user agent is a known crawler, link-preview fetcher, monitor or HTTP library, or
 * is missing/blank (real browsers always send one). Bots are redirected (a preview must still
 * resolve) but never counted as clicks.
 *
 * The list is `isbot`'s, the one the field maintains, not ours: a hand-written pattern missed
 * about half of the public crawler list. `test/functions/handlers/redirect-bot-list.test.ts`
 * fires that list and real browsers (including the Instagram, Facebook and TikTok in-app
 * browsers, which are real shoppers) through the redirect; isbot's default pattern needs no
 * customisation for them today. If a release ever flags an in-app browser, exclude its pattern
 * with `createIsbotFromList(list.filter(...))` here rather than adding a regex of our own.
 */
export function isBotUserAgent(userAgent: string | undefined | null): boolean {
  if (userAgent === undefined || userAgent === null) return true;
  const ua = userAgent.trim();
  if (ua.length === 0) return true;
  const known = memo.get(ua);
  if (known !== undefined) return known;
  const verdict = isbot(ua);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(ua, verdict);
  return verdict;
}

/**
 * isbot's pattern is one large regular expression run on every click, and a few hundred user
 * agents make most of the traffic: verdicts are memoised, bounded like `parseUserAgent`'s (a full
 * memo starts over). The verdict depends only on the string, so this keeps the function pure.
 */
const MEMO_LIMIT = 1_000;
const memo = new Map<string, boolean>();
