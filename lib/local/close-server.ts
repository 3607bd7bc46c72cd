import type { Server } from 'node:http';

/**
 * Stops `server`: in-flight requests finish; idle keep-alive sockets (SDK clients keep theirs)
 * are closed at once, and any connection still open after `timeoutMs` is cut, so shutdown never hangs.
 */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
