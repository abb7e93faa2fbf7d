/**
 * The gate's limit on tokens it has not seen yet, per client: a token bucket holding `burst`
 * lookups, refilled by one every `refillSeconds`. A client is an IPv4 address or an IPv6 /64, and
 * an IPv6 /64 also draws on its /48's bucket, which holds `siteBurst` (client-address.ts): a site
 * with 65,536 /64s gets a larger allowance, not 65,536 of them.
 *
 * A lookup is charged when it starts and refunded once GitHub confirms the token (the gate calls
 * `refund`), so real people never use the allowance up, however many share an address (an office
 * behind one NAT, a CI fan-out); only tokens GitHub rejects or cannot confirm consume it, and a
 * flood of invented ones runs it dry (then 429, and no GitHub call). Buckets live in a bounded
 * LRU, per process or edge instance.
 */
import { LRUCache } from "lru-cache";
import { clientKeys } from "./client-address.js";

export interface NewTokenLimit {
  /** Lookups at once per IPv4 address or IPv6 /64. */
  burst: number;
  /** Seconds per lookup the buckets (the /64's and the /48's alike) refill by. */
  refillSeconds: number;
  /** Lookups at once per IPv6 /48, shared by its /64s. */
  siteBurst: number;
}

/**
 * 20 at once per client, then one every 2 seconds; 100 at once per IPv6 /48. Each new token costs
 * at most one GitHub call, so 100 invented tokens sent one after another from one address cost at
 * most 40 calls even if each took a whole second, and any number from all the /64s of one /48 at
 * most 100, then one every 2 seconds.
 */
export const DEFAULT_NEW_TOKENS_PER_CLIENT: NewTokenLimit = { burst: 20, refillSeconds: 2, siteBurst: 100 };

export type Charge =
  /** Allowed: `refund` gives the lookup back (once) when GitHub confirmed the token. */
  | { wait: 0; client: string; refund: () => void }
  /** Refused: the seconds until the emptiest bucket holds one lookup, and the client it belongs to. */
  | { wait: number; client: string };

/** Takes one new-token lookup from the client's buckets, or says how long to wait. */
export type Spend = (address: string) => Charge;

interface Bucket {
  left: number;
  at: number;
}

export function newTokenLimit(limit: NewTokenLimit, now: () => number, maxClients: number): Spend {
  const buckets = new LRUCache<string, Bucket>({ max: maxClients });
  /** The bucket as of `t`: refilled since it was last touched, never above its size. */
  const level = (key: string, size: number, t: number): number => {
    const b = buckets.get(key);
    return b === undefined ? size : Math.min(size, b.left + (t - b.at) / 1000 / limit.refillSeconds);
  };
  return (address) => {
    const { client, site } = clientKeys(address);
    const t = now();
    const held = [{ key: client, size: limit.burst }, ...(site !== undefined ? [{ key: site, size: limit.siteBurst }] : [])].map((b) => ({ ...b, left: level(b.key, b.size, t) }));
    const dry = held.filter((b) => b.left < 1);
    if (dry.length > 0) {
      for (const b of held) buckets.set(b.key, { left: b.left, at: t });
      const waits = dry.map((b) => ({ key: b.key, wait: Math.max(1, Math.ceil((1 - b.left) * limit.refillSeconds)) }));
      const longest = waits.reduce((a, b) => (b.wait > a.wait ? b : a));
      return { wait: longest.wait, client: longest.key };
    }
    for (const b of held) buckets.set(b.key, { left: b.left - 1, at: t });
    let refunded = false;
    const refund = (): void => {
      if (refunded) return;
      refunded = true;
      const at = now();
      for (const b of held) buckets.set(b.key, { left: Math.min(b.size, level(b.key, b.size, at) + 1), at });
    };
    return { wait: 0, client, refund };
  };
}
