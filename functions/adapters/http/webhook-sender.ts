/**
 * Outbound webhook POSTs with an SSRF guard. The target's host is resolved with node:dns and
 * EVERY address must be public (`isPublicAddress`); the connection then goes to an address that
 * was checked (the guard is the socket's `lookup`), so a DNS answer cannot change between the
 * check and the connect (rebinding). Only http(s), no redirects followed, bounded time: an idle
 * timeout on the socket AND a total deadline over the whole delivery (connect, upload, answer and
 * its body), and at most `maxResponseBytes` of the answer read, so one slow or huge vendor
 * response cannot hold a notifications batch past the function's timeout.
 *
 * `allowPrivateTargets` is the explicit test-only escape hatch (a receiver on 127.0.0.1); it
 * skips the address check but never the scheme check. `allowLoopbackTargets` is the local
 * runner's narrower setting (`ALLOW_LOOPBACK_WEBHOOKS`): loopback addresses pass, private and
 * link-local ones are still refused.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { isPublicAddress } from '../../domain/notifications/is-public-address.js';
import { WebhookTargetRefusedError, type WebhookSender, type WebhookSendResult } from '../../ports/webhook-sender.js';

export { WebhookTargetRefusedError, type WebhookSender, type WebhookSendResult };

export interface WebhookSenderOptions {
  /** Test-only: allow loopback/private targets. @default false */
  allowPrivateTargets?: boolean;
  /** Local development: loopback (127.0.0.0/8, ::1) targets pass the address check. @default false */
  allowLoopbackTargets?: boolean;
  /** Longest silence on the socket before giving up. @default 10000 */
  timeoutMs?: number;
  /**
   * Total time one delivery may take, from the address check to the end of the answer's body,
   * however steadily a slow vendor trickles bytes. @default 10000
   */
  deadlineMs?: number;
  /** Bytes of the answer's body read at most; the rest is not downloaded. @default 65536 */
  maxResponseBytes?: number;
  /** DNS resolution (all addresses); injectable for tests. @default node:dns lookup with all: true */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** The delivery did not finish within its total deadline: whether the vendor got it is unknown. */
export class WebhookDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`no complete answer within ${deadlineMs} ms`);
    this.name = 'WebhookDeadlineError';
  }
}

/** 64 KiB: enough for any error page worth reading; the sender only keeps the status anyway. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

function isLoopbackAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'loopback';
}

function defaultResolve(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });
}

/**
 * Checks a target URL: scheme, then every resolved address. Returns the address to connect to.
 * @throws WebhookTargetRefusedError
 */
export async function checkWebhookTarget(
  url: string,
  options: Pick<WebhookSenderOptions, 'allowPrivateTargets' | 'allowLoopbackTargets' | 'resolve'> = {},
): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookTargetRefusedError('webhook_url is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WebhookTargetRefusedError(`scheme ${parsed.protocol} is not allowed (http or https only)`);
  }
  if (parsed.username || parsed.password) throw new WebhookTargetRefusedError('credentials in webhook_url are not allowed');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.resolve ?? defaultResolve)(host);
    } catch (error) {
      throw new WebhookTargetRefusedError(`cannot resolve ${host}: ${(error as Error).message}`);
    }
  }
  if (addresses.length === 0) throw new WebhookTargetRefusedError(`${host} has no address`);
  if (!options.allowPrivateTargets) {
    const allowed = (a: string) => isPublicAddress(a) || (options.allowLoopbackTargets === true && isLoopbackAddress(a));
    const bad = addresses.find((a) => !allowed(a));
    if (bad !== undefined) throw new WebhookTargetRefusedError(`${host} resolves to a non-public address (${bad})`);
  }
  // Plain http only for development receivers: an endpoint saved before webhook_url was checked
  // at save time must not get notices (and their signatures) in clear over the internet.
  if (parsed.protocol === 'http:' && !options.allowPrivateTargets && !options.allowLoopbackTargets) {
    throw new WebhookTargetRefusedError('http is not allowed: the endpoint must use https');
  }
  const address = addresses[0]!;
  return { url: parsed, address, family: isIP(address) === 6 ? 6 : 4 };
}

export function createWebhookSender(options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadlineMs = options.deadlineMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    async post({ url, headers, body }) {
      const deadline = AbortSignal.timeout(deadlineMs);
      const target = await checkWebhookTarget(url, options);
      if (deadline.aborted) throw new WebhookDeadlineError(deadlineMs);
      // Pin the connection to the checked address (TLS still verifies the hostname).
      const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
        if ((lookupOptions as { all?: boolean }).all) {
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [{ address: target.address, family: target.family }]);
        } else callback(null, target.address, target.family);
      };
      const requestOptions: RequestOptions = {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        timeout: timeoutMs,
        // Aborts the socket wherever the delivery is: connecting, uploading or reading the body.
        signal: deadline,
      };
      const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise<WebhookSendResult>((resolve, reject) => {
        const fail = (error: Error) => reject(deadline.aborted ? new WebhookDeadlineError(deadlineMs) : error);
        const req = send(target.url, requestOptions, (res) => {
          const status = res.statusCode ?? 0;
          // The answer's body is not ours to keep: read at most the cap, then hang up.
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read >= maxResponseBytes) {
              resolve({ status });
              res.destroy();
            }
          });
          res.on('end', () => resolve({ status }));
          res.on('error', fail);
          res.on('aborted', () => fail(new Error('the answer was cut off')));
        });
        req.on('timeout', () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
        req.on('error', fail);
        req.end(body);
      });
    },
  };
}
