/**
 * The access gate: one verdict per request, the same in `github-pypi serve --auth github` and in
 * the Lambda@Edge function.
 *
 * - No usable credentials, or a token GitHub rejects: `unauthorised` (401).
 * - A token that may not read a guarding repository: `hidden` (404, like a missing project).
 * - GitHub could not decide (5xx, timeout, rate limit): `unavailable` (503). Never served.
 *
 * A token not seen yet is first asked about alone (`GET /user`), so one GitHub rejects costs one
 * call. A project's pages (and a name the index lacks) are then decided from the person's listing
 * of their repositories, the gate's answer and the public set, asked the same way whatever the
 * answer: a hidden project and a missing one cost the same calls and the same time.
 *
 * Verdicts are cached per SHA-256 of the token (positive 5 minutes, negative 30 seconds by
 * default), grants and refusals in two bounded LRUs so a flood of junk tokens cannot evict real
 * people's grants, and concurrent lookups of the same question share one request. When GitHub
 * rejects a token, every grant cached for it is dropped at once, and no answer still on its way
 * for it grants anything. The token itself is only ever held for the duration of the check and
 * sent to GitHub's API.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { GATE, projectNamed, projectOrder, type AccessMap } from "./access-map.js";
import { CREDENTIALS_PROBLEMS, looksLikeGitHubToken, parseAuthorization } from "./credentials.js";
import type { GitHubAccess, Identity, RepositoryAccess, RepositoryList, Unknown } from "./github-access.js";
import { DEFAULT_NEW_TOKENS_PER_CLIENT, newTokenLimit, type NewTokenLimit } from "./new-token-limit.js";

export { DEFAULT_NEW_TOKENS_PER_CLIENT } from "./new-token-limit.js";

export type GateVerdict =
  | { kind: "allow"; who: string }
  | { kind: "unauthorised"; why: string }
  /** Too many tokens the gate has not seen, from one client (an IPv4 address or an IPv6 /64): 429, no GitHub call. */
  | { kind: "throttled"; why: string; retryAfterSeconds: number }
  | { kind: "hidden"; who: string; why: string }
  | { kind: "unavailable"; why: string; retryAfterSeconds: number };

/** A list page's verdict: allowed, with the projects this person may see (in projectOrder). */
export type ListVerdict =
  | Exclude<GateVerdict, { kind: "allow" }>
  /** `complete` is false when the person may read more repositories than GitHub was asked to list. */
  | { kind: "allow"; who: string; projects: string[]; complete: boolean };

export interface GateStats {
  checks: number;
  /** Questions sent to GitHub (each one request). */
  githubRequests: number;
  /** Questions answered from the verdict cache or by a lookup already in flight. */
  cacheHits: number;
}

export interface GateOptions {
  /** `OWNER/NAME` guarding the root pages and projects without a repository of their own. */
  gateRepository: string;
  map: AccessMap;
  github: GitHubAccess;
  positiveTtlSeconds?: number;
  negativeTtlSeconds?: number;
  /** Cached verdicts at most, for grants and for refusals each (a few dozen bytes an entry). */
  maxEntries?: number;
  /** Milliseconds; tests move time forward without waiting. */
  now?: () => number;
  /**
   * Lookups of tokens not cached yet, per client (an IPv4 address or an IPv6 /64): `burst` at
   * once, then one every `refillSeconds`. A person has one token; a flood of invented ones is 429.
   */
  newTokensPerClient?: NewTokenLimit;
}

export interface AccessGate {
  /** `sitePath` is the router's file path (site-relative, decoded). */
  /** `client` is the caller's address, for the per-client limit on tokens not seen yet. */
  check(authorization: string | undefined, sitePath: string, client?: string): Promise<GateVerdict>;
  /**
   * For a page that lists projects (`sitePath` is the gate's): the check, and the projects whose
   * repositories this person may all read (local ones follow the gate), from one cached listing
   * of their repositories.
   */
  list(authorization: string | undefined, sitePath: string, client?: string): Promise<ListVerdict>;
  readonly stats: GateStats;
}

export const DEFAULT_POSITIVE_TTL_SECONDS = 300;
export const DEFAULT_NEGATIVE_TTL_SECONDS = 30;
const DEFAULT_MAX_ENTRIES = 10_000;
const NOT_A_TOKEN = "this is not a GitHub token (ghp_, github_pat_, gho_, ghu_, ghs_ or 40 hex digits)";
const DEFAULT_RETRY_AFTER_SECONDS = 10;
const REJECTED = "GitHub does not accept this token (expired, revoked or mistyped)";

