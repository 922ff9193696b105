/**
 * One port, two wires: each connection's first bytes say which. A client that opens with HTTP/2's
 * connection preface (gRPC, by prior knowledge) goes to the gRPC server; anything else is HTTP/1.1
 * (the REST API). Nothing is lost: the bytes read to decide are put back before the handover.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** A connection that says nothing for this long is closed (bounded wait). */
const SNIFF_TIMEOUT_MS = 10_000;

export interface SharedPort {
  port: number;
  close(): Promise<void>;
}

export interface Wires {
  /** Takes an HTTP/2 connection (grpc-js's connection injector). */
  http2(socket: Socket): void;
  /** The HTTP/1.1 server that takes every other connection. */
  http1: HttpServer;
}

export async function listenShared(host: string, port: number, wires: Wires): Promise<SharedPort> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let seen = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), SNIFF_TIMEOUT_MS);
    const onError = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const http2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (http2 && n < PREFACE.length) return; // not enough said yet
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.pause();
      socket.unshift(seen);
      if (http2) {
        // The HTTP/2 session reads what is buffered itself; resuming the stream here would race it.
        wires.http2(socket);
      } else {
        wires.http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('error', onError);
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
