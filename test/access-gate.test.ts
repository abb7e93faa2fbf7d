/**
 * The access gate's rules, with a scripted GitHub: verdict precedence, projects from several
 * repositories, app tokens, cache bounds and TTL edge cases. The end-to-end behaviour against the
 * GitHub emulator and real pip is in serve-auth.test.ts and lambda-edge-pip.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { accessMapFor, guardOf, sharedProjects, type AccessMap } from "../generator/serving/access/access-map.js";
import { parseAuthorization } from "../generator/serving/access/credentials.js";
import { createAccessGate } from "../generator/serving/access/gate.js";
import type { GitHubAccess, Identity, RepositoryAccess, RepositoryList } from "../generator/serving/access/github-access.js";
import type { DistributionFile } from "../generator/model/distribution.js";
import type { Project } from "../generator/model/project.js";

const MAP: AccessMap = { version: 1, projects: { shared: ["acme/one", "acme/two"], solo: ["acme/one"], local: ["(gate)"] } };
/** A GitHub-shaped token for a short test name (`t` -> `ghp_txxx...`), so the gate asks about it. */
const tokenFor = (name: string): string => `ghp_${name}${"x".repeat(36 - name.length)}`;
const nameOf = (token: string): string => token.slice(4).replace(/x+$/, "");
const bearer = (name: string) => `Bearer ${tokenFor(name)}`;

