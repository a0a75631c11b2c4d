// Ingest listeners: UDP (one datagram = one packet) and TCP (newline framed; everything up
// to the last newline of the buffer is one packet, and a final unterminated line is still
// taken when the client closes, which Etsy drops).

import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import type { ServerSettings } from './settings.js';

export interface Listener {
  kind: 'udp' | 'tcp';
  port: number;
  address: string;
  close(): Promise<void>;
}

export type PacketHandler = (packet: string, size: number) => void;

/** A TCP client sending this much without a newline is cut off (Etsy buffers forever). */
const MAX_TCP_LINE = 1 << 20;

export function listenUdp(
  s: ServerSettings,
  recvBufferSize: number,
  onPacket: PacketHandler,
  log: Logger,
): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: s.ipv6 ? 'udp6' : 'udp4', recvBufferSize });
    socket.on('message', (msg) => {
      try {
        onPacket(msg.toString('utf8'), msg.length);
      } catch (err) {
        log.error({ err }, 'packet handling failed');
      }
    });
    socket.once('error', reject);
    socket.bind(s.port, s.address, () => {
      socket.off('error', reject);
      socket.on('error', (err) => log.warn({ err: err.message }, 'udp socket error'));
      try {
        socket.setRecvBufferSize(recvBufferSize);
      } catch {
        // capped by the kernel (net.core.rmem_max); the default still works
      }
      const a = socket.address();
      resolve({
        kind: 'udp',
        port: a.port,
        address: a.address,
        close: () => new Promise((r) => socket.close(() => r())),
      });
    });
  });
}

export function listenTcp(s: ServerSettings, onPacket: PacketHandler, log: Logger): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    sockets.add(conn);
    conn.setEncoding('utf8');
    let buffer = '';
    conn.on('data', (data: string) => {
      buffer += data;
      const last = buffer.lastIndexOf('\n');
      if (last === -1) {
        if (buffer.length > MAX_TCP_LINE) {
          log.warn({ remote: conn.remoteAddress, bytes: buffer.length }, 'tcp line too long, closing');
          buffer = '';
          conn.destroy();
        }
        return;
      }
      const packet = buffer.slice(0, last + 1);
      buffer = buffer.slice(last + 1);
      try {
        onPacket(packet, packet.length);
      } catch (err) {
        log.error({ err }, 'packet handling failed');
      }
    });
    conn.on('end', () => {
      if (buffer.length > 0) {
        const packet = buffer;
        buffer = '';
        try {
          onPacket(packet, packet.length);
        } catch (err) {
          log.error({ err }, 'packet handling failed');
        }
      }
      conn.end();
    });
    conn.on('error', () => {});
    conn.on('close', () => sockets.delete(conn));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(s.port, s.address, () => {
      server.off('error', reject);
      const a = server.address() as net.AddressInfo;
      resolve({
        kind: 'tcp',
        port: a.port,
        address: a.address,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            for (const c of sockets) c.end();
            setTimeout(() => {
              for (const c of sockets) c.destroy();
            }, 500).unref();
          }),
      });
    });
  });
}
