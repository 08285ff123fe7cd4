import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs with the service's name on every line; add the Call-ID with `log.child({ callId })`. */
export function createLogger(service: string, level: string): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
