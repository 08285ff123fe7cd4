import type { ClientTransaction } from './transaction-user.js';

/**
 * RFC 3261 §17.1.3: a response matches a client transaction when "the response has the same value of the branch parameter
 * in the top Via header field as the branch parameter in the top Via header field of the request that created the
 * transaction" and "the method parameter in the CSeq header field matches the method of the request that created the
 * transaction. The method is needed since a CANCEL request constitutes a different transaction, but shares the same value
 * of the branch parameter." Branches compare case-insensitively (RFC 3261 §7.3.1), methods case-sensitively (§7.1).
 */
export function clientTransactionKey(branch: string, method: string): string {
  return `${branch.toLowerCase()}\n${method}`;
}

/** The client transactions by their §17.1.3 key. */
export class ClientTransactionTable {
  private readonly byKey = new Map<string, ClientTransaction>();

  get size(): number {
    return this.byKey.size;
  }

  get(branch: string, method: string): ClientTransaction | undefined {
    return this.byKey.get(clientTransactionKey(branch, method));
  }

  has(branch: string, method: string): boolean {
    return this.byKey.has(clientTransactionKey(branch, method));
  }

  add(branch: string, method: string, transaction: ClientTransaction): void {
    this.byKey.set(clientTransactionKey(branch, method), transaction);
  }

  /** Removes the entry if it still holds this transaction. */
  remove(branch: string, method: string, transaction: ClientTransaction): void {
    const key = clientTransactionKey(branch, method);
    if (this.byKey.get(key) === transaction) this.byKey.delete(key);
  }

  values(): ClientTransaction[] {
    return [...this.byKey.values()];
  }
}
