/**
 * The access gate: one verdict per request, the same in `github-pypi serve --auth github` and in
 * the Lambda@Edge function.
 *
 * - No usable credentials, or a token GitHub rejects: `unauthorised` (401).
 * - A token that may not read a guarding repository: `hidden` (404, like a missing project).
 * - GitHub could not decide (5xx, timeout, rate limit): `unavailable` (503). Never served.
 *
 * A token not seen yet is first asked about alone (`GET /user`), so one GitHub rejects costs one
 * call. A project's pages then need every repository the access map names for it: one the
 * person's listing names (cached by a list page; never fetched for a project page) is readable
 * without a call, any other is asked (`GET /repos/{owner}/{repo}`). A name the index lacks asks a
 * decoy question of the same shape, cached the same way, so a hidden project and a missing one
 * cost the same calls, warm or cold.
 *
 * Verdicts are cached per SHA-256 of the token (a grant longer than a refusal: config/defaults.ts
 * has how long), grants and refusals in two bounded LRUs so a flood of junk tokens cannot evict
 * real people's grants, and concurrent lookups of the same question share one request. When GitHub
 * rejects a token, every grant cached for it is dropped at once, and no answer still on its way
 * for it grants anything. The token itself is only ever held for the duration of the check and
 * sent to GitHub's API.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { GATE } from "../../protocol/gate-marker.js";
import { guardOf, projectNamed, projectOrder, type AccessMap } from "./access-map.js";
import { CREDENTIALS_PROBLEMS, looksLikeGitHubToken, parseAuthorization } from "./credentials.js";
import { normalizeName } from "../../names/normalize.js";
import { DEFAULT_GATE_GRANTED_TTL_SECONDS, DEFAULT_GATE_REFUSED_TTL_SECONDS } from "../../config/defaults.js";
import type { GitHubAccess, Identity, RepositoryAccess, RepositoryList, Unknown } from "./github-access.js";
import { DEFAULT_NEW_TOKENS_PER_CLIENT, newTokenLimit, type NewTokenLimit } from "./new-token-limit.js";

export { DEFAULT_NEW_TOKENS_PER_CLIENT } from "./new-token-limit.js";

export type GateVerdict =
  | { kind: "allow"; who: string }
  | { kind: "unauthorised"; why: string }
  /** Too many tokens GitHub has not confirmed, from one client (an IPv4 address, an IPv6 /64 or its /48): 429, no GitHub call. */
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
   * Lookups of tokens GitHub has not confirmed yet, per client (new-token-limit.ts). A lookup is
   * given back once GitHub confirms the token, so only a flood of invented ones is 429.
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
   * of their repositories and the public set.
   */
  list(authorization: string | undefined, sitePath: string, client?: string): Promise<ListVerdict>;
  readonly stats: GateStats;
}

/**
 * How long past its TTL the last public set GitHub confirmed still serves the lists when asking
 * again fails: a GitHub outage does not take every public project off everyone's list at once.
 */
export const PUBLIC_SET_GRACE_SECONDS = 3600;
const DEFAULT_MAX_ENTRIES = 10_000;
const NOT_A_TOKEN = "this is not a GitHub token (ghp_, github_pat_, gho_, ghu_, ghs_ or 40 hex digits)";
const DEFAULT_RETRY_AFTER_SECONDS = 10;
const REJECTED = "GitHub does not accept this token (expired, revoked or mistyped)";