/** A GitHub whose answers are scripted per token (its short name) and repository, counting questions. */
function scripted(identities: Record<string, Identity>, access: Record<string, RepositoryAccess>, lists: Record<string, RepositoryList> = {}, publicNow: string[] = []) {
  const asked: string[] = [];
  const github: GitHubAccess = {
    readableRepositories: async (full) => {
      const token = nameOf(full);
      asked.push(`list ${token}`);
      return lists[token] ?? { kind: "listed", repositories: [], requests: 1, complete: true };
    },
    publicRepositories: async (full, owner) => {
      asked.push(`public ${nameOf(full)} ${owner}`);
      return { kind: "listed", repositories: publicNow.filter((r) => r.startsWith(`${owner}/`)), requests: 1, complete: true };
    },
    identity: async (full) => {
      const token = nameOf(full);
      asked.push(`user ${token}`);
      return identities[token] ?? { kind: "rejected" };
    },
    repository: async (full, repo) => {
      const token = nameOf(full);
      asked.push(`repo ${token} ${repo}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return access[`${token} ${repo}`] ?? { kind: "hidden", why: "not found for this token" };
    },
  };
  return { github, asked };
}

test("the access map: each project's repositories, local files guarded by the gate, paths to guards", () => {
  const file = (project: string, repository?: string) => ({ parsed: { project }, ...(repository ? { repository } : {}) }) as DistributionFile;
  const projects = [
    { name: "a", files: [file("a", "acme/a"), file("a", "acme/a")] },
    { name: "b", files: [file("b", "acme/b"), file("b")] },
    // Quarantined: no files left, yet its pages stay as private as its repository.
    { name: "q", files: [], withheldFrom: ["acme/q"] },
    { name: "l", files: [] },
  ] as Project[];
  const map = accessMapFor({ projects });
  assert.deepEqual(map.projects, { a: ["acme/a"], b: ["(gate)", "acme/b"], q: ["acme/q"], l: ["(gate)"] });
  assert.deepEqual(sharedProjects(map), ["b"]);
  assert.deepEqual(guardOf("simple/a/index.json", map, "acme/pypi"), { repositories: ["acme/a"], unknownProject: false });
  assert.deepEqual(guardOf("files/b/b-1.0.tar.gz", map, "acme/pypi"), { repositories: ["acme/pypi", "acme/b"], unknownProject: false });
  assert.deepEqual(guardOf("simple/zzz/index.html", map, "acme/pypi"), { repositories: ["acme/pypi"], unknownProject: true });
  assert.deepEqual(guardOf("simple/index.html", map, "acme/pypi"), { repositories: ["acme/pypi"], unknownProject: false });
  assert.deepEqual(guardOf("index.html", map, "acme/pypi"), { repositories: ["acme/pypi"], unknownProject: false });
  // Object.prototype names are not projects.
  assert.equal(guardOf("simple/constructor/index.html", map, "acme/pypi").unknownProject, true);
});

test("credentials: Basic splits at the first colon, other schemes and shapes are named problems", () => {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  assert.deepEqual(parseAuthorization(`Basic ${b64("u:a:b:c")}`), { ok: true, token: "a:b:c" });
  assert.deepEqual(parseAuthorization(`basic   ${b64("u:t")}  `), { ok: true, token: "t" });
  assert.deepEqual(parseAuthorization(`Basic ${b64("u:t").replace(/=+$/, "")}`), { ok: true, token: "t" }, "padding is optional");
  assert.deepEqual(parseAuthorization(`Basic ${b64("tok:")}`), { ok: true, token: "tok" }, "the user name when the password is empty");
  assert.deepEqual(parseAuthorization(undefined), { ok: false, problem: "missing" });
  assert.deepEqual(parseAuthorization("Basic a"), { ok: false, problem: "malformed" });
  assert.deepEqual(parseAuthorization("Negotiate abc"), { ok: false, problem: "malformed" });
  assert.deepEqual(parseAuthorization("Bearer a b"), { ok: false, problem: "malformed" });
  assert.deepEqual(parseAuthorization(`Bearer ${"x".repeat(513)}`), { ok: false, problem: "too-long" });
  assert.deepEqual(parseAuthorization(`Basic ${b64("u:t\u00e9")}`), { ok: false, problem: "not-ascii" });
  assert.deepEqual(parseAuthorization(`Basic ${b64("u:t t")}`), { ok: false, problem: "not-ascii" }, "no spaces in a token");
});

/** A listing of these repositories, complete. */
const listing = (...repositories: string[]): RepositoryList => ({ kind: "listed", repositories, requests: 1, complete: true });

test("a project from two repositories needs both; one refusal hides it", async () => {
  const { github } = scripted({ t: { kind: "person", login: "pat" } }, { "t acme/one": { kind: "readable" }, "t acme/two": { kind: "hidden", why: "not found for this token" } });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  assert.deepEqual(await gate.check(bearer("t"), "simple/solo/index.json"), { kind: "allow", who: "pat" });
  assert.deepEqual(await gate.check(bearer("t"), "simple/shared/index.json"), { kind: "hidden", who: "pat", why: "acme/two: not found for this token" });
});

test("project pages: a listing a list page cached says yes without a call, never no; none is fetched for a project page", async () => {
  const { github, asked } = scripted(
    { t: { kind: "person", login: "pat" }, u: { kind: "person", login: "una" } },
    { "t acme/pypi": { kind: "readable" }, "t acme/two": { kind: "readable" }, "u acme/one": { kind: "readable" } },
    { t: listing("acme/one"), u: listing("acme/one") },
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  assert.equal((await gate.list(bearer("t"), "simple/index.html")).kind, "allow");
  asked.length = 0;
  assert.deepEqual(await gate.check(bearer("t"), "simple/solo/index.json"), { kind: "allow", who: "pat" });
  assert.deepEqual(asked, [], "acme/one is in pat's listing");
  // acme/two is not listed for pat (a renamed repository, an enterprise's internal one): GitHub is asked, and says yes.
  assert.deepEqual(await gate.check(bearer("t"), "files/shared/x.whl"), { kind: "allow", who: "pat" });
  assert.deepEqual(asked, ["repo t acme/two"]);
  asked.length = 0;
  assert.deepEqual(await gate.check(bearer("u"), "simple/solo/index.json"), { kind: "allow", who: "una" });
  assert.deepEqual(asked, ["user u", "repo u acme/one"], "una has no listing cached, and none is fetched");
});

test("a name the index lacks asks a decoy question of a hidden project's shape, cached as a refusal whatever it says", async () => {
  let now = 1_000_000; // not 0: lru-cache takes a start time of 0 for none
  const { github, asked } = scripted(
    { t: { kind: "person", login: "pat" }, gone: { kind: "person", login: "gone" }, down: { kind: "person", login: "down" } },
    // A repository of the gate's owner named like the missing project, readable: still no grant.
    { "t acme/zzz": { kind: "readable" }, "gone acme/zzz": { kind: "rejected" }, "down acme/zzz": { kind: "unknown", why: "HTTP 502" } },
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, now: () => now });
  assert.deepEqual(await gate.check(bearer("t"), "simple/zzz/index.html"), { kind: "hidden", who: "pat", why: "no such project" });
  assert.deepEqual(await gate.check(bearer("t"), "files/ZZZ/zzz-1.0.tar.gz"), { kind: "hidden", who: "pat", why: "no such project" });
  assert.deepEqual(asked, ["user t", "repo t acme/zzz"], "one question for the name, in any spelling");
  now += 31_000; // the refusal TTL, as for a hidden project's repository
  await gate.check(bearer("t"), "simple/zzz/index.html");
  assert.deepEqual(asked.slice(2), ["repo t acme/zzz"]);
  // A 401 or no answer says what it would for a hidden project.
  assert.equal((await gate.check(bearer("gone"), "simple/zzz/index.html")).kind, "unauthorised");
  assert.equal((await gate.check(bearer("gone"), "simple/solo/index.html")).kind, "unauthorised", "and the token is rejected");
  assert.equal((await gate.check(bearer("down"), "simple/zzz/index.html")).kind, "unavailable");
});

test("precedence: a rejected token is 401 even when GitHub also failed; hidden beats unknown; unknown is 503", async () => {
  const { github, asked } = scripted(
    { bad: { kind: "rejected" }, flaky: { kind: "person", login: "f" }, mixed: { kind: "person", login: "m" } },
    {
      "bad acme/one": { kind: "unknown", why: "HTTP 502" },
      "flaky acme/one": { kind: "unknown", why: "HTTP 502", retryAfterSeconds: 42 },
      "mixed acme/one": { kind: "unknown", why: "HTTP 502" },
      "mixed acme/two": { kind: "hidden", why: "nope" },
    },
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  assert.equal((await gate.check(bearer("bad"), "simple/solo/")).kind, "unauthorised");
  assert.deepEqual(asked, ["user bad"], "a token GitHub rejects is asked about once");
  assert.deepEqual(await gate.check(bearer("flaky"), "simple/solo/index.json"), { kind: "unavailable", why: "HTTP 502", retryAfterSeconds: 42 });
  assert.deepEqual(await gate.check(bearer("mixed"), "simple/shared/index.json"), { kind: "hidden", who: "m", why: "acme/two: nope" });
});

test("an app token (no /user) is decided by the repositories; /user failing is 503 for a new token, not for one GitHub confirmed before", async () => {
  let now = 1_000_000; // not 0: lru-cache takes a start time of 0 for none
  const identities: Record<string, Identity> = { app: { kind: "app" }, down: { kind: "unknown", why: "HTTP 500" }, was: { kind: "person", login: "w" } };
  const { github, asked } = scripted(identities, {
    "app acme/one": { kind: "readable" },
    "down acme/one": { kind: "readable" },
    "was acme/one": { kind: "readable" },
    "was acme/two": { kind: "readable" },
  });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, now: () => now });
  assert.deepEqual(await gate.check(bearer("app"), "simple/solo/index.json"), { kind: "allow", who: "(app token)" });
  assert.deepEqual(await gate.check(bearer("down"), "simple/solo/index.json"), { kind: "unavailable", why: "HTTP 500", retryAfterSeconds: 10 });
  assert.deepEqual(
    asked.filter((a) => a.includes(" down")),
    ["user down"],
    "one call, and no repository asked for a token GitHub never confirmed",
  );
  assert.equal((await gate.check(bearer("was"), "simple/solo/index.json")).kind, "allow");
  now += 200_000;
  assert.equal((await gate.check(bearer("was"), "files/shared/x.whl")).kind, "allow");
  now += 101_000; // who they are has expired, the grant for acme/two has not
  identities.was = { kind: "unknown", why: "HTTP 500" };
  assert.deepEqual(await gate.check(bearer("was"), "files/shared/x.whl"), { kind: "allow", who: "(unknown)" });
});

test("unknown verdicts are never cached; TTL 0 means no caching rather than forever; a cached rejection skips GitHub", async () => {
  let answer: RepositoryAccess = { kind: "unknown", why: "HTTP 502" };
  const asked: string[] = [];
  const github: GitHubAccess = {
    identity: async (token) => (asked.push("user"), token === tokenFor("gone") ? { kind: "rejected" } : { kind: "person", login: "p" }),
    repository: async () => (asked.push("repo"), answer),
    readableRepositories: async () => ({ kind: "unknown", why: "not asked here" }),
    publicRepositories: async () => ({ kind: "unknown", why: "not asked here" }),
  };
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, positiveTtlSeconds: 0 });
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "unavailable");
  answer = { kind: "readable" };
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  const before = asked.length;
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  assert.deepEqual(asked.slice(before), ["user", "repo"], "positive TTL 0: asked again");

  const negative = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  asked.length = 0;
  await negative.check(bearer("gone"), "simple/solo/index.json");
  await negative.check(bearer("gone"), "simple/shared/index.json");
  assert.deepEqual(asked, ["user"], "the second request is refused from the cache alone");
  assert.equal(negative.stats.cacheHits, 1);
});

test("refusals are cached apart from grants: a flood of rejected tokens cannot evict a person's grant", async () => {
  const { github, asked } = scripted({ t: { kind: "person", login: "p" } }, { "t acme/one": { kind: "readable" } });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, maxEntries: 4 });
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  for (let i = 0; i < 50; i++) assert.equal((await gate.check(bearer(`junk${i}`), "simple/solo/index.json", `10.0.0.${i}`)).kind, "unauthorised");
  asked.length = 0;
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  assert.deepEqual(asked, [], "the grant survived");
});

test("the cache is bounded: old verdicts are evicted, and asked again when needed", async () => {
  const { github, asked } = scripted(
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, { kind: "person", login: `p${i}` }])),
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i} acme/one`, { kind: "readable" }])),
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, maxEntries: 4 });
  for (let i = 0; i < 10; i++) await gate.check(bearer(`t${i}`), "simple/solo/index.json");
  asked.length = 0;
  await gate.check(bearer("t9"), "simple/solo/index.json");
  assert.deepEqual(asked, [], "the most recent person is still cached");
  await gate.check(bearer("t0"), "simple/solo/index.json");
  assert.deepEqual(asked.sort(), ["repo t0 acme/one", "user t0"], "the oldest was evicted");
});

