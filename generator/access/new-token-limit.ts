/**
 * The gate's limit on tokens it has not seen yet, per client: a token bucket holding `burst`
 * lookups, refilled by one every `refillSeconds`. A person brings one token, so only a flood of
 * invented ones from one client runs it dry (then 429, and no GitHub call). A client is an IPv4
 * address or an IPv6 /64 (client-address.ts). Buckets live in a bounded LRU, per process or edge
 * instance.
 */
import { LRUCache } from "lru-cache";
import { clientKey } from "./client-address.js";

export interface NewTokenLimit {
  burst: number;
  refillSeconds: number;
}

/**
 * 20 at once, then one every 2 seconds. Each new token costs at most one GitHub call, so 100
 * invented tokens sent one after another cost at most 40 calls even if each took a whole second.
 */
export const DEFAULT_NEW_TOKENS_PER_CLIENT: NewTokenLimit = { burst: 20, refillSeconds: 2 };

/** Takes one new-token lookup from the client's bucket: 0 when allowed, else the seconds to wait. */
export type Spend = (client: string) => { wait: number; client: string };

export function newTokenLimit(limit: NewTokenLimit, now: () => number, maxClients: number): Spend {
  const buckets = new LRUCache<string, { left: number; at: number }>({ max: maxClients });
  return (address) => {
    const client = clientKey(address);
    const t = now();
    const b = buckets.get(client) ?? { left: limit.burst, at: t };
    const left = Math.min(limit.burst, b.left + (t - b.at) / 1000 / limit.refillSeconds);
    if (left < 1) {
      buckets.set(client, { left, at: t });
      return { wait: Math.max(1, Math.ceil((1 - left) * limit.refillSeconds)), client };
    }
    buckets.set(client, { left: left - 1, at: t });
    return { wait: 0, client };
  };
}
