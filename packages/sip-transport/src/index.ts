// Public surface of @simple/sip-transport: RFC 3261 §18 transports, framing,
// connection management and the message-level transport layer.

// Byte level
export { StreamFramer, DEFAULT_MAX_MESSAGE_SIZE, type StreamFramerSink, type StreamFramerOptions } from './stream-framer.js';
export { FramingError, type FramingErrorCode } from './framing-error.js';
export { findContentLength } from './content-length.js';
export { type TransportProtocol, TRANSPORT_PROTOCOLS, toTransportProtocol, isReliable, isSecure, defaultPort } from './transport-protocol.js';
export { type Endpoint, normalizeAddress, sameAddress, formatHostPort } from './endpoint.js';
export { type Flow, remoteKey, udpFlowId } from './flow.js';
export { type Clock, type ClockTimer, systemClock } from '@simple/clock';
export type { Connection } from './connection.js';
export { ConnectionTable, type ConnectionTableOptions } from './connection-table.js';
export type { RawMessageSink, SendTarget, Transport, TransportContext } from './transport.js';
export { UdpTransport } from './udp-transport.js';
export { StreamTransport, type StreamTransportOptions } from './stream-transport.js';
export { WsTransport, SIP_WS_SUBPROTOCOL, type WsTransportOptions } from './ws-transport.js';
export type { ListenerConfig } from './listener-config.js';
export type { TlsServerOptions, TlsClientOptions } from './tls-options.js';
export {
  TransportSet,
  type TransportSetConfig,
  type ListenerInfo,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
} from './transport-set.js';
export { TransportError, type TransportErrorCode } from './transport-error.js';
export { type TransportCounter, type TransportMetrics, TransportStats, noMetrics } from './transport-metrics.js';

// Message level
export {
  TransportLayer,
  DEFAULT_PATH_MTU,
  type TransportLayerConfig,
  type RequestTarget,
  type RequestDestination,
  type SentByResolver,
} from './transport-layer.js';
export type { TransportUser } from './transport-user.js';
export { withReceived } from './via-received.js';
export { responseDestination, type ResponseDestination } from './response-destination.js';

// RFC 3263 resolver
export * from './resolver/index.js';
