import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoHttp, DemoStepError, describeProblem, PlatformUnreachableError } from '../../../lib/demo/demo-http.js';

describe('describeProblem', () => {
  it('shortens problem+json with its field errors, and anything else to its first characters', () => {
    expect(
      describeProblem(400, JSON.stringify({ title: 'Bad Request', detail: 'Invalid body.', errors: [{ path: 'body.name', message: 'Required.' }] })),
    ).toBe('400 Bad Request: Invalid body. (body.name: Required.)');
    expect(describeProblem(502, '<html>bad gateway</html>')).toBe('502 <html>bad gateway</html>');
  });
});

describe('createDemoHttp', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ method: string; url: string; authorization?: string; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization, body });
        if (request.url === '/v1/things') {
          response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 1 }));
        } else if (request.url === '/v1/admin/vendors') {
          response.writeHead(401, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: 'Unauthorized', detail: 'No.' }));
        } else if (request.url === '/go') {
          response.writeHead(302, { location: 'https://shop.example.com/' }).end();
        } else {
          response.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends JSON with the bearer token and returns the parsed answer', async () => {
    const http = createDemoHttp({ baseUrl });
    expect(http.baseUrl).toBe(baseUrl.slice(0, -1));
    expect(await http.json({ step: 'create', method: 'POST', path: '/v1/things', token: 'vk_1', body: { name: 'x' } })).toEqual({ id: 1 });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v1/things', authorization: 'Bearer vk_1', body: '{"name":"x"}' });
  });

  it('names the step and the problem on an unexpected status, with a hint for a refused admin token', async () => {
    const http = createDemoHttp({ baseUrl });
    await expect(http.json({ step: 'read things', method: 'GET', path: '/v1/things' })).rejects.toThrow('read things: GET /v1/things answered 201');
    await expect(http.json({ step: 'create the vendor', method: 'POST', path: '/v1/admin/vendors', body: {} })).rejects.toThrow(
      /create the vendor: POST \/v1\/admin\/vendors answered 401 Unauthorized: No\. \(the admin token was refused/,
    );
  });

  it('does not follow redirects (the demo reads the click id from Location)', async () => {
    const response = await createDemoHttp({ baseUrl }).fetch('/go');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://shop.example.com/');
  });

  it('says to run npm start when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await createDemoHttp({ baseUrl: `http://127.0.0.1:${port}` }).fetch('/healthz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformUnreachableError);
    expect(error).toBeInstanceOf(DemoStepError);
    expect((error as Error).message).toMatch(/nothing answers on http:\/\/127\.0\.0\.1:\d+: start the platform with `npm start`/);
  });
});
