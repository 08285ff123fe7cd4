// Public surface of @simple/platform: the kit every service is built on.
export { loadConfig, ConfigError, env } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { Metrics } from './metrics.js';
export { buildOpsServer, type OpsServerOptions } from './ops-server.js';
export { Lifecycle } from './lifecycle.js';
export { connectNats, connectRedis, type NatsConnection, type RedisClient } from './backends.js';
export { LeasedSweeper, type LeasedSweeperOptions } from './leased-sweeper.js';
export { SipServiceEndpoint, type SipServiceEndpointOptions, type MethodHandler, type Respond as SipRespond } from './sip-service-endpoint.js';
