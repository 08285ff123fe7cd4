/** The fields of an SRV record that ordering reads (node's `SrvRecord` fits). */
export interface SrvRecordLike {
  readonly priority: number;
  readonly weight: number;
  readonly name: string;
  readonly port: number;
}

/** A uniform random number in [0, 1), as `Math.random` returns. */
export type RandomSource = () => number;

/**
 * Orders SRV records into the sequence to try, as RFC 2782 ("Usage rules") says and
 * RFC 3263 §4.2 requires ("the procedures of RFC 2782, as described in the section
 * titled "Usage rules" are followed"). Returns a new array; the input is untouched.
 */
export function orderSrvRecords<T extends SrvRecordLike>(records: readonly T[], random: RandomSource): T[] {
  // RFC 2782: "A client MUST attempt to contact the target host with the
  // lowest-numbered priority it can reach; target hosts with the same priority
  // SHOULD be tried in an order defined by the weight field."
  const byPriority = new Map<number, T[]>();
  for (const record of records) {
    const group = byPriority.get(record.priority);
    if (group) group.push(record);
    else byPriority.set(record.priority, [record]);
  }
  const priorities = [...byPriority.keys()].sort((a, b) => a - b);
  const ordered: T[] = [];
  for (const priority of priorities) {
    ordered.push(...orderByWeight(byPriority.get(priority) ?? [], random));
  }
  return ordered;
}

function orderByWeight<T extends SrvRecordLike>(group: readonly T[], random: RandomSource): T[] {
  // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order,
  // except that all those with weight 0 are placed at the beginning of the list."
  // RFC 3263 §4.4: records of equal priority have no specified order, and a stateless
  // proxy "MUST define a deterministic order ... One suggestion is to alphabetize
  // them". So the arrangement is weight 0 first, then by target name and port:
  // whatever order the DNS server answered in, the same random numbers give the
  // same result.
  const unordered = [...group].sort(
    (a, b) =>
      Number(a.weight !== 0) - Number(b.weight !== 0) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.port - b.port,
  );
  const ordered: T[] = [];
  while (unordered.length > 0) {
    // RFC 2782: "Compute the sum of the weights of those RRs, and with each RR
    // associate the running sum in the selected order. Then choose a uniform random
    // number between 0 and the sum computed (inclusive), and select the RR whose
    // running sum value is the first in the selected order which is greater than or
    // equal to the random number selected."
    const sum = unordered.reduce((total, r) => total + r.weight, 0);
    const pick = Math.min(sum, Math.floor(random() * (sum + 1)));
    let running = 0;
    let index = unordered.length - 1;
    for (let i = 0; i < unordered.length; i++) {
      running += (unordered[i] as T).weight;
      if (running >= pick) {
        index = i;
        break;
      }
    }
    // RFC 2782: "Remove this SRV RR from the set of the unordered SRV RRs and apply
    // the described algorithm to the unordered SRV RRs to select the next target host."
    const [selected] = unordered.splice(index, 1);
    ordered.push(selected as T);
  }
  return ordered;
}
