import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A service's Prometheus registry. Names follow `simple_<service>_<thing>_<unit>`
 * with `_total` for counters (STYLE.md, habit 14); labels are bounded sets
 * (method, status class, event package), never an AOR or a Call-ID.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly prefix: string;

  constructor(service: string, withDefaults = true) {
    this.prefix = `simple_${service.replace(/[^a-z0-9]/gi, '_')}_`;
    if (withDefaults) collectDefaultMetrics({ register: this.registry, prefix: this.prefix });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: this.prefix + name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: Gauge<L>) => void): Gauge<L> {
    return new Gauge({ name: this.prefix + name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name: this.prefix + name, help, labelNames, buckets, registers: [this.registry] });
  }
}
