import { readFileSync } from 'node:fs';
import type { ListenerConfig } from '@simple/sip-transport';
import type { EdgeConfig, EdgeTransport } from './config.js';

const PROTOCOL: Readonly<Record<EdgeTransport, ListenerConfig['protocol']>> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS', ws: 'WS', wss: 'WSS' };

/** The SIP listeners the configuration asks for (TLS and WSS with the configured certificate). */
export function edgeListeners(config: EdgeConfig): ListenerConfig[] {
  const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  return config.transports.map((t) => ({
    protocol: PROTOCOL[t],
    address: config.listen,
    port: config.ports[t],
    ...(config.advertisedHost !== undefined ? { sentByHost: config.advertisedHost } : {}),
    ...((t === 'tls' || t === 'wss') && tls !== undefined ? { tls } : {}),
  }));
}
