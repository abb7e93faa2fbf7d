/**
 * The access gate's rules, with a scripted GitHub: verdict precedence, projects from several
 * repositories, app tokens, cache bounds and TTL edge cases. The end-to-end behaviour against the
 * GitHub emulator and real pip is in serve-auth.test.ts and lambda-edge-pip.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { accessMapFor, guardOf, sharedProjects, type AccessMap } from "../generator/access/access-map.js";
import { parseAuthorization } from "../generator/access/credentials.js";
import { createAccessGate } from "../generator/access/gate.js";
import type { GitHubAccess, Identity, RepositoryAccess, RepositoryList } from "../generator/access/github-access.js";
import type { DistributionFile } from "../generator/model/distribution.js";
import type { Project } from "../generator/model/project-index.js";

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

test("a project from two repositories needs both; one the listing lacks hides it", async () => {
  const { github } = scripted({ t: { kind: "person", login: "pat" } }, { "t acme/pypi": { kind: "readable" } }, { t: listing("acme/one") });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  assert.deepEqual(await gate.check(bearer("t"), "simple/solo/index.json"), { kind: "allow", who: "pat" });
  assert.deepEqual(await gate.check(bearer("t"), "simple/shared/index.json"), { kind: "hidden", who: "pat", why: "acme/two: not listed for this token" });
});

test("precedence: a rejected token is 401 even when GitHub also failed; hidden beats unknown; unknown is 503", async () => {
  const { github, asked } = scripted(
    { bad: { kind: "rejected" }, flaky: { kind: "person", login: "f" }, mixed: { kind: "person", login: "m" } },
    {
      "bad acme/one": { kind: "unknown", why: "HTTP 502" },
      "flaky acme/pypi": { kind: "readable" },
      "mixed acme/pypi": { kind: "readable" },
      "mixed acme/one": { kind: "unknown", why: "HTTP 502" },
      "mixed acme/two": { kind: "hidden", why: "nope" },
    },
    {
      flaky: { kind: "unknown", why: "HTTP 502", retryAfterSeconds: 42 },
      // More repositories than a listing holds: the ones it lacks are asked one by one.
      mixed: { kind: "listed", repositories: [], requests: 100, complete: false },
    },
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  assert.equal((await gate.check(bearer("bad"), "simple/solo/")).kind, "unauthorised");
  assert.deepEqual(asked, ["user bad"], "a token GitHub rejects is asked about once");
  assert.deepEqual(await gate.check(bearer("flaky"), "simple/solo/index.json"), { kind: "unavailable", why: "HTTP 502", retryAfterSeconds: 42 });
  assert.deepEqual(await gate.check(bearer("mixed"), "simple/shared/index.json"), { kind: "hidden", who: "m", why: "acme/two: nope" });
});

test("an app token (no /user) is decided by the repositories; /user failing does not block a readable repository", async () => {
  const { github } = scripted(
    { app: { kind: "app" }, down: { kind: "unknown", why: "HTTP 500" } },
    { "app acme/pypi": { kind: "readable" }, "down acme/pypi": { kind: "readable" } },
    { app: listing("acme/one"), down: listing("acme/one") },
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  assert.deepEqual(await gate.check(bearer("app"), "simple/solo/index.json"), { kind: "allow", who: "(app token)" });
  assert.deepEqual(await gate.check(bearer("down"), "simple/solo/index.json"), { kind: "allow", who: "(unknown)" });
});

test("unknown verdicts are never cached; TTL 0 means no caching rather than forever; a cached rejection skips GitHub", async () => {
  let answer: RepositoryList = { kind: "unknown", why: "HTTP 502" };
  const asked: string[] = [];
  const github: GitHubAccess = {
    identity: async (token) => (asked.push("user"), token === tokenFor("gone") ? { kind: "rejected" } : { kind: "person", login: "p" }),
    repository: async () => (asked.push("repo"), { kind: "readable" }),
    readableRepositories: async () => (asked.push("list"), answer),
    publicRepositories: async () => ({ kind: "unknown", why: "not asked here" }),
  };
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, positiveTtlSeconds: 0 });
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "unavailable");
  answer = listing("acme/one");
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  const before = asked.length;
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  assert.deepEqual(asked.slice(before), ["user", "repo", "list"], "positive TTL 0: asked again");

  const negative = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  asked.length = 0;
  await negative.check(bearer("gone"), "simple/solo/index.json");
  await negative.check(bearer("gone"), "simple/shared/index.json");
  assert.deepEqual(asked, ["user"], "the second request is refused from the cache alone");
  assert.equal(negative.stats.cacheHits, 1);
});

test("refusals are cached apart from grants: a flood of rejected tokens cannot evict a person's grant", async () => {
  const { github, asked } = scripted({ t: { kind: "person", login: "p" } }, { "t acme/pypi": { kind: "readable" } }, { t: listing("acme/one") });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, maxEntries: 4 });
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  for (let i = 0; i < 50; i++) assert.equal((await gate.check(bearer(`junk${i}`), "simple/solo/index.json", `10.0.0.${i}`)).kind, "unauthorised");
  asked.length = 0;
  assert.equal((await gate.check(bearer("t"), "simple/solo/index.json")).kind, "allow");
  assert.deepEqual(asked, [], "the grant survived");
});

test("the cache is bounded: old verdicts are evicted, and asked again when needed", async () => {
  const { github, asked } = scripted(
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, { kind: "person", login: `p${i}` } as Identity])),
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i} acme/pypi`, { kind: "readable" } as RepositoryAccess])),
    Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, listing("acme/one")])),
  );
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github, maxEntries: 4 });
  for (let i = 0; i < 10; i++) await gate.check(bearer(`t${i}`), "simple/solo/index.json");
  asked.length = 0;
  await gate.check(bearer("t9"), "simple/solo/index.json");
  assert.deepEqual(asked, [], "the most recent person is still cached");
  await gate.check(bearer("t0"), "simple/solo/index.json");
  assert.deepEqual(asked.sort(), ["list t0", "repo t0 acme/pypi", "user t0"], "the oldest was evicted");
});

test("concurrent checks for one token share the lookups in flight", async () => {
  const { github, asked } = scripted({ t: { kind: "person", login: "p" } }, { "t acme/pypi": { kind: "readable" } }, { t: listing("acme/one", "acme/two") });
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: MAP, github });
  const verdicts = await Promise.all(Array.from({ length: 25 }, () => gate.check(bearer("t"), "files/shared/x.whl")));
  assert.ok(verdicts.every((v) => v.kind === "allow"));
  assert.deepEqual(asked.sort(), ["list t", "repo t acme/pypi", "user t"]);
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
  assert.deepEqual(asked.filter((a) => a.endsWith("nobody") || a.includes(" nobody ")), ["user nobody"]);
  assert.equal(asked.filter((a) => a.startsWith("public")).length, 1, "the public set is one answer for everyone");
});