test("concurrent checks for one token share the lookups in flight", async () => {
  const { github, asked } = scripted({ t: { kind: "person", login: "p" } }, { "t acme/one": { kind: "readable" }, "t acme/two": { kind: "readable" } });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  const verdicts = await Promise.all(Array.from({ length: 25 }, () => gate.check(bearer("t"), "files/shared/x.whl")));
  assert.ok(verdicts.every((v) => v.kind === "allow"));
  assert.deepEqual(asked.sort(), ["repo t acme/one", "repo t acme/two", "user t"]);
  assert.equal(gate.stats.githubRequests, 3);
});

test("list pages: the projects whose repositories are all listed (or public now, or the gate's); a new token lists only once GitHub accepted it; the answer is cached", async () => {
  const map: AccessMap = { ...MAP, public: ["acme/two"] };
  const { github, asked } = scripted(
    { t: { kind: "person", login: "pat" }, u: { kind: "person", login: "una" } },
    { "t acme/pypi": { kind: "readable" }, "u acme/pypi": { kind: "hidden", why: "not found for this token" } },
    { t: { kind: "listed", repositories: ["acme/one", "other/thing"], requests: 3, complete: true } },
    ["acme/two"],
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map, github });
  // shared needs acme/one (listed) and acme/two (public); solo needs acme/one; local the gate.
  assert.deepEqual(await gate.list(bearer("t"), "simple/index.html"), { kind: "allow", who: "pat", projects: ["local", "shared", "solo"], complete: true });
  assert.deepEqual(asked, ["user t", "repo t acme/pypi", "list t", "public t acme"], "who first, then the rest at once");
  assert.equal(gate.stats.githubRequests, 1 + 1 + 3 + 1, "every page of the listing counts");
  await gate.list(bearer("t"), "index.html");
  assert.equal(asked.filter((a) => a === "list t").length, 1, "cached");
  // Someone who may not read the gate sees no list; a token GitHub rejects is never listed.
  assert.equal((await gate.list(bearer("u"), "simple/index.html")).kind, "hidden");
  assert.equal((await gate.list(bearer("nobody"), "simple/index.html")).kind, "unauthorised");
  assert.deepEqual(
    asked.filter((a) => a.endsWith("nobody") || a.includes(" nobody ")),
    ["user nobody"],
  );
  assert.equal(asked.filter((a) => a.startsWith("public")).length, 1, "the public set is one answer for everyone");
});

