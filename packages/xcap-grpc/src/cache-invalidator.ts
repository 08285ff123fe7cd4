import { parseXcapChangeEvent, xcapSubjects } from '@simple/contracts';
import type { NatsConnection, Status, Subscription } from '@nats-io/transport-node';
import type { DocumentCache } from './document-cache.js';
import { documentKey } from './xcap-document.js';

/** What the invalidator needs of a NATS connection. */
export type ChangeEventBus = Pick<NatsConnection, 'subscribe' | 'status' | 'flush'>;

/**
 * Keeps a DocumentCache true to the XCAP server: every change event
 * (`xcapSubjects.documentChangedAll()`, JSON XcapChangeEvent) drops the
 * document's entry; a NATS disconnect, or events dropped by a slow consumer,
 * empties the cache and suspends it until the connection is back, since events
 * may have been missed meanwhile.
 */
export class CacheInvalidator {
  private readonly sub: Subscription;
  private readonly statuses: AsyncIterable<Status>;

  private constructor(
    bus: ChangeEventBus,
    private readonly cache: DocumentCache,
    private readonly onBadEvent: (error: string) => void,
  ) {
    this.sub = bus.subscribe(xcapSubjects.documentChangedAll(), {
      callback: (err, msg) => {
        if (err !== null) {
          this.cache.clear();
          return;
        }
        const ev = parseXcapChangeEvent(msg.string());
        if (!ev.ok) {
          // An event we cannot read may still name a document we hold: forget everything.
          this.cache.clear();
          this.onBadEvent(ev.error);
          return;
        }
        this.cache.drop(documentKey(ev.value.auid, ev.value.xui, ev.value.document));
      },
    });
    this.statuses = bus.status();
    void this.watch();
  }

  /** Subscribes, and resolves once the server has the subscription (events from then on reach the cache). */
  static async start(bus: ChangeEventBus, cache: DocumentCache, onBadEvent: (error: string) => void = () => {}): Promise<CacheInvalidator> {
    const inv = new CacheInvalidator(bus, cache, onBadEvent);
    await bus.flush();
    return inv;
  }

  private async watch(): Promise<void> {
    for await (const s of this.statuses) {
      if (s.type === 'disconnect' || s.type === 'close') this.cache.clear(true);
      else if (s.type === 'slowConsumer' && s.sub === this.sub) this.cache.clear();
      // The client resubscribes before it reports the reconnection.
      else if (s.type === 'reconnect') this.cache.resume();
    }
  }

  stop(): void {
    this.sub.unsubscribe();
    const it = this.statuses as Partial<{ stop(): void }>;
    it.stop?.();
    this.cache.clear(true);
  }
}
