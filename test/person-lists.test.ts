/**
 * A private index's list pages are per person (issue: "each person sees only the projects they may
 * read"), through `serve --auth github`: an organisation on the GitHub emulator where each person
 * was granted different repositories, real pip as each of them, the JSON and HTML root and the
 * landing page for each, the GitHub calls a view costs cold and warm, GitHub down, and access taken
 * away. The CDN's functions are tried in person-lists-edge.test.ts; the browser in person-lists-browser.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { createAccessGate } from "../generator/serving/access/gate.js";
import { createGitHubAccess, MAX_LIST_PAGES } from "../generator/serving/access/github-access.js";
import type { RunningServer } from "../generator/serving/server.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { tempDir } from "./helpers/paths.js";
import { serveGated, startPrivateOrg, type PrivateOrg } from "./helpers/private-org.js";
import { clientVenv } from "./helpers/client-venvs.js";
import { createVenv, venvAt } from "./helpers/python.js";

const ALICE = `ghp_alice${"0".repeat(31)}`;
const BOB = `ghp_bob${"0".repeat(33)}`;
const DAVE = `ghp_dave${"0".repeat(32)}`;
const ERIN = `ghp_erin${"0".repeat(32)}`;
const CAROL = `ghp_carol${"0".repeat(31)}`;

/** What each person may see: the demo's local projects (the gate's), acme-js (a public repository) and what they were granted. */
const LOCAL = ["demo-app", "demo-core", "demo-sdist-only", "demo-zip"];
const SEES = {
  alice: ["acme-app", "acme-core", "acme-js", "acme-secret", ...LOCAL].sort(),
  bob: ["acme-js", ...LOCAL].sort(),
  dave: ["acme-core", "acme-js", ...LOCAL].sort(),
};
const EVERY = SEES.alice;

let org: PrivateOrg;
let emu: GitHubEmulator;
let server: RunningServer;
let now = Date.UTC(2026, 0, 1);
const log: string[] = [];

