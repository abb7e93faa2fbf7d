/**
 * The access gate: one verdict per request, the same in `github-pypi serve --auth github` and in
 * the Lambda@Edge function.
 *
 * - No usable credentials, or a token GitHub rejects: `unauthorised` (401).
 * - A token that may not read a guarding repository: `hidden` (404, like a missing project).
 * - GitHub could not decide (5xx, timeout, rate limit): `unavailable` (503). Never served.
 *
 * Verdicts are cached per SHA-256 of the token (positive 5 minutes, negative 30 seconds by
 * default), grants and refusals in two bounded LRUs so a flood of junk tokens cannot evict real
 * people's grants, and concurrent lookups of the same question share one request, so a
 * `pip install` costs a few GitHub calls per person rather than one per file. When GitHub rejects
 * a token, every grant cached for it is dropped at once. The token itself is only ever held for
 * the duration of the check and sent to GitHub's API.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { GATE, guardOf, projectOrder, type AccessMap } from "./access-map.js";
import { CREDENTIALS_PROBLEMS, looksLikeGitHubToken, parseAuthorization } from "./credentials.js";
import type { GitHubAccess, Identity, RepositoryAccess, RepositoryList } from "./github-access.js";

export type GateVerdict =
  | { kind: "allow"; who: string }
  | { kind: "unauthorised"; why: string }
  /** Too many tokens the gate has not seen, from one client address: 429, no GitHub call. */
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
   * Lookups of tokens not cached yet, per client address: `burst` at once, then one every
   * `refillSeconds`. A person has one token; a flood of invented ones from one address is 429.
   */
  newTokensPerClient?: { burst: number; refillSeconds: number };
}

export interface AccessGate {
  /** `sitePath` is the router's file path (site-relative, decoded). */
  /** `client` is the caller's address, for the per-address limit on tokens not seen yet. */
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
export const DEFAULT_NEW_TOKENS_PER_CLIENT = { burst: 30, refillSeconds: 1 };
const NOT_A_TOKEN = "this is not a GitHub token (ghp_, github_pat_, gho_, ghu_, ghs_ or 40 hex digits)";
const DEFAULT_RETRY_AFTER_SECONDS = 10;
const REJECTED = "GitHub does not accept this token (expired, revoked or mistyped)";

/** A person's repository listing as cached: one bit per repository of the map (a few hundred bytes, not their names). */
interface Listing {
  kind: "listed";
  bits: Uint8Array;
  complete: boolean;
}
type Question = Identity | RepositoryAccess | RepositoryList;
type Cached = Exclude<Identity, { kind: "unknown" }> | Exclude<RepositoryAccess, { kind: "unknown" }> | Listing | { kind: "rejected" };

const isGrant = (answer: Cached): boolean => answer.kind === "person" || answer.kind === "app" || answer.kind === "readable" || answer.kind === "listed";
/** Cache keys are `<token key> <question>`. */
const tokenOf = (cacheKey: string): string => cacheKey.slice(0, cacheKey.indexOf(" "));

/** The cache key for a token: never the token itself. */
function tokenKey(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

export function createAccessGate(options: GateOptions): AccessGate {
  const positiveMs = (options.positiveTtlSeconds ?? DEFAULT_POSITIVE_TTL_SECONDS) * 1000;
  const negativeMs = (options.negativeTtlSeconds ?? DEFAULT_NEGATIVE_TTL_SECONDS) * 1000;
  const clock = options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {};
  /** Which granted entries each token has, so a rejection can drop them all at once. */
  const grantsOf = new Map<string, Set<string>>();
  const granted = new LRUCache<string, Cached>({
    max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    ttl: Math.max(1, positiveMs),
    ...clock,
    dispose: (_value, key) => {
      const keys = grantsOf.get(tokenOf(key));
      keys?.delete(key);
      if (keys?.size === 0) grantsOf.delete(tokenOf(key));
    },
  });
  const refused = new LRUCache<string, Cached>({ max: options.maxEntries ?? DEFAULT_MAX_ENTRIES, ttl: Math.max(1, negativeMs), ...clock });
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
  /** GitHub rejected this token: nothing it was granted before may be served from the cache. */
  const forget = (token: string): void => {
    for (const key of [...(grantsOf.get(token) ?? [])]) granted.delete(key);
    grantsOf.delete(token);
  };
  const inFlight = new Map<string, Promise<Question | Listing>>();
  const now = options.now ?? Date.now;
  const limit = options.newTokensPerClient ?? DEFAULT_NEW_TOKENS_PER_CLIENT;
  /** A token bucket per client address: how many new tokens it may still bring, as of when. */
  const buckets = new LRUCache<string, { left: number; at: number }>({ max: options.maxEntries ?? DEFAULT_MAX_ENTRIES });
  /** Takes one new-token lookup from the client's bucket; the seconds to wait when it is empty. */
  const spend = (client: string): number => {
    const t = now();
    const b = buckets.get(client) ?? { left: limit.burst, at: t };
    const left = Math.min(limit.burst, b.left + (t - b.at) / 1000 / limit.refillSeconds);
    if (left < 1) {
      buckets.set(client, { left, at: t });
      return Math.max(1, Math.ceil((1 - left) * limit.refillSeconds));
    }
    buckets.set(client, { left: left - 1, at: t });
    return 0;
  };
  const stats: GateStats = { checks: 0, githubRequests: 0, cacheHits: 0 };

  /** One question, answered from the cache, by a lookup in flight, or by GitHub (then cached unless unknown). */
  function ask<T extends Identity | RepositoryAccess | Listing | Exclude<RepositoryList, { kind: "listed" }>>(key: string, lookup: () => Promise<T>): Promise<T> {
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
    const promise = lookup().then(
      (answer) => {
        inFlight.delete(key);
        if (answer.kind === "rejected") forget(tokenOf(key));
        if (answer.kind !== "unknown") remember(key, answer);
        return answer;
      },
      (e: unknown) => {
        inFlight.delete(key);
        return { kind: "unknown", why: `internal error: ${e instanceof Error ? e.message : String(e)}` } as T;
      },
    );
    inFlight.set(key, promise);
    return promise;
  }

  // The listing's bits: one per repository of the map, and per project the bits it needs.
  const repoBit = new Map<string, number>();
  const open = new Set((options.map.public ?? []).map((r) => r.toLowerCase()));
  const order = projectOrder(options.map);
  const needs = order.map((name) => {
    const bits: number[] = [];
    for (const repo of options.map.projects[name] ?? []) {
      const lower = repo.toLowerCase();
      if (repo === GATE || open.has(lower)) continue; // the gate was checked; public ones everyone reads
      if (!repoBit.has(lower)) repoBit.set(lower, repoBit.size);
      bits.push(repoBit.get(lower) as number);
    }
    return bits;
  });
  const listingOf = async (token: string): Promise<Listing | Exclude<RepositoryList, { kind: "listed" }>> => {
    const answer = await options.github.readableRepositories(token);
    if (answer.kind !== "listed") return answer;
    stats.githubRequests += answer.requests - 1;
    const bits = new Uint8Array(Math.ceil(repoBit.size / 8));
    for (const repo of answer.repositories) {
      const bit = repoBit.get(repo);
      if (bit !== undefined) bits[bit >> 3] = (bits[bit >> 3] as number) | (1 << (bit & 7));
    }
    return { kind: "listed", bits, complete: answer.complete };
  };
  const has = (bits: Uint8Array, bit: number): boolean => (((bits[bit >> 3] as number) >> (bit & 7)) & 1) === 1;

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
      const wait = spend(client);
      if (wait > 0) return { kind: "throttled", why: `too many new tokens from ${client}`, retryAfterSeconds: wait };
    }
    return { token, key, userKey };
  }

