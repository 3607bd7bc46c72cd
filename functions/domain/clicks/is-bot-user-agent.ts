/**
 * Known crawlers, link-preview fetchers, monitors and HTTP libraries. They are redirected (a
 * preview must still resolve) but never counted as clicks.
 *
 * A small, documented list rather than a dependency: it covers the agents that actually fetch
 * shared links (chat and social previews, search engines, SEO and AI crawlers, uptime monitors,
 * command-line clients). The `isbot` package keeps a much longer list up to date; swapping it in
 * is a one-line change here (see the hot path notes in bench/README.md).
 */
const BOT_PATTERNS: readonly RegExp[] = [
  // Generic words every well-behaved crawler uses.
  /(?<!cu)bot\b|bot\/|crawl|spider|slurp|archiver|scrap(er|y)|fetcher|checker|monitor|preview|scanner|headless/i,
  // Link previews in chat and social apps.
  /facebookexternalhit|facebookcatalog|meta-externalagent|twitterbot|linkedinbot|slack(bot|-imgproxy)|discordbot|telegrambot|whatsapp|skypeuripreview|redditbot|embedly|iframely|vkshare|quora link preview|mastodon|bluesky/i,
  // Search engines, SEO and AI crawlers.
  /googlebot|googleother|google-inspectiontool|adsbot|mediapartners|bingpreview|bingbot|yandex|baiduspider|duckduckbot|sogou|exabot|petalbot|ahrefs|semrush|mj12bot|dotbot|seznam|applebot|gptbot|chatgpt-user|oai-searchbot|claudebot|claude-web|anthropic-ai|ccbot|bytespider|amazonbot|perplexity|cohere-ai|diffbot|ia_archiver/i,
  // Monitors and performance tools.
  /uptimerobot|pingdom|statuscake|site24x7|newrelicpinger|datadog|lighthouse|pagespeed|gtmetrix|phantomjs|puppeteer|playwright|selenium|cypress/i,
  // Command-line clients and HTTP libraries: a shopper's browser is never one of these.
  /^(curl|wget|httpie|python-requests|python-urllib|aiohttp|go-http-client|java\/|okhttp|apache-httpclient|axios|node-fetch|undici|got\b|libwww-perl|lwp::|ruby|php|guzzle|postman|insomnia|dart)/i,
];

/**
 * True when the user agent is a known bot or preview fetcher, or is missing/blank (real browsers
 * always send one).
 */
export function isBotUserAgent(userAgent: string | undefined | null): boolean {
  if (userAgent === undefined || userAgent === null) return true;
  const ua = userAgent.trim();
  if (ua.length === 0) return true;
  return BOT_PATTERNS.some((pattern) => pattern.test(ua));
}