const basic = (token: string): string => `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;
const indexFor = (token: string): string => `${server.url.replace("://", `://token:${token}@`)}/simple/`;
const githubCalls = (): string[] => emu.requests.filter((r) => r.server === "api").map((r) => `${r.method} ${r.url}`);

async function get(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { ...headers, ...(token ? { authorization: basic(token) } : {}) }, redirect: "manual" });
}

/** The names the JSON root lists for a person. */
async function jsonRoot(token: string): Promise<string[]> {
  const res = await get("/simple/", token, { accept: "application/vnd.pypi.simple.v1+json" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/vnd.pypi.simple.v1+json");
  const doc = (await res.json()) as { meta: { "api-version": string }; projects: { name: string }[] };
  assert.equal(doc.meta["api-version"], "1.5");
  // PEP 691 gives display names; PEP 503 normalisation makes them comparable.
  return doc.projects.map((p) => p.name.toLowerCase().replace(/[-_.]+/g, "-")).sort();
}

/** Every name the site could mention for a hidden project: its normalised name and its display names. */
function mentions(text: string, names: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return names.filter((n) => [n, n.replace(/-/g, "_"), n.replace(/-/g, ".")].some((spelling) => lower.includes(spelling)));
}

before(async () => {
  org = await startPrivateOrg({
    privateRepos: ["core", "app", "secret"],
    publicRepos: ["js"],
    people: [
      { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app", "acme/secret"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
      { login: "dave", tokens: [DAVE], repositories: ["acme/pypi", "acme/core"] },
      { login: "carol", tokens: [CAROL], repositories: ["acme/core"] },
      { login: "erin", tokens: [ERIN], repositories: ["acme/pypi", "acme/core"] },
    ],
    label: "lists",
  });
  emu = org.emu;
  ({ server } = await serveGated(org, { now: () => now, log: (line) => log.push(line) }));
});

after(async () => {
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.clearFaults();
  emu.clearRequests();
});

describe("what each person's list pages hold", () => {
  test("the build knows acme-js's repository is public; the site's own static root lists every project", () => {
    assert.deepEqual(org.map.public, ["acme/js"]);
    assert.deepEqual(
      org.lists.projects.map((p) => p.name),
      EVERY,
    );
    // What the server must never send: the static page on disk names them all.
    const onDisk = readFileSync(join(org.siteDir, "simple", "index.html"), "utf8");
    assert.deepEqual(mentions(onDisk, EVERY), EVERY);
  });

  test("the JSON root lists exactly the projects whose repositories each person may read", async () => {
    assert.deepEqual(await jsonRoot(ALICE), SEES.alice);
    assert.deepEqual(await jsonRoot(BOB), SEES.bob);
    assert.deepEqual(await jsonRoot(DAVE), SEES.dave);
  });

  test("the HTML root and the landing page too, with their count; a hidden project is named nowhere, in no spelling", async () => {
    for (const [token, who] of [
      [BOB, "bob"],
      [DAVE, "dave"],
    ] as const) {
      const hidden = EVERY.filter((n) => !SEES[who].includes(n));
      for (const path of ["/simple/", "/simple/index.html", "/", "/index.html"]) {
        const res = await get(path, token);
        assert.equal(res.status, 200, `${who} ${path}`);
        assert.equal(res.headers.get("cache-control"), "private, no-store", `${who} ${path}`);
        assert.match(res.headers.get("vary") ?? "", /Authorization/);
        const body = await res.text();
        assert.deepEqual(mentions(body, hidden), [], `${who} ${path}`);
        assert.deepEqual(mentions(body, SEES[who]), SEES[who], `${who} ${path} lists what ${who} may read`);
        if (path.startsWith("/index") || path === "/") {
          assert.match(body, new RegExp(`A Python package index with ${SEES[who].length} projects`), "the count is the person's");
          assert.equal((body.match(/<li class="project"/g) ?? []).length, SEES[who].length);
        } else {
          assert.equal((body.match(/<a href=/g) ?? []).length, SEES[who].length);
        }
      }
      // Negotiated by ?format= and by Accept, HEAD as GET without a body.
      const byQuery = await get("/simple/?format=application/vnd.pypi.simple.v1+json", token);
      assert.deepEqual(mentions(await byQuery.text(), hidden), []);
      const head = await fetch(`${server.url}/simple/`, { method: "HEAD", headers: { authorization: basic(token) } });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    }
  });

  test("carol may read acme/core but not the gate: no list page at all (404), and her project page still answers", async () => {
    assert.equal((await get("/simple/", CAROL)).status, 404);
    assert.equal((await get("/", CAROL)).status, 404);
    assert.equal((await get("/simple/acme-core/", CAROL)).status, 200);
  });

  test("no credentials: 401 on every list page, never the static one", async () => {
    for (const path of ["/", "/index.html", "/simple/", "/simple/index.json"]) {
      const res = await get(path);
      assert.equal(res.status, 401, path);
      assert.deepEqual(mentions(await res.text(), EVERY), [], path);
    }
  });
});

describe("real pip as each person", () => {
  test("dave installs acme-core; for bob it does not exist, and `pip index versions` says so", async () => {
    const dave = await createVenv(join(tempDir("lists-venv"), "dave"));
    const ok = await dave.pip(["download", "--no-deps", "--dest", tempDir("lists-dl"), "--index-url", indexFor(DAVE), "acme-core"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const bob = await createVenv(join(tempDir("lists-venv"), "bob"));
    const denied = await bob.pip(["download", "--no-deps", "--dest", tempDir("lists-dl"), "--index-url", indexFor(BOB), "acme-core"]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /No matching distribution found for acme-core/);
    const versions = await bob.pip(["index", "versions", "--index-url", indexFor(BOB), "acme-core"]);
    assert.notEqual(versions.code, 0);
    assert.match(versions.stdout + versions.stderr, /No matching distribution found for acme-core/);
    const own = await bob.pip(["index", "versions", "--index-url", indexFor(BOB), "acme-js"]);
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, /acme-js \(1\.0\.0\)/);
  });

  test("the oldest pip of the client matrix resolves the same way for each person", async () => {
    const oldest = { pip: "22.0.4" };
    const venv = venvAt((await clientVenv(`pip-${oldest.pip}`)).dir);
    const asDave = await venv.pip(["download", "--no-deps", "--dest", tempDir("lists-dl"), "--index-url", indexFor(DAVE), "acme-core"]);
    assert.equal(asDave.code, 0, `pip ${oldest.pip}: ${asDave.stderr}`);
    const asBob = await venv.pip(["download", "--no-deps", "--dest", tempDir("lists-dl"), "--index-url", indexFor(BOB), "acme-core"]);
    assert.notEqual(asBob.code, 0, `pip ${oldest.pip}`);
    assert.match(asBob.stderr, /No matching distribution found for acme-core/);
  });
});

describe("what a view costs, and when GitHub says no", () => {
  test("cold: who, then the gate, one listing page and the public set; warm: nothing; other list pages share the listing", async () => {
    now += 3_600_000; // every verdict from earlier tests has expired
    emu.clearRequests();
    assert.deepEqual(await jsonRoot(DAVE), SEES.dave);
    assert.deepEqual(githubCalls().sort(), ["GET /orgs/acme/repos?type=public&per_page=100&page=1", "GET /repos/acme/pypi", "GET /user", "GET /user/repos?per_page=100&page=1"]);
    // The public set is the same for everyone: the next person's cold view does not ask for it again.
    emu.clearRequests();
    assert.deepEqual(await jsonRoot(ALICE), SEES.alice);
    assert.deepEqual(githubCalls().sort(), ["GET /repos/acme/pypi", "GET /user", "GET /user/repos?per_page=100&page=1"]);
    emu.clearRequests();
    assert.deepEqual(await jsonRoot(DAVE), SEES.dave);
    assert.equal((await get("/", DAVE)).status, 200);
    assert.deepEqual(githubCalls(), [], "warm: from the verdict cache");
    assert.ok(
      log.some((l) => /^GET \/ 200 dave \(lists 6\)$/.test(l)),
      log.slice(-3).join("\n"),
    );
  });

  test("a person who may read many repositories: the first page gives the count, the rest are fetched together", async () => {
    emu.setOrg(
      "elsewhere",
      Array.from({ length: 250 }, (_, i) => ({ name: `repo-${i}`, private: true })),
    );
    for (let i = 0; i < 250; i++) emu.grant("erin", `elsewhere/repo-${i}`);
    assert.deepEqual(await jsonRoot(ERIN), SEES.dave, "erin's grants match dave's in this organisation");
    const pages = githubCalls()
      .filter((c) => c.startsWith("GET /user/repos"))
      .sort();
    assert.deepEqual(
      pages,
      [1, 2, 3].map((n) => `GET /user/repos?per_page=100&page=${n}`),
    );
    assert.ok(MAX_LIST_PAGES >= 20, "2,000 repositories fit the listing");
  });

  test("GitHub down for the listing: 503 with Retry-After and no list at all; a person listed already is served from the cache", async () => {
    now += 3_600_000;
    assert.equal((await get("/simple/", ALICE)).status, 200); // alice's listing is cached now
    emu.addFault({ path: "/user/repos", fault: { kind: "status", status: 502 } });
    const res = await get("/simple/", BOB);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "10");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.deepEqual(mentions(await res.text(), EVERY), []);
    // Project pages do not need the listing: each asks about its own repository.
    assert.equal((await get("/simple/acme-js/", BOB)).status, 200);
    assert.equal((await get("/simple/acme-app/", ALICE)).status, 200);
    assert.deepEqual(await jsonRoot(ALICE), SEES.alice);
    // A listing that is not GitHub's JSON (a proxy's page) is no better than none.
    emu.clearFaults();
    emu.addFault({ path: "/user/repos", fault: { kind: "status", status: 200, body: { not: "a list" } } });
    now += 3_600_000;
    assert.equal((await get("/simple/", BOB)).status, 503);
    emu.clearFaults();
    assert.deepEqual(await jsonRoot(BOB), SEES.bob, "an unknown answer is not cached: the next view asks again");
  });

  test("access taken away: the project stays listed until the person's listing expires (the positive TTL), then it is gone", async () => {
    now += 3_600_000;
    assert.ok((await jsonRoot(DAVE)).includes("acme-core"));
    emu.revoke("dave", "acme/core");
    now += 60_000;
    assert.ok((await jsonRoot(DAVE)).includes("acme-core"), "cached for up to 5 minutes, like every grant");
    now += 241_000;
    assert.deepEqual(await jsonRoot(DAVE), SEES.bob);
    emu.grant("dave", "acme/core");
    // A token GitHub rejects: 401 once its verdicts expire, the listing included.
    emu.revokeToken(ERIN);
    now += 301_000;
    assert.equal((await get("/simple/", ERIN)).status, 401);
  });
});

describe("the gate's listing against the emulator directly", () => {
  test("an app's token (no /user/repos) is listed by /installation/repositories; a map without public repositories lists less, never more", async () => {
    const bot = `ghs_${"b".repeat(36)}`;
    const solo = await GitHubEmulator.start({ token: bot });
    try {
      solo.setOrg("acme", [{ name: "pypi", private: true }, { name: "core", private: true }, { name: "js" }]);
      const map = { version: 1 as const, projects: { "acme-core": ["acme/core"], "acme-js": ["acme/js"], local: ["(gate)"] }, public: ["acme/js"] };
      const gateFor = (m: typeof map | Omit<typeof map, "public">) => createAccessGate({ gateRepository: "acme/pypi", map: m, github: createGitHubAccess({ apiUrl: solo.apiUrl }) });
      const listed = await gateFor(map).list(`Bearer ${bot}`, "simple/index.html");
      assert.equal(listed.kind, "allow");
      assert.deepEqual(listed.kind === "allow" ? listed.projects : [], ["acme-core", "acme-js", "local"]);
      assert.deepEqual(
        solo.requests
          .filter((r) => r.server === "api" && r.url.includes("repos"))
          .map((r) => `${r.url} ${r.status}`)
          .sort(),
        ["/installation/repositories?per_page=100&page=1 200", "/orgs/acme/repos?type=public&per_page=100&page=1 200", "/repos/acme/pypi 200", "/user/repos?per_page=100&page=1 403"],
      );
      // A person granted nothing but the gate: acme-js is public, but only the build can say so.
      const PERSON = `ghp_p${"0".repeat(35)}`;
      solo.setPeople([{ login: "p", tokens: [PERSON], repositories: ["acme/pypi"] }]);
      const withPublic = await gateFor(map).list(`Bearer ${PERSON}`, "simple/index.html");
      assert.deepEqual(withPublic.kind === "allow" ? withPublic.projects : withPublic, ["acme-js", "local"]);
      const { public: _, ...older } = map;
      const withoutPublic = await gateFor(older).list(`Bearer ${PERSON}`, "simple/index.html");
      assert.deepEqual(withoutPublic.kind === "allow" ? withoutPublic.projects : withoutPublic, ["local"]);
    } finally {
      await solo.close();
    }
  });
});
