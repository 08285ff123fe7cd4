/**
 * Runs the writes to one document one after the other on this replica. Every write is a
 * compare-and-set on the ETag it was computed from (RFC 4825 §8.5; DocumentStore), so two
 * concurrent writers would make one of them start over; queued, they do not, and only
 * writers on other replicas still race. A queue that grows beyond `maxWaiting` refuses
 * more (the server answers 503 with Retry-After).
 */
export class WriteQueue {
  private readonly tails = new Map<string, { tail: Promise<unknown>; waiting: number }>();

  constructor(private readonly maxWaiting = 256) {}

  /** Runs `fn` once the earlier writes to `key` have finished; undefined when the queue is full. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> | undefined {
    const q = this.tails.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (q.waiting >= this.maxWaiting) return undefined;
    q.waiting++;
    const result = q.tail.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    q.tail = tail;
    this.tails.set(key, q);
    void tail.then(() => {
      q.waiting--;
      if (q.waiting === 0 && this.tails.get(key) === q) this.tails.delete(key);
    });
    return result;
  }

  /** Documents with writes queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