/** A person's repository listing as cached: one bit per repository of the map (a few hundred bytes, not their names). */
interface Listing {
  kind: "listed";
  bits: Uint8Array;
  complete: boolean;
}
type Rejected = { kind: "rejected" };
type ListingAnswer = Listing | Exclude<RepositoryList, { kind: "listed" }>;
type Cached = Exclude<Identity, Unknown> | Exclude<RepositoryAccess, Unknown> | Listing | Rejected;
type Unavailable = Extract<GateVerdict, { kind: "unavailable" }>;
/** Every verdict but a grant: what a check and a list page may both answer. */
type Refusal = Exclude<GateVerdict, { kind: "allow" }>;
/** The public set as one fetch found it. */
type PublicAnswer = { kind: "public"; bits: Uint8Array } | Rejected | Unknown;

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
  const positiveMs = (options.positiveTtlSeconds ?? DEFAULT_GATE_GRANTED_TTL_SECONDS) * 1000;
  const negativeMs = (options.negativeTtlSeconds ?? DEFAULT_GATE_REFUSED_TTL_SECONDS) * 1000;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const clock = options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {};
  const gateRepository = options.gateRepository;
  const gateOwner = gateRepository.slice(0, gateRepository.indexOf("/"));
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
  /**
   * GitHub has answered this token with a 200 that is still cached: who the person is, a
   * repository or a listing. An app's identity alone is not enough (`GET /user` was a 403).
   */
  const confirmed = (key: string): boolean =>
    [...(grantsOf.get(key) ?? [])].some((k) => {
      const answer = granted.peek(k);
      return answer !== undefined && answer.kind !== "app";
    });
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
  /** Repositories GitHub called public at build time: the most that may count as public now. */
  const builtPublic = (options.map.public ?? []).map((r) => r.toLowerCase()).filter((r) => repoBit.has(r));
  const publicAtBuild = bitsOf(builtPublic);
  const builtPublicOf = new Map<string, string[]>();
  for (const repo of builtPublic) {
    const owner = repo.slice(0, repo.indexOf("/"));
    builtPublicOf.set(owner, [...(builtPublicOf.get(owner) ?? []), repo]);
  }
  const publicOwners = [...builtPublicOf.keys()];

  const listingOf = async (token: string): Promise<ListingAnswer> => {
    const answer = await options.github.readableRepositories(token);
    if (answer.kind !== "listed") return answer;
    stats.githubRequests += answer.requests - 1;
    return { kind: "listed", bits: bitsOf(answer.repositories), complete: answer.complete };
  };
  /** An index with no repository of its own needs no listing: nothing to decide from it. */
  const NOTHING_LISTED: Listing = { kind: "listed", bits: new Uint8Array(0), complete: true };
  const listing = (token: string, key: string): Promise<ListingAnswer> => (repoBit.size === 0 ? Promise.resolve(NOTHING_LISTED) : ask(`${key} list`, () => listingOf(token)));

  /**
   * Which of the build's public repositories GitHub says are public now: the same for everyone, so
   * one answer is shared for the positive TTL, asked with the token of whoever needs it first.
   * One token's failure counts for that token only: it is cached for the negative TTL (so it cannot
   * cause a fetch per request), and a request that waited on it asks once more with its own token.
   * When asking again fails, the last good set serves for PUBLIC_SET_GRACE_SECONDS past its TTL
   * before nothing counts as public. A repository stops counting as public only on positive
   * evidence: a complete listing read with a person's token that omits it (an app's listing may be
   * narrowed to its installation; past the page cap the rest is unknown).
   */
  let publicGood: { bits: Uint8Array; fresh: number; stale: number } | undefined;
  let publicPending: { by: string; answer: Promise<PublicAnswer> } | undefined;
  const publicFailed = new LRUCache<string, Rejected | Unknown>({ max: maxEntries, ttl: Math.max(1, negativeMs), ...clock });
  const freshPublic = (): Uint8Array | undefined => (publicGood && now() < publicGood.fresh ? publicGood.bits : undefined);

  async function fetchPublic(token: string, key: string, person: boolean): Promise<PublicAnswer> {
    const answers = await Promise.all(publicOwners.map((owner) => options.github.publicRepositories(token, owner)));
    for (const a of answers) stats.githubRequests += a.kind === "listed" ? a.requests : 1;
    if (answers.some((a) => a.kind === "rejected")) {
      reject(key);
      return { kind: "rejected" };
    }
    const unknown = answers.find((a): a is Unknown => a.kind === "unknown");
    if (unknown) return unknown;
    const before = publicGood?.bits ?? publicAtBuild;
    const bits = new Uint8Array(publicAtBuild.length);
    answers.forEach((a, i) => {
      if (a.kind !== "listed") return;
      const listedNow = new Set(a.repositories);
      const evidence = person && a.complete;
      for (const repo of builtPublicOf.get(publicOwners[i] as string) ?? []) {
        const bit = repoBit.get(repo) as number;
        if (listedNow.has(repo) || (!evidence && has(before, bit))) set(bits, bit);
      }
    });
    const t = now();
    publicGood = { bits, fresh: t + positiveMs, stale: t + positiveMs + PUBLIC_SET_GRACE_SECONDS * 1000 };
    return { kind: "public", bits };
  }
  function startPublic(token: string, key: string, person: boolean): Promise<PublicAnswer> {
    const answer: Promise<PublicAnswer> = fetchPublic(token, key, person)
      .catch((e: unknown): Unknown => ({ kind: "unknown", why: `internal error: ${e instanceof Error ? e.message : String(e)}` }))
      .then((a) => {
        if (publicPending?.answer === answer) publicPending = undefined;
        if (a.kind !== "public" && negativeMs > 0) publicFailed.set(key, a);
        return a;
      });
    publicPending = { by: key, answer };
    return answer;
  }
  /** A failed refresh: the last good set while it is within its grace, else the failure. */
  const publicFallback = (failure: Rejected | Unknown): Uint8Array | Rejected | Unknown => (failure.kind !== "rejected" && publicGood && now() < publicGood.stale ? publicGood.bits : failure);
  async function publicNow(token: string, key: string, person: boolean): Promise<Uint8Array | Rejected | Unknown> {
    if (publicOwners.length === 0) return publicAtBuild;
    const fresh = freshPublic();
    if (fresh) {
      stats.cacheHits++;
      return fresh;
    }
    const failed = publicFailed.get(key);
    if (failed) {
      stats.cacheHits++;
      return publicFallback(failed);
    }
    const pending = publicPending;
    let answer: PublicAnswer;
    if (pending) {
      stats.cacheHits++;
      answer = await pending.answer;
      // Another token's fetch failed: that says nothing about this person, who asks once with their own.
      if (answer.kind !== "public" && pending.by !== key) {
        const meanwhile = freshPublic();
        answer = meanwhile ? { kind: "public", bits: meanwhile } : await startPublic(token, key, person);
      }
    } else answer = await startPublic(token, key, person);
    return answer.kind === "public" ? answer.bits : publicFallback(answer);
  }

  const askRepo = (token: string, key: string, repo: string): Promise<RepositoryAccess> => ask<RepositoryAccess>(`${key} repo ${repo.toLowerCase()}`, () => options.github.repository(token, repo));
  const unavailable = (u: Unknown): Unavailable => ({ kind: "unavailable", why: u.why, retryAfterSeconds: u.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS });
  const whoOf = (identity: Identity): string => (identity.kind === "person" ? identity.login : identity.kind === "app" ? "(app token)" : "(unknown)");

  interface Admitted {
    token: string;
    key: string;
    userKey: string;
    /** Gives a new token's charge back to its client (a no-op for a token that was not charged). */
    refund: () => void;
  }

  /** The checks that need no GitHub call: a refusal, or the token and its cache key. */
  function admit(authorization: string | undefined, client: string | undefined): Refusal | Admitted {
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
    let refund = (): void => undefined;
    // A request joining a lookup in flight costs no call; a token GitHub has confirmed costs none either.
    if (client !== undefined && !inFlight.has(userKey) && !confirmed(key)) {
      const charge = spend(client);
      if (!("refund" in charge)) return { kind: "throttled", why: `too many new tokens from ${charge.client}`, retryAfterSeconds: charge.wait };
      refund = charge.refund;
    }
    return { token, key, userKey, refund };
  }

  /**
   * Who this is, asked alone first (so a token GitHub rejects costs one call), then the rest. If
   * GitHub cannot say, a token it confirmed before is still decided by its repositories; any other
   * is 503 after that one call. A new token's charge is given back once GitHub confirmed it.
   */
  async function identified<V extends GateVerdict | ListVerdict>(a: Admitted, then: (who: string, person: boolean) => Promise<V>): Promise<V | Refusal> {
    const identity = await ask<Identity>(a.userKey, () => options.github.identity(a.token));
    let verdict: V | Refusal;
    if (identity.kind === "rejected") verdict = { kind: "unauthorised", why: REJECTED };
    else if (identity.kind === "unknown" && !confirmed(a.key)) verdict = unavailable(identity);
    else verdict = await then(whoOf(identity), identity.kind === "person");
    if (identity.kind === "person" || verdict.kind === "allow") a.refund();
    return verdict;
  }

  /**
   * A name the index does not hold: one question of the same shape as a hidden project's, with the
   * person's token (`GET /repos/{gate owner}/{name}`), cached as a refusal whatever GitHub says, so
   * a missing name costs what a hidden one does, warm or cold. Its answer never grants; a 401 or no
   * answer means what it would for a hidden project (401, 503), so those look alike too.
   */
  async function decoy(token: string, key: string, who: string, name: string): Promise<GateVerdict> {
    const normalised = normalizeName(name);
    const answer = await ask<RepositoryAccess>(`${key} decoy ${normalised}`, async () => {
      const a = await options.github.repository(token, `${gateOwner}/${normalised}`);
      return a.kind === "readable" ? { kind: "hidden", why: "no such project" } : a;
    });
    if (answer.kind === "rejected") return { kind: "unauthorised", why: REJECTED };
    if (answer.kind === "unknown") return unavailable(answer);
    return { kind: "hidden", who, why: "no such project" };
  }

  /**
   * A path's verdict: every repository that guards it must be readable. The person's listing, when
   * a list page cached it, says yes without a call (it is never fetched for this: a "no" from it
   * would need asking anyway, for a renamed or an enterprise's internal repository it does not name).
   */
  async function decide(token: string, key: string, who: string, sitePath: string): Promise<GateVerdict> {
    const name = projectNamed(sitePath);
    if (name !== undefined && !Object.hasOwn(options.map.projects, name)) return decoy(token, key, who, name);
    const repos = guardOf(sitePath, options.map, gateRepository).repositories;
    const listed = granted.get(`${key} list`);
    const toAsk = repos.filter((repo) => {
      const bit = repoBit.get(repo.toLowerCase());
      return !(listed?.kind === "listed" && bit !== undefined && has(listed.bits, bit));
    });
    stats.cacheHits += repos.length - toAsk.length;
    const answers = await Promise.all(toAsk.map((repo) => askRepo(token, key, repo)));
    if (answers.some((a) => a.kind === "rejected")) return { kind: "unauthorised", why: REJECTED };
    const hiddenAt = answers.findIndex((a) => a.kind === "hidden");
    const hidden = answers[hiddenAt];
    if (hidden?.kind === "hidden") return { kind: "hidden", who, why: `${toAsk[hiddenAt]}: ${hidden.why}` };
    const unknown = answers.find((a): a is Unknown => a.kind === "unknown");
    if (unknown) return unavailable(unknown);
    return { kind: "allow", who };
  }

  /** A list page: the gate, the person's listing and the public set, asked at once. */
  async function decideList(token: string, key: string, who: string, person: boolean): Promise<ListVerdict> {
    const [gate, listed, publicBits] = await Promise.all([askRepo(token, key, gateRepository), listing(token, key), publicNow(token, key, person)]);
    if (gate.kind === "rejected" || listed.kind === "rejected" || (!(publicBits instanceof Uint8Array) && publicBits.kind === "rejected")) return { kind: "unauthorised", why: REJECTED };
    if (gate.kind === "hidden") return { kind: "hidden", who, why: `${gateRepository}: ${gate.why}` };
    if (gate.kind === "unknown") return unavailable(gate);
    if (listed.kind === "unknown") return unavailable(listed);
    // Fail closed: with no public set GitHub confirmed (nor a last good one within its grace), nothing counts as public.
    const open = publicBits instanceof Uint8Array ? publicBits : new Uint8Array(0);
    const visible = order.filter((name) => (projects.get(name)?.bits ?? []).every((bit) => has(listed.bits, bit) || (has(publicAtBuild, bit) && has(open, bit))));
    return { kind: "allow", who, projects: visible, complete: listed.complete };
  }

  return {
    stats,
    async check(authorization, sitePath, client) {
      const admitted = admit(authorization, client);
      if ("kind" in admitted) return admitted;
      return identified<GateVerdict>(admitted, (who) => decide(admitted.token, admitted.key, who, sitePath));
    },
    async list(authorization, sitePath, client) {
      const admitted = admit(authorization, client);
      if ("kind" in admitted) return admitted;
      return identified<ListVerdict>(admitted, (who, person) => decideList(admitted.token, admitted.key, who, person));
    },
  };
}
