import { Server, ServerCredentials } from '@grpc/grpc-js';
import { XcapDocumentsService, type XcapDocumentsServer } from '@simple/xcap-grpc';

export interface XcapGrpcServer {
  /** The bound port (the one asked for, or the one chosen for port 0). */
  readonly port: number;
  /** Stops taking calls, lets those in flight finish for up to `graceMs`, then cancels the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Requests are three short strings: anything much larger is refused before it is read. */
const MAX_REQUEST_BYTES = 64 * 1024;

/** Serves XcapDocuments on `host:port` (plaintext: an internal API of the platform). */
export async function startXcapGrpcServer(handlers: XcapDocumentsServer, host: string, port: number): Promise<XcapGrpcServer> {
  const server = new Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
  server.addService(XcapDocumentsService, handlers);
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err)));
  });
  return {
    port: bound,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
