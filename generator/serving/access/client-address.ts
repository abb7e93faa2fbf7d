/**
 * Which client a request comes from, for the gate's limit on new tokens per client. An IPv4
 * address is one client. An IPv6 client is its /64: one subscriber or one network is routinely
 * given a whole /64 (SLAAC, privacy addresses), so keying by the full address would give anyone
 * with IPv6 an endless supply of clients. A /64 also lies in a /48 (one site's allocation, 65,536
 * /64s), which is a client of its own with a larger allowance, so a site cannot multiply its
 * allowance by its /64s. An IPv4-mapped address (`::ffff:192.0.2.7`, as a dual-stack server sees
 * IPv4 peers) is its IPv4 address.
 *
 * Runs in the Lambda@Edge bundle too: `node:net` only, which Lambda's Node has.
 */
import { isIPv4, isIPv6 } from "node:net";

/** The 8 groups of an IPv6 address (already checked by isIPv6, zone removed), an embedded IPv4 tail as two groups. */
function groupsOf(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const parse = (part: string): number[] =>
    part === ""
      ? []
      : part.split(":").flatMap((g) => {
          if (!g.includes(".")) return [Number.parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export interface ClientKeys {
  /** IPv4 as is, IPv6 as `<first four groups>::/64`; anything else as given. */
  client: string;
  /** For IPv6 only: the /48 the client's /64 lies in, `<first three groups>::/48`. */
  site?: string;
}

/** The bucket keys for a client address. */
export function clientKeys(address: string): ClientKeys {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(bare)) return { client: bare };
  if (!isIPv6(bare)) return { client: address };
  const g = groupsOf(bare.toLowerCase());
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const [hi = 0, lo = 0] = g.slice(6);
    return { client: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` };
  }
  const hex = (n: number): string =>
    g
      .slice(0, n)
      .map((x) => x.toString(16))
      .join(":");
  return { client: `${hex(4)}::/64`, site: `${hex(3)}::/48` };
}
