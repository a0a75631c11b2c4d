// The HTTP port (statsd_exporter's 9102): `/metrics` in the Prometheus text format and
// `/health` for compose and the launcher.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpHandlers {
  metrics(): string;
  healthy(): boolean;
}

export function listenHttp(
  port: number,
  address: string | undefined,
  h: HttpHandlers,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      let body: string;
      try {
        body = h.metrics();
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
    } else if (path === '/health') {
      const ok = h.healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'up\n' : 'down\n');
    } else if (path === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><head><title>StatsD</title></head><body><a href="/metrics">Metrics</a></body></html>\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