  async function decide(token: string, key: string, userKey: string, sitePath: string): Promise<GateVerdict> {
    const guard = guardOf(sitePath, options.map, options.gateRepository);
    const repos = guard.repositories;
    // Both questions at once: latency matters at the edge, and a bad token is cached either way.
    const [identity, ...access] = await Promise.all([
      ask<Identity>(userKey, () => options.github.identity(token)),
      ...repos.map((repo) => ask<RepositoryAccess>(`${key} repo ${repo.toLowerCase()}`, () => options.github.repository(token, repo))),
    ]);
    const who = identity.kind === "person" ? identity.login : identity.kind === "app" ? "(app token)" : "(unknown)";
    if (identity.kind === "rejected" || access.some((a) => a.kind === "rejected")) {
      return { kind: "unauthorised", why: REJECTED };
    }
    const hiddenAt = access.findIndex((a) => a.kind === "hidden");
    if (hiddenAt >= 0) {
      const a = access[hiddenAt] as Extract<RepositoryAccess, { kind: "hidden" }>;
      return { kind: "hidden", who, why: `${repos[hiddenAt]}: ${a.why}` };
    }
    // Every path has at least one guarding repository, so the repositories alone decide whether GitHub answered.
    const unknown = access.find((a) => a.kind === "unknown");
    if (unknown && unknown.kind === "unknown") {
      return { kind: "unavailable", why: unknown.why, retryAfterSeconds: unknown.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS };
    }
    if (guard.unknownProject) return { kind: "hidden", who, why: "no such project" };
    // Every guarding repository answered 200 to this token, so it is valid even if /user could not say whose it is.
    return { kind: "allow", who };
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
      // A token GitHub has vouched for lists alongside the check (one round trip); one not seen yet
      // lists only once it passed, so an invented token costs no more than on any other page.
      const listing = () => ask(`${key} list`, () => listingOf(token));
      const known = granted.has(userKey);
      const [verdict, early] = await Promise.all([decide(token, key, userKey, sitePath), known ? listing() : undefined]);
      if (verdict.kind !== "allow") return verdict;
      const listed = early ?? (await listing());
      if (listed.kind === "rejected") return { kind: "unauthorised", why: REJECTED };
      if (listed.kind === "unknown") return { kind: "unavailable", why: listed.why, retryAfterSeconds: listed.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS };
      const projects = order.filter((_, i) => (needs[i] as number[]).every((bit) => has(listed.bits, bit)));
      return { kind: "allow", who: verdict.who, projects, complete: listed.complete };
    },
  };
}