test("the public set: a repository stops counting as public only on a complete listing read with a person's token", async () => {
  let now = 1_000_000;
  const map: AccessMap = { version: 1, projects: { a: ["acme/a"], b: ["acme/b"] }, public: ["acme/a", "acme/b"] };
  // Each token's public listing of acme: an app's is narrowed to its installation, one person's is cut off at the page cap.
  const publicListing: Record<string, RepositoryList> = {
    app: { kind: "listed", repositories: ["acme/a"], requests: 1, complete: true },
    capped: { kind: "listed", repositories: [], requests: 100, complete: false },
    pat: { kind: "listed", repositories: ["acme/a"], requests: 1, complete: true },
  };
  const github: GitHubAccess = {
    identity: async (full) => (nameOf(full) === "app" ? { kind: "app" } : { kind: "person", login: nameOf(full) }),
    repository: async () => ({ kind: "readable" }),
    readableRepositories: async () => listing(),
    publicRepositories: async (full) => publicListing[nameOf(full)] ?? { kind: "unknown", why: "not scripted" },
  };
  const gate = createAccessGate({ gateRepository: "acme/pypi", map, github, now: () => now });
  const sees = async (who: string): Promise<string[]> => {
    now += 301_000; // the last public set has expired: this person's token asks
    const v = await gate.list(bearer(who), "simple/index.html");
    return v.kind === "allow" ? v.projects : [v.kind];
  };
  assert.deepEqual(await sees("app"), ["a", "b"], "an app's listing that omits acme/b is no evidence");
  assert.deepEqual(await sees("capped"), ["a", "b"], "nor is a listing past the page cap");
  assert.deepEqual(await sees("pat"), ["a"], "a person's complete listing is");
  assert.deepEqual(await sees("app"), ["a"], "and an app's listing does not bring it back");
});
