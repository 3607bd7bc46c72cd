/**
 * A TCP proxy between the platform and PostgreSQL that a test can cut and restore: `cut()` destroys
 * every live connection (both sides, as a crashed server or a dropped network path would) and stops
 * listening, so new connections are refused (ECONNREFUSED); `restore()` listens again on the same
 * port, so the clients' connection string stays valid. `stall()` plays a database that stops
 * answering (a failover, a partition): live connections are cut and new ones are accepted but never
 * answered.
 */
import net from 'node:net';

export interface TcpProxy {
  /** `127.0.0.1:<port>`, stable across cut and restore. */
  readonly host: string;
  readonly port: number;
  /** Connections accepted since start (a pool reconnecting after the outage shows up here). */
  readonly accepted: number;
  /** Live connections cut by `cut()`, in all. */
  readonly destroyed: number;
  readonly isCut: boolean;
  cut(): Promise<void>;
  /** Live connections destroyed; new ones accepted and held open without a byte forwarded. */
  stall(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * Starts a proxy on a free loopback port that forwards to `target`. A function target is resolved
 * per connection, so the proxy can listen before the service behind it has started (the platform's
 * DynamoDB stand-in).
 */
export async function startTcpProxy(target: ProxyTarget | (() => ProxyTarget)): Promise<TcpProxy> {
  const resolveTarget = typeof target === 'function' ? target : () => target;
  const live = new Set<net.Socket>();
  let accepted = 0;
  let destroyed = 0;
  let isCut = false;
  let stalled = false;
  const held = new Set<net.Socket>();

  const server = net.createServer((client) => {
    accepted += 1;
    if (stalled) {
      held.add(client);
      client.on('error', () => undefined);
      client.on('close', () => held.delete(client));
      return;
    }
    const { host, port: targetPort } = resolveTarget();
    const upstream = net.connect(targetPort, host);
    live.add(client);
    live.add(upstream);
    const forget = () => {
      live.delete(client);
      live.delete(upstream);
    };
    // Either side failing ends both: the other side sees the connection drop, as in a real outage.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      forget();
    });
    upstream.on('close', () => {
      client.destroy();
      forget();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const destroyAll = () => {
    // Counted in pairs: each client connection has its upstream twin.
    destroyed += Math.floor(live.size / 2);
    for (const socket of live) socket.destroy();
    live.clear();
  };

  const port = await listen(0);
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return accepted;
    },
    get destroyed() {
      return destroyed;
    },
    get isCut() {
      return isCut;
    },
    async cut() {
      isCut = true;
      // Stop accepting first, so nothing reconnects between the destroy and the close.
      const closed = stopListening();
      destroyAll();
      await closed;
    },
    stall() {
      stalled = true;
      destroyAll();
    },
    async restore() {
      if (stalled) {
        stalled = false;
        for (const socket of held) socket.destroy();
        held.clear();
      }
      if (!isCut) return;
      await listen(port);
      isCut = false;
    },
    async close() {
      isCut = true;
      for (const socket of held) socket.destroy();
      held.clear();
      const closed = stopListening();
      destroyAll();
      await closed;
    },
  };
}
