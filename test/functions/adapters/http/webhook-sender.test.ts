import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookTarget, createWebhookSender, WebhookDeadlineError, WebhookTargetRefusedError } from '../../../../functions/adapters/http/webhook-sender.js';

/** A resolver that answers from a table (no network): hostnames the tests control. */
const dns: Record<string, string[]> = {
  'hooks.vendor.example': ['93.184.216.34'],
  'dual.vendor.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'rebind.vendor.example': ['93.184.216.34', '10.0.0.7'],
  'metadata.vendor.example': ['169.254.169.254'],
  'v6local.vendor.example': ['fd12:3456:789a::1'],
};
const resolve = async (host: string) => {
  const found = dns[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};

describe('checkWebhookTarget (SSRF guard)', () => {
  it('refuses plain http to a public address (an endpoint saved before the save-time check), allows it for local receivers', async () => {
    await expect(checkWebhookTarget('http://hooks.vendor.example:8080/x', { resolve })).rejects.toThrow(/must use https/);
    expect((await checkWebhookTarget('http://127.0.0.1:8080/x', { resolve, allowLoopbackTargets: true })).address).toBe('127.0.0.1');
    await expect(checkWebhookTarget('http://10.1.2.3/x', { resolve, allowLoopbackTargets: true })).rejects.toThrow(/non-public address/);
  });

  it.each([
    ['https://hooks.vendor.example/affiliate', '93.184.216.34'],
    ['https://hooks.vendor.example:8443/x', '93.184.216.34'],
    ['https://dual.vendor.example/', '93.184.216.34'],
    ['https://93.184.216.34/hook', '93.184.216.34'],
    ['https://[2606:4700:4700::1111]/hook', '2606:4700:4700::1111'],
  ])('allows %s (connects to %s)', async (url, address) => {
    expect((await checkWebhookTarget(url, { resolve })).address).toBe(address);
  });

  it.each([
    ['loopback', 'http://127.0.0.1/hook'],
    ['loopback, other /8 address', 'http://127.1.2.3/hook'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['private 10/8', 'http://10.1.2.3/hook'],
    ['private 172.16/12', 'https://172.20.0.1/hook'],
    ['private 192.168/16', 'https://192.168.1.10/hook'],
    ['link-local (instance metadata)', 'http://169.254.169.254/latest/meta-data/'],
    ['a name resolving to the metadata address', 'http://metadata.vendor.example/'],
    ['IPv6 link-local', 'http://[fe80::1]/hook'],
    ['IPv6 unique-local', 'http://v6local.vendor.example/hook'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['carrier-grade NAT', 'http://100.64.0.1/hook'],
    ['unspecified', 'http://0.0.0.0/hook'],
    ['one public and one private address (rebinding)', 'https://rebind.vendor.example/hook'],
    ['an unresolvable name', 'https://nowhere.vendor.example/hook'],
    ['a file URL', 'file:///etc/passwd'],
    ['an ftp URL', 'ftp://hooks.vendor.example/x'],
    ['credentials in the URL', 'https://user:pass@hooks.vendor.example/x'],
    ['not a URL', 'hooks.vendor.example/x'],
  ])('refuses %s', async (_name, url) => {
    await expect(checkWebhookTarget(url, { resolve })).rejects.toBeInstanceOf(WebhookTargetRefusedError);
  });

  it('resolves localhost with the real resolver and refuses it', async () => {
    await expect(checkWebhookTarget('http://localhost:9/hook')).rejects.toThrow(/non-public address/);
  });

  it('the test escape hatch allows private targets but never other schemes', async () => {
    expect((await checkWebhookTarget('http://127.0.0.1:9/hook', { allowPrivateTargets: true })).address).toBe('127.0.0.1');
    await expect(checkWebhookTarget('file:///etc/passwd', { allowPrivateTargets: true })).rejects.toBeInstanceOf(WebhookTargetRefusedError);
  });
});

describe('createWebhookSender', () => {
  let server: Server;
  let url: string;
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = req.url === '/fail' ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('never sends to a loopback receiver without the escape hatch', async () => {
    await expect(createWebhookSender().post({ url: `${url}/hook`, headers: {}, body: '{}' })).rejects.toBeInstanceOf(WebhookTargetRefusedError);
    expect(received).toHaveLength(0);
  });

  it('POSTs the exact body and headers and reports the status', async () => {
    const sender = createWebhookSender({ allowPrivateTargets: true });
    expect(await sender.post({ url: `${url}/hook`, headers: { 'webhook-id': 'abc', 'content-type': 'application/json' }, body: '{"a":1}' })).toEqual({ status: 204 });
    expect(await sender.post({ url: `${url}/fail`, headers: {}, body: '{}' })).toEqual({ status: 500 });
    expect(received[0]).toMatchObject({ body: '{"a":1}', headers: { 'webhook-id': 'abc', 'content-length': '7' } });
  });
});

describe('createWebhookSender: a slow or huge vendor answer', () => {
  let server: Server;
  let url: string;
  /** Bytes each endless answer managed to push before the sender hung up, by path. */
  const written: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const path = req.url ?? '';
        written[path] = 0;
        if (path === '/silent') return; // never answers
        res.writeHead(path === '/huge-error' ? 500 : 200, { 'content-type': 'text/plain' });
        // /trickle: a byte every 10 ms, forever (each byte resets an idle timeout);
        // /huge and /huge-error: 16 KiB chunks, forever.
        const chunk = path === '/trickle' ? Buffer.from('.') : Buffer.alloc(16 * 1024, 'x');
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          res.write(chunk);
          written[path]! += chunk.length;
        }, path === '/trickle' ? 10 : 1);
        timers.add(timer);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const timer of timers) clearInterval(timer);
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('gives up on a vendor that trickles its answer once the total deadline passes, though the socket is never idle', async () => {
    const sender = createWebhookSender({ allowPrivateTargets: true, timeoutMs: 60_000, deadlineMs: 200 });
    await expect(sender.post({ url: `${url}/trickle`, headers: {}, body: '{}' })).rejects.toBeInstanceOf(WebhookDeadlineError);
    expect(written['/trickle']).toBeGreaterThan(0);
  });

  it('gives up on a vendor that accepts the request and never answers', async () => {
    const sender = createWebhookSender({ allowPrivateTargets: true, timeoutMs: 60_000, deadlineMs: 150 });
    await expect(sender.post({ url: `${url}/silent`, headers: {}, body: '{}' })).rejects.toThrow(/within 150 ms/);
  });

  it.each([
    ['/huge', 200],
    ['/huge-error', 500],
  ])('reads at most the cap of an endless answer (%s) and reports its status', async (path, status) => {
    // The deadline is far away: only the cap can end this delivery in time.
    const sender = createWebhookSender({ allowPrivateTargets: true, deadlineMs: 20_000 });
    expect(await sender.post({ url: `${url}${path}`, headers: {}, body: '{}' })).toEqual({ status });
  });
});
