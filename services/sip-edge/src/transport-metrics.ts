import type { Metrics } from '@simple/platform';
import type { TransportCounter, TransportMetrics } from '@simple/sip-transport';

/**
 * The transport layer's counters (bytes, messages, parse errors, drops,
 * connections, keep-alives...) as one Prometheus counter with bounded labels:
 * `simple_edge_transport_events_total{event, transport}`.
 */
export function prometheusTransportMetrics(metrics: Metrics): TransportMetrics {
  const c = metrics.counter('transport_events_total', 'SIP transport layer events (see sip-transport README)', ['event', 'transport']);
  return {
    increment(counter: TransportCounter, protocol, by = 1): void {
      c.inc({ event: counter, transport: protocol }, by);
    },
  };
}
