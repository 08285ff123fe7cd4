// Helpers for message-level tests: a recording TransportUser and request builders.
import { parseMessage, type SipRequest, type SipResponse } from '@simple/sip-message';

import { TransportLayer, TransportStats, type Flow, type TransportLayerConfig, type TransportUser } from '../src/index.js';
import { eventually, sipRequest } from './helpers.js';

export class RecordingUser implements TransportUser {
  readonly requests: Array<{ request: SipRequest; flow: Flow }> = [];
  readonly responses: Array<{ response: SipResponse; flow: Flow }> = [];
  readonly closed: Flow[] = [];
  onRequest(request: SipRequest, flow: Flow): void {
    this.requests.push({ request, flow });
  }
  onResponse(response: SipResponse, flow: Flow): void {
    this.responses.push({ response, flow });
  }
  onFlowClosed(flow: Flow): void {
    this.closed.push(flow);
  }
}

export interface Node {
  readonly layer: TransportLayer;
  readonly user: RecordingUser;
  readonly stats: TransportStats;
  port(protocol: string): number;
}

export async function startNode(config: TransportLayerConfig): Promise<Node> {
  const user = new RecordingUser();
  const stats = new TransportStats();
  const layer = new TransportLayer({ ...config, metrics: stats }, user);
  await layer.start();
  return {
    layer,
    user,
    stats,
    port: (protocol) => layer.transports.listeners().find((l) => l.protocol === protocol)?.local.port ?? 0,
  };
}

/** A parsed request; its Via is a placeholder for the transport layer to fill. */
export function request(opts: Parameters<typeof sipRequest>[0] = {}): SipRequest {
  const r = parseMessage(Buffer.from(sipRequest({ via: 'SIP/2.0/UDP placeholder.invalid;branch=z9hG4bKtest1', ...opts })));
  if (!r.ok) throw r.error;
  if (r.value.kind !== 'request') throw new Error('not a request');
  return r.value;
}

export { eventually };