/**
 * A person's repository listing as cached: one bit per repository of the map (a few hundred
 * bytes, not their names), and when it was fetched.
 */
interface Listing {
  kind: "listed";
  bits: Uint8Array;
  complete: boolean;
  at: number;
}
type Rejected = { kind: "rejected" };
type ListingAnswer = Listing | Exclude<RepositoryList, { kind: "listed" }>;
type Cached = Exclude<Identity, Unknown> | Exclude<RepositoryAccess, Unknown> | Listing | Rejected;

const isGrant = (answer: Cached): boolean => answer.kind === "person" || answer.kind === "app" || answer.kind === "readable" || answer.kind === "listed";
/** Cache keys are `<token key> <question>`. */
const tokenOf = (cacheKey: string): string => cacheKey.slice(0, cacheKey.indexOf(" "));

/** The cache key for a token: never the token itself. */
function tokenKey(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

const has = (bits: Uint8Array, bit: number): boolean => (((bits[bit >> 3] as number) >> (bit & 7)) & 1) === 1;
const set = (bits: Uint8Array, bit: number): void => void (bits[bit >> 3] = (bits[bit >> 3] as number) | (1 << (bit & 7)));

export function createAccessGate(options: GateOptions): AccessGate {
  const positiveMs = (options.positiveTtlSeconds ?? DEFAULT_POSITIVE_TTL_SECONDS) * 1000;
  const negativeMs = (options.negativeTtlSeconds ?? DEFAULT_NEGATIVE_TTL_SECONDS) * 1000;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const clock = options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {};
  const gateRepository = options.gateRepository;
  /** Which granted entries each token has, so a rejection can drop them all at once. */
  const grantsOf = new Map<string, Set<string>>();
  const granted = new LRUCache<string, Cached>({
    max: maxEntries,
    ttl: Math.max(1, positiveMs),
    ...clock,
    dispose: (_value, key) => {
      const keys = grantsOf.get(tokenOf(key));
      keys?.delete(key);
      if (keys?.size === 0) grantsOf.delete(tokenOf(key));
    },
  });
  const refused = new LRUCache<string, Cached>({ max: maxEntries, ttl: Math.max(1, negativeMs), ...clock });
  const cached = (key: string): Cached | undefined => granted.get(key) ?? refused.get(key);
  const remember = (key: string, answer: Cached): void => {
    const ttl = isGrant(answer) ? positiveMs : negativeMs;
    // A TTL of 0 means "do not cache" here; to lru-cache it would mean "forever".
    if (ttl <= 0) return;
    if (!isGrant(answer)) {
      refused.set(key, answer, { ttl });
      return;
    }
    granted.set(key, answer, { ttl });
    const token = tokenOf(key);
    const keys = grantsOf.get(token) ?? new Set<string>();
    keys.add(key);
    grantsOf.set(token, keys);
  };
  const inFlight = new Map<string, Promise<Identity | RepositoryAccess | ListingAnswer>>();
  /** Each token's lookups in flight: a rejection marks them, so no answer on its way then grants anything. */
  const flying = new Map<string, Set<{ rejected: boolean }>>();
  /**
   * GitHub rejected this token: nothing it was granted before may be served from the cache, no
   * answer in flight for it counts, and its next requests are 401 without asking (negative TTL).
   */
  const reject = (token: string): void => {
    for (const key of [...(grantsOf.get(token) ?? [])]) granted.delete(key);
    grantsOf.delete(token);
    for (const flight of flying.get(token) ?? []) flight.rejected = true;
    remember(`${token} user`, { kind: "rejected" });
  };
  const spend = newTokenLimit(options.newTokensPerClient ?? DEFAULT_NEW_TOKENS_PER_CLIENT, now, maxEntries);
  const stats: GateStats = { checks: 0, githubRequests: 0, cacheHits: 0 };

  /** One question, answered from the cache, by a lookup in flight, or by GitHub (then cached unless unknown). */
  function ask<T extends Identity | RepositoryAccess | ListingAnswer>(key: string, lookup: () => Promise<T>): Promise<T> {
    const hit = cached(key);
    if (hit !== undefined) {
      stats.cacheHits++;
      return Promise.resolve(hit as T);
    }
    const pending = inFlight.get(key);
    if (pending) {
      stats.cacheHits++;
      return pending as Promise<T>;
    }
    stats.githubRequests++;
    const token = tokenOf(key);
    const flight = { rejected: false };
    const flights = flying.get(token) ?? new Set();
    flights.add(flight);
    flying.set(token, flights);
    const settle = (answer: T): T => {
      inFlight.delete(key);
      flights.delete(flight);
      if (flights.size === 0 && flying.get(token) === flights) flying.delete(token);
      // GitHub rejected the token while this answer was on its way: it is neither remembered nor used.
      if (flight.rejected) return { kind: "rejected" } as T;
      if (answer.kind === "rejected") reject(token);
      if (answer.kind !== "unknown") remember(key, answer);
      return answer;
    };
    const promise = lookup().then(settle, (e: unknown) => settle({ kind: "unknown", why: `internal error: ${e instanceof Error ? e.message : String(e)}` } as T));
    inFlight.set(key, promise);
    return promise;
  }

  // One bit per repository of the map (the gate's stand-in aside), for the listing and the public set;
  // per project, the bits it needs and whether it follows the gate.
  const repoBit = new Map<string, number>();
  const order = projectOrder(options.map);
  const projects = new Map(
    order.map((name) => {
      const bits: number[] = [];
      let gate = false;
      for (const repo of options.map.projects[name] ?? []) {
        if (repo === GATE) {
          gate = true;
          continue;
        }
        const lower = repo.toLowerCase();
        if (!repoBit.has(lower)) repoBit.set(lower, repoBit.size);
        bits.push(repoBit.get(lower) as number);
      }
      return [name, { bits, gate }] as const;
    }),
  );
  const bitsOf = (repositories: Iterable<string>): Uint8Array => {
    const bits = new Uint8Array(Math.ceil(repoBit.size / 8));
    for (const repo of repositories) {
      const bit = repoBit.get(repo);
      if (bit !== undefined) set(bits, bit);
    }
    return bits;
  };
  const repoAt = [...repoBit.keys()];
  /** Repositories GitHub called public at build time: the most that may count as public now. */
  const builtPublic = new Set((options.map.public ?? []).map((r) => r.toLowerCase()).filter((r) => repoBit.has(r)));
  const publicAtBuild = bitsOf(builtPublic);
  const publicOwners = [...new Set([...builtPublic].map((r) => r.slice(0, r.indexOf("/"))))];

  const listingOf = async (token: string): Promise<ListingAnswer> => {
    const answer = await options.github.readableRepositories(token);
    if (answer.kind !== "listed") return answer;
    stats.githubRequests += answer.requests - 1;
    return { kind: "listed", bits: bitsOf(answer.repositories), complete: answer.complete, at: now() };
  };
  /** An index with no repository of its own needs no listing: nothing to decide from it. */
  const NOTHING_LISTED: Listing = { kind: "listed", bits: new Uint8Array(0), complete: true, at: Infinity };
  const listing = (token: string, key: string): Promise<ListingAnswer> => (repoBit.size === 0 ? Promise.resolve(NOTHING_LISTED) : ask(`${key} list`, () => listingOf(token)));

  /**
   * Which of the build's public repositories GitHub says are public now: the same for everyone, so
   * one answer (asked with whoever's token comes first) is shared for the positive TTL. What GitHub
   * cannot confirm counts as not public, and is not cached.
   */
  let publicCached: { bits: Uint8Array; until: number } | undefined;
  let publicPending: Promise<{ kind: "public"; bits: Uint8Array } | { kind: "rejected"; by: string } | Unknown> | undefined;
  async function publicNow(token: string, key: string): Promise<Uint8Array | Rejected | Unknown> {
    if (publicOwners.length === 0) return publicAtBuild;
    if (publicCached && now() < publicCached.until) {
      stats.cacheHits++;
      return publicCached.bits;
    }
    if (publicPending) stats.cacheHits++;
    else {
      publicPending = Promise.all(publicOwners.map((owner) => options.github.publicRepositories(token, owner)))
        .then((answers) => {
          for (const a of answers) stats.githubRequests += a.kind === "listed" ? a.requests : 1;
          if (answers.some((a) => a.kind === "rejected")) {
            reject(key);
            return { kind: "rejected" as const, by: key };
          }
          const unknown = answers.find((a): a is Unknown => a.kind === "unknown");
          if (unknown) return unknown;
          const bits = bitsOf(answers.flatMap((a) => (a.kind === "listed" ? a.repositories.filter((r) => builtPublic.has(r)) : [])));
          if (positiveMs > 0) publicCached = { bits, until: now() + positiveMs };
          return { kind: "public" as const, bits };
        })
        .catch((e: unknown): Unknown => ({ kind: "unknown", why: `internal error: ${e instanceof Error ? e.message : String(e)}` }))
        .finally(() => (publicPending = undefined));
    }
    const answer = await publicPending;
    if (answer.kind === "public") return answer.bits;
    // Another person's token was rejected while asking: nothing about this person, only no public set.
    if (answer.kind === "rejected") return answer.by === key ? { kind: "rejected" } : { kind: "unknown", why: "the public repositories could not be listed" };
    return answer;
  }

  const askRepo = (token: string, key: string, repo: string): Promise<RepositoryAccess> =>
    ask<RepositoryAccess>(`${key} repo ${repo.toLowerCase()}`, () => options.github.repository(token, repo));

  /** What a project path and a list page are decided from: the same questions whatever the answer, so the cost tells nothing. */
  interface Facts {
    gate: RepositoryAccess;
    listing: ListingAnswer;
    publicBits: Uint8Array | Rejected | Unknown;
  }
  const facts = async (token: string, key: string): Promise<Facts> => {
    const [gate, listed, publicBits] = await Promise.all([askRepo(token, key, gateRepository), listing(token, key), publicNow(token, key)]);
    return { gate, listing: listed, publicBits };
  };
  const publicRejected = (p: Facts["publicBits"]): boolean => !(p instanceof Uint8Array) && p.kind === "rejected";
  const unavailable = (u: Unknown): GateVerdict => ({ kind: "unavailable", why: u.why, retryAfterSeconds: u.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS });
  const whoOf = (identity: Identity): string => (identity.kind === "person" ? identity.login : identity.kind === "app" ? "(app token)" : "(unknown)");

  /** The checks that need no GitHub call: a refusal, or the token and its cache key. */
  function admit(authorization: string | undefined, client: string | undefined): GateVerdict | { token: string; key: string; userKey: string } {
    stats.checks++;
    const credentials = parseAuthorization(authorization);
    if (!credentials.ok) return { kind: "unauthorised", why: CREDENTIALS_PROBLEMS[credentials.problem] };
    const { token } = credentials;
    if (!looksLikeGitHubToken(token)) return { kind: "unauthorised", why: NOT_A_TOKEN };
    const key = tokenKey(token);
    const userKey = `${key} user`;
    if (refused.get(userKey)?.kind === "rejected") {
      stats.cacheHits++;
      return { kind: "unauthorised", why: REJECTED };
    }
    const seen = granted.has(userKey) || refused.has(userKey) || inFlight.has(userKey);
    if (!seen && client !== undefined) {
      const spent = spend(client);
      if (spent.wait > 0) return { kind: "throttled", why: `too many new tokens from ${spent.client}`, retryAfterSeconds: spent.wait };
    }
    return { token, key, userKey };
  }

  /** Who this is: asked alone first, so a token GitHub rejects costs one call; cached for a known token. */
  const identify = (token: string, userKey: string): Promise<Identity> => ask<Identity>(userKey, () => options.github.identity(token));

  /**
   * A project's pages, or a name the index lacks: decided from the person's listing, the public set
   * and the gate's answer, all asked whatever the path. A project from more repositories than the
   * listing could hold (over 10,000) asks GitHub for the ones it lacks.
   */
  async function decideProject(token: string, key: string, who: string, name: string): Promise<GateVerdict> {
    const f = await facts(token, key);
    if (f.gate.kind === "rejected" || f.listing.kind === "rejected" || publicRejected(f.publicBits)) return { kind: "unauthorised", why: REJECTED };
    if (f.gate.kind === "unknown") return unavailable(f.gate);
    if (f.listing.kind === "unknown") return unavailable(f.listing);
    const project = Object.hasOwn(options.map.projects, name) ? projects.get(name) : undefined;
    if (!project) return { kind: "hidden", who, why: "no such project" };
    const listed = f.listing;
    const hidden: string[] = [];
    const unknown: Unknown[] = [];
    const toAsk: string[] = [];
    if (project.gate && f.gate.kind === "hidden") hidden.push(`${gateRepository}: ${f.gate.why}`);
    for (const bit of project.bits) {
      if (has(listed.bits, bit)) continue;
      if (has(publicAtBuild, bit)) {
        if (!(f.publicBits instanceof Uint8Array)) {
          unknown.push(f.publicBits as Unknown);
          continue;
        }
        if (has(f.publicBits, bit)) continue;
      }
      if (listed.complete) hidden.push(`${repoAt[bit]}: not listed for this token`);
      else toAsk.push(repoAt[bit] as string);
    }
    if (hidden.length === 0 && toAsk.length > 0) {
      const answers = await Promise.all(toAsk.map((repo) => askRepo(token, key, repo)));
      if (answers.some((a) => a.kind === "rejected")) return { kind: "unauthorised", why: REJECTED };
      answers.forEach((a, i) => {
        if (a.kind === "hidden") hidden.push(`${toAsk[i]}: ${a.why}`);
        if (a.kind === "unknown") unknown.push(a);
      });
    }
    if (hidden.length > 0) return { kind: "hidden", who, why: hidden[0] as string };
    if (unknown.length > 0) return unavailable(unknown[0] as Unknown);
    return { kind: "allow", who };
  }

  async function decide(token: string, key: string, userKey: string, sitePath: string): Promise<GateVerdict> {
    const identity = await identify(token, userKey);
    if (identity.kind === "rejected") return { kind: "unauthorised", why: REJECTED };
    // GitHub could not say who this is (or it is an app): the repositories still decide.
    const who = whoOf(identity);
    const name = projectNamed(sitePath);
    if (name === undefined) {
      const gate = await askRepo(token, key, gateRepository);
      if (gate.kind === "rejected") return { kind: "unauthorised", why: REJECTED };
      if (gate.kind === "hidden") return { kind: "hidden", who, why: `${gateRepository}: ${gate.why}` };
      if (gate.kind === "unknown") return unavailable(gate);
      return { kind: "allow", who };
    }
    const asked = now();
    const verdict = await decideProject(token, key, who, name);
    // A refusal from a listing older than the negative TTL is checked against a fresh one, so a new grant
    // counts within that TTL; a missing name does the same, so the two still cost alike.
    const old = granted.get(`${key} list`);
    if (verdict.kind === "hidden" && old?.kind === "listed" && old.at < asked && now() - old.at > negativeMs) {
      granted.delete(`${key} list`);
      return decideProject(token, key, who, name);
    }
    return verdict;
  }

  return {
    stats,
    async check(authorization, sitePath, client) {
      const admitted = admit(authorization, client);
      return "kind" in admitted ? admitted : decide(admitted.token, admitted.key, admitted.userKey, sitePath);
    },
    async list(authorization, sitePath, client) {
      const admitted = admit(authorization, client);
      if ("kind" in admitted) return admitted as ListVerdict;
      const { token, key, userKey } = admitted;
      const identity = await identify(token, userKey);
      if (identity.kind === "rejected") return { kind: "unauthorised", why: REJECTED };
      const f = await facts(token, key);
      if (f.gate.kind === "rejected" || f.listing.kind === "rejected" || publicRejected(f.publicBits)) return { kind: "unauthorised", why: REJECTED };
      const who = whoOf(identity);
      if (f.gate.kind === "hidden") return { kind: "hidden", who, why: `${gateRepository}: ${f.gate.why}` };
      if (f.gate.kind === "unknown") return unavailable(f.gate) as ListVerdict;
      if (f.listing.kind === "unknown") return unavailable(f.listing) as ListVerdict;
      const listed = f.listing.bits;
      // Fail closed: a public set GitHub could not confirm counts as none; the person sees what their own listing grants.
      const publicBits = f.publicBits instanceof Uint8Array ? f.publicBits : new Uint8Array(0);
      const visible = order.filter((name) => (projects.get(name)?.bits ?? []).every((bit) => has(listed, bit) || (has(publicAtBuild, bit) && has(publicBits, bit))));
      return { kind: "allow", who, projects: visible, complete: f.listing.complete };
    },
  };
}
