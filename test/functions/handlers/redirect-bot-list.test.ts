/**
 * The bot filter against the outside world's lists, through the real redirect: every `instances`
 * entry of the public crawler list (`crawler-user-agents`) and the most common real browsers
 * (`top-user-agents`, desktop and mobile) plus in-app browsers of Instagram, Facebook and TikTok,
 * which are real shoppers. Counted = the redirect sent a click to the queue.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import crawlers from 'crawler-user-agents';
import topUserAgents from 'top-user-agents';
import desktopUserAgents from 'top-user-agents/desktop';
import mobileUserAgents from 'top-user-agents/mobile';
import { describe, expect, it } from 'vitest';
import { createInMemoryClickQueue, createInMemoryClickStore, createInMemoryLinkStore } from '../../../bench/redirect-in-memory-adapters.js';
import { createRedirect } from '../../../functions/handlers/redirect.js';
import type { LinkItem } from '../../../functions/ports/link-store.js';
import { linkItem } from '../../support/fixtures/link-item.js';

const baseEvent = JSON.parse(
  readFileSync(new URL('../../../events/clicks/apigw-v2-redirect-get.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEventV2;

/** In-app browsers as they reach a shop from the apps' feeds (each is a person tapping a link). */
const IN_APP_BROWSERS = [
  // Instagram, iOS and Android
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.30.91 (iPhone14,5; iOS 17_4; en_US; en; scale=3.00; 1170x2532; 590071005)',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 Instagram 326.0.0.42.90 Android (34/14; 480dpi; 1080x2340; samsung; SM-S918B; dm3q; qcom; en_US; 586445383)',
  // Facebook (FBAN/FBAV), iOS and Android
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.39.108;FBBV/577052830;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/579357063]',
  'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/454.0.0.44.108;]',
  // TikTok (musical_ly on iOS, trill/BytedanceWebview on Android)
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_33.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US RevealType/Dialog isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6 FalconTag/',
  'Mozilla/5.0 (Linux; Android 12; SM-A525F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.0.0 Mobile Safari/537.36 trill_330504 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill app_version/33.5.4 ByteLocale/en ByteFullLocale/en Region/US AppId/1180 Spark/1.4.6.3-bugfix AppVersion/33.5.4 BytedanceWebview/d8a21c6',
];

const LINK: LinkItem = linkItem({ short_code: 'botlist', partner_link_id: 11, campaign_partner_id: 7, partner_id: 3, vendor_id: 1, campaign_id: 2, campaign_version_id: 5, destination_url: 'https://shop.example.com/running' });

/** Fires each user agent once (each from its own address, so no repeat or rate rule applies) and returns the ones counted. */
async function fire(userAgents: readonly string[]): Promise<{ fired: number; counted: Set<string>; countedCount: number; non302: number }> {
  const queue = createInMemoryClickQueue();
  const redirect = createRedirect({
    links: createInMemoryLinkStore([LINK]),
    clicks: createInMemoryClickStore(),
    queue,
    config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
    now: () => new Date('2024-03-15T10:00:00.000Z'),
    log: { error: () => undefined, warn: () => undefined },
  });
  let non302 = 0;
  for (const [index, userAgent] of userAgents.entries()) {
    const event = structuredClone(baseEvent);
    event.rawPath = `/${LINK.short_code}`;
    event.pathParameters = { short_code: LINK.short_code };
    event.headers['user-agent'] = userAgent;
    event.requestContext.http.sourceIp = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
    const result = await redirect(event);
    if (result.statusCode !== 302) non302 += 1;
  }
  return { fired: userAgents.length, counted: new Set(queue.messages.map((m) => m.user_agent ?? '')), countedCount: queue.messages.length, non302 };
}

const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(1);

describe('redirect: bots on the public crawler list are not counted, real browsers are', () => {
  it('filters at least 97 % of crawler-user-agents and counts every top browser and in-app browser', async () => {
    const crawlerAgents = crawlers.flatMap((entry) => entry.instances);
    const browserAgents = [...new Set([...desktopUserAgents, ...mobileUserAgents, ...topUserAgents, ...IN_APP_BROWSERS])];
    expect(crawlerAgents.length).toBeGreaterThan(1000);
    expect(browserAgents.length).toBeGreaterThan(100);

    const bots = await fire(crawlerAgents);
    const browsers = await fire(browserAgents);
    const filtered = bots.fired - bots.countedCount;
    console.info(
      `[bot-list] crawlers: ${bots.fired} fired, ${filtered} filtered (${percent(filtered, bots.fired)} %); ` +
        `browsers: ${browsers.fired} fired, ${browsers.countedCount} counted (in-app: ${IN_APP_BROWSERS.length})`,
    );

    // Every request is still redirected: a preview must resolve.
    expect(bots.non302 + browsers.non302).toBe(0);
    expect(filtered / bots.fired).toBeGreaterThanOrEqual(0.97);
    expect(browserAgents.filter((ua) => !browsers.counted.has(ua))).toEqual([]);
  });
});
