/**
 * The access gate, round two of hardening (issue 24), over real HTTP through `serve --auth github`'s
 * server with the GitHub emulator behind it (GitHub's distance played by the emulator's latency):
 * a hidden project and a missing one cost the same GitHub calls, cold and warm, whether or not the
 * person's listing is cached; an invented token costs one call, a 403 from `GET /user` that is not
 * an app's decides nothing, and a flood of them from one address costs a bounded number while real
 * people's new tokens never use the allowance up; new tokens are limited per IPv6 /64 and per /48;
 * an answer in flight when GitHub rejected the token grants nothing; a repository made private after
 * the build leaves the lists of the people who can no longer read it; one token's failing public
 * listing reaches no one else.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { after, before, beforeEach, describe, test } from "node:test";
import { createAccessGate, DEFAULT_NEW_TOKENS_PER_CLIENT, PUBLIC_SET_GRACE_SECONDS } from "../generator/serving/access/gate.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import type { RunningServer } from "../generator/serving/server.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { serveGated, startPrivateOrg, type PrivateOrg } from "./helpers/private-org.js";

const ALICE = `ghp_alice${"0".repeat(31)}`;
const BOB = `ghp_bob${"0".repeat(33)}`;
const CARL = `ghp_carl${"0".repeat(32)}`;
/** Forty colleagues behind one address (an office's NAT, a CI fan-out), each with a token of their own. */
const STAFF = Array.from({ length: 40 }, (_, i) => `ghp_staff${String(i).padStart(31, "0")}`);
/** GitHub's distance, as the issue measured it. */
const LATENCY_MS = 150;

let org: PrivateOrg;
let emu: GitHubEmulator;
let server: RunningServer;
/** The gate's clock runs in real time (the per-address bucket refills while a loop runs) and tests jump it forward. */
let offset = 0;
const log: string[] = [];

const basic = (token: string): string => `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;
const githubCalls = (): string[] => emu.requests.filter((r) => r.server === "api").map((r) => `${r.method} ${r.url}`);

/** A GET from a chosen loopback address (so one test can be several clients), with its status and time. */
function getFrom(localAddress: string, path: string, token: string, accept?: string): Promise<{ status: number; body: string; ms: number; retryAfter: string | undefined }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: basic(token), ...(accept ? { accept } : {}) };
    const req = request(`${server.url}${path}`, { localAddress, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - start, retryAfter: res.headers["retry-after"] }));
    });
    req.on("error", reject);
    req.end();
  });
}
const get = (path: string, token: string, accept?: string) => getFrom("127.0.0.1", path, token, accept);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

before(async () => {
  org = await startPrivateOrg({
    privateRepos: ["core", "app", "secret"],
    publicRepos: ["js"],
    people: [
      { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app", "acme/secret"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
      { login: "carl", tokens: [CARL], repositories: ["acme/pypi", "acme/app"] },
      ...STAFF.map((token, i) => ({ login: `staff${i}`, tokens: [token], repositories: ["acme/pypi", "acme/app"] })),
    ],
    label: "hardening-2",
  });
  emu = org.emu;
  ({ server } = await serveGated(org, { now: () => Date.now() + offset, log: (line) => log.push(line) }));
});

after(async () => {
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.clearFaults();
  emu.clearRequests();
  emu.latencyMs = 0;
  log.length = 0;
  offset += 7_200_000; // every test starts with nothing cached, no public set (nor one in its grace) and full buckets
});

describe("a hidden project and a missing one cost the same", () => {
  // Names of one length, so nothing but time could tell them apart (the bytes are compared in gate-hardening.test.ts).
  const HIDDEN = ["acme-app", "acme-core", "acme-secret"];
  const MISSING = ["acme-zap", "acme-zero", "acme-sequel"];
  /** GitHub calls by path shape: `/repos/acme/app` and `/repos/acme/acme-zap` are the same question to an onlooker. */
  const shapes = (): string[] =>
    githubCalls()
      .map((c) => c.replace(/^GET \/repos\/[^/?]+\/[^/?]+$/, "GET /repos/{owner}/{repo}"))
      .sort();
  /** The first and the second request for each name, with the calls each cost. */
  const twice = async (token: string, names: string[]): Promise<{ first: { calls: string[]; ms: number }[]; again: { calls: string[]; ms: number }[] }> => {
    const out = { first: [] as { calls: string[]; ms: number }[], again: [] as { calls: string[]; ms: number }[] };
    for (const name of names) {
      for (const round of [out.first, out.again]) {
        emu.clearRequests();
        const r = await get(`/simple/${name}/`, token);
        assert.equal(r.status, 404, name);
        round.push({ calls: shapes(), ms: r.ms });
      }
    }
    return out;
  };
  /** GitHub is 150 ms away: a call shows in the time, cached answers do not (margins a loaded machine cannot cross). */
  const assertTimes = (first: { ms: number }[], again: { ms: number }[], what: string): void => {
    assert.ok(
      first.every((r) => r.ms >= LATENCY_MS),
      `${what}, first: ${first.map((r) => r.ms.toFixed(0)).join(",")}`,
    );
    assert.ok(median(again.map((r) => r.ms)) < LATENCY_MS / 2, `${what}, again: ${again.map((r) => r.ms.toFixed(0)).join(",")}`);
  };

  test("a person whose list is warm: one GitHub question of the same shape for either the first time, none while cached", async () => {
    emu.latencyMs = LATENCY_MS;
    assert.equal((await get("/simple/", BOB)).status, 200, "bob's list, and with it his listing, is warm");
    const hidden = await twice(BOB, HIDDEN);
    const missing = await twice(BOB, MISSING);
    for (const r of [...hidden.first, ...missing.first]) assert.deepEqual(r.calls, ["GET /repos/{owner}/{repo}"]);
    for (const r of [...hidden.again, ...missing.again]) assert.deepEqual(r.calls, []);
    assertTimes(hidden.first, hidden.again, "hidden");
    assertTimes(missing.first, missing.again, "missing");
  });

  test("a person whose list is cold: the same questions for a hidden and a missing name, first and again", async () => {
    emu.latencyMs = LATENCY_MS;
    const hidden = await twice(BOB, HIDDEN);
    offset += 3_600_000; // bob is new to the gate again
    const missing = await twice(BOB, MISSING);
    assert.deepEqual(hidden.first[0]?.calls, ["GET /repos/{owner}/{repo}", "GET /user"]);
    assert.deepEqual(missing.first[0]?.calls, hidden.first[0]?.calls);
    assert.deepEqual(
      hidden.first.slice(1).map((r) => r.calls),
      missing.first.slice(1).map((r) => r.calls),
    );
    for (const r of [...hidden.again, ...missing.again]) assert.deepEqual(r.calls, []);
    assertTimes(hidden.first, hidden.again, "hidden");
    assertTimes(missing.first, missing.again, "missing");
  });

  test("while its refusal is cached, neither asks again; after the negative TTL each asks once more, alike", async () => {
    assert.equal((await get("/simple/", BOB)).status, 200);
    await twice(BOB, [HIDDEN[0] as string, MISSING[0] as string]);
    offset += 31_000; // the refusals expire, the listing (5 minutes) does not
    const hidden = await twice(BOB, [HIDDEN[0] as string]);
    const missing = await twice(BOB, [MISSING[0] as string]);
    const calls = (r: { first: { calls: string[] }[]; again: { calls: string[] }[] }) => [...r.first, ...r.again].map((x) => x.calls);
    assert.deepEqual(calls(hidden), [["GET /repos/{owner}/{repo}"], []], "one question, not a fresh listing");
    assert.deepEqual(calls(missing), calls(hidden));
  });
});

test("a repository the person's warm listing does not name is asked about: a renamed one (301) and one the listing leaves out (an enterprise's internal one) are readable", async () => {
  const own = await GitHubEmulator.start();
  try {
    own.setOrg("acme", [
      { name: "pypi", private: true },
      { name: "renamed", private: true, formerNames: ["old"] },
      { name: "inside", visibility: "internal" },
    ]);
    own.setPeople([{ login: "pat", tokens: [ALICE], repositories: ["acme/pypi", "acme/renamed", "acme/inside"] }]);
    // The build saw acme/old before its rename; GitHub's listing for pat leaves acme/inside out, as it may for enterprise members.
    const entry = (name: string) => ({ full_name: `acme/${name}`, permissions: { pull: true } });
    own.addFault({ path: "/user/repos", fault: { kind: "status", status: 200, body: [entry("pypi"), entry("renamed")] } });
    const map = { version: 1 as const, projects: { "old-tool": ["acme/old"], "inside-tool": ["acme/inside"] } };
    const gate = createAccessGate({ gateRepository: "acme/pypi", map, github: createGitHubAccess({ apiUrl: own.apiUrl }) });
    assert.equal((await gate.list(`Bearer ${ALICE}`, "simple/index.html")).kind, "allow", "pat's listing is warm");
    own.clearRequests();
    assert.deepEqual(await gate.check(`Bearer ${ALICE}`, "simple/old-tool/index.html"), { kind: "allow", who: "pat" });
    assert.deepEqual(await gate.check(`Bearer ${ALICE}`, "simple/inside-tool/index.html"), { kind: "allow", who: "pat" });
    const calls = own.requests.filter((r) => r.server === "api").map((r) => `${r.url} ${r.status}`);
    assert.deepEqual(
      calls.filter((c) => !c.startsWith("/repositories/")),
      ["/repos/acme/old 301", "/repos/acme/inside 200"],
    );
  } finally {
    await own.close();
  }
});

describe("invented tokens", () => {
  test("a token GitHub does not know costs one GitHub call", async () => {
    const r = await get("/simple/acme-app/", `ghp_invented${"0".repeat(28)}`);
    assert.equal(r.status, 401);
    assert.deepEqual(githubCalls(), ["GET /user"]);
  });

  test("100 invented tokens one after another from one address, GitHub 150 ms away: at most 40 GitHub calls; a person elsewhere and a known token are served", async () => {
    emu.latencyMs = LATENCY_MS;
    assert.equal((await getFrom("127.0.0.3", "/simple/acme-app/", ALICE)).status, 200);
    emu.clearRequests();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await getFrom("127.0.0.3", "/simple/acme-app/", `ghp_flood${String(i).padStart(31, "0")}`);
      statuses.push(r.status);
      if (r.status === 429) assert.ok(Number(r.retryAfter) >= 1, String(r.retryAfter));
    }
    const calls = githubCalls();
    assert.ok(calls.length <= 40, `${calls.length} GitHub calls`);
    assert.ok(
      calls.every((c) => c === "GET /user"),
      "an invented token is asked about once, never its repository",
    );
    assert.equal(statuses.filter((s) => s === 401).length, calls.length, "each call was one token's");
    assert.equal(statuses.filter((s) => s === 429).length, 100 - calls.length);
    assert.equal((await getFrom("127.0.0.3", "/simple/acme-app/", ALICE)).status, 200, "a known token is not throttled");
    assert.equal((await getFrom("127.0.0.4", "/simple/acme-core/", CARL)).status, 404, "carl, from elsewhere, gets his own answer");
  });

  test("GET /user answering a 403 that is not GitHub's word for an app's token decides nothing: 503, nothing cached, still charged", async () => {
    const gate = createAccessGate({
      gateRepository: "acme/pypi",
      map: org.map,
      github: createGitHubAccess({ apiUrl: emu.apiUrl }),
      now: () => Date.UTC(2026, 0, 1),
      newTokensPerClient: { ...DEFAULT_NEW_TOKENS_PER_CLIENT, burst: 3 },
    });
    // GitHub's secondary rate limit, without Retry-After: it says nothing about who the token is.
    const secondary = {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    };
    emu.addFault({ path: "/user", fault: { kind: "status", status: 403, body: secondary } });
    const invented = `Bearer ghp_locked${"0".repeat(30)}`;
    assert.equal((await gate.check(basic(CARL), "simple/acme-app/index.html", "192.0.2.60")).kind, "unavailable", "carl may read acme/app, but GitHub did not say who he is");
    assert.equal((await gate.check(invented, "simple/acme-app/index.html", "192.0.2.60")).kind, "unavailable");
    assert.equal((await gate.check(invented, "simple/acme-app/index.html", "192.0.2.60")).kind, "unavailable", "no grant was cached for it");
    assert.deepEqual(githubCalls(), ["GET /user", "GET /user", "GET /user"], "nothing but who, each time");
    assert.equal((await gate.check(`Bearer ghp_fourth${"0".repeat(30)}`, "simple/", "192.0.2.60")).kind, "throttled", "all three lookups were charged");
    emu.clearFaults();
    assert.deepEqual(await gate.check(basic(CARL), "simple/acme-app/index.html", "192.0.2.61"), { kind: "allow", who: "carl" });
  });

  test("40 people's new tokens from one address within a few seconds are all served, and the address keeps its allowance", async () => {
    emu.latencyMs = LATENCY_MS;
    const statuses: number[] = [];
    for (let batch = 0; batch < STAFF.length; batch += 10) {
      const answers = await Promise.all(STAFF.slice(batch, batch + 10).map((token) => getFrom("127.0.0.5", "/simple/acme-app/", token)));
      statuses.push(...answers.map((r) => r.status));
    }
    assert.deepEqual(
      statuses,
      STAFF.map(() => 200),
    );
    // GitHub confirmed each token, so each lookup was given back: invented tokens from there still get their own allowance.
    emu.latencyMs = 0;
    const junk = [];
    for (let i = 0; i < DEFAULT_NEW_TOKENS_PER_CLIENT.burst; i++) junk.push((await getFrom("127.0.0.5", "/simple/", `ghp_after${String(i).padStart(31, "0")}`)).status);
    assert.deepEqual(
      junk,
      junk.map(() => 401),
    );
  });

  test("a real person's first request works, asking who they are first", async () => {
    emu.latencyMs = LATENCY_MS;
    const r = await get("/simple/acme-app/", CARL);
    assert.equal(r.status, 200);
    const [first, ...rest] = emu.requests.filter((x) => x.server === "api");
    assert.equal(first?.url, "/user");
    assert.ok(rest.length >= 1 && rest.every((x) => x.url !== "/user"), githubCalls().join(", "));
  });
});

describe("new tokens are limited per client: an IPv6 /64 is one client, inside its /48", () => {
  const gateFor = () => createAccessGate({ gateRepository: "acme/pypi", map: org.map, github: createGitHubAccess({ apiUrl: emu.apiUrl }), now: () => Date.UTC(2026, 0, 1) });
  const junk = (i: number): string => `Bearer ghp_v6${String(i).padStart(34, "0")}`;

  test("300 invented tokens from 300 addresses of one /64 cost the burst, no more; another /64 has its own", async () => {
    const gate = gateFor();
    const addresses = Array.from({ length: 300 }, (_, i) => (i % 2 ? `2001:db8:1:2::${i.toString(16)}` : `2001:0db8:0001:0002:${i.toString(16)}:ffff:0:${(i * 7).toString(16)}`));
    const verdicts = [];
    for (const [i, address] of addresses.entries()) verdicts.push(await gate.check(junk(i), "simple/acme-app/index.html", address));
    const admitted = verdicts.filter((v) => v.kind === "unauthorised").length;
    assert.equal(admitted, DEFAULT_NEW_TOKENS_PER_CLIENT.burst, "the clock stands still: no refill");
    assert.equal(verdicts.filter((v) => v.kind === "throttled").length, 300 - admitted);
    assert.equal(githubCalls().length, admitted, "one GitHub call per admitted token");
    // The next /64 over, and the same /64 spelled with a zone: its own bucket, and the same one.
    assert.equal((await gate.check(junk(300), "simple/", "2001:db8:1:3::1")).kind, "unauthorised");
    assert.equal((await gate.check(junk(301), "simple/", "2001:db8:1:2::1%eth0")).kind, "throttled");
  });

  test("2,000 invented tokens from 2,000 /64s of one /48 cost the /48's allowance, no more; another /48 has its own", async () => {
    const gate = gateFor();
    const verdicts = [];
    for (let i = 0; i < 2000; i++) verdicts.push((await gate.check(junk(i), "simple/", `2001:db8:7:${i.toString(16)}::1`)).kind);
    const admitted = verdicts.filter((v) => v === "unauthorised").length;
    assert.equal(admitted, DEFAULT_NEW_TOKENS_PER_CLIENT.siteBurst);
    assert.equal(verdicts.filter((v) => v === "throttled").length, 2000 - admitted);
    assert.equal(githubCalls().length, admitted, "one GitHub call per admitted token");
    assert.equal((await gate.check(junk(2000), "simple/", "2001:db8:8:1::1")).kind, "unauthorised", "the next /48");
  });

  test("an IPv4 client is the same client whether the server sees it as IPv4 or IPv4-mapped IPv6", async () => {
    const gate = gateFor();
    let i = 0;
    while ((await gate.check(junk(i), "simple/", "192.0.2.7")).kind !== "throttled") i++;
    assert.equal((await gate.check(junk(++i), "simple/", "::ffff:192.0.2.7")).kind, "throttled");
    assert.equal((await gate.check(junk(++i), "simple/", "::ffff:c000:207")).kind, "throttled");
    assert.equal((await gate.check(junk(++i), "simple/", "192.0.2.8")).kind, "unauthorised", "the next address is another client");
  });
});

test("an answer in flight when GitHub rejects the token grants nothing: not to its request, not from the cache", async () => {
  // carl's identity is cached (a gate-only path while the gate's answer failed), his listing is not.
  emu.addFault({ path: "/repos/acme/pypi", fault: { kind: "status", status: 502 }, times: 1 });
  assert.equal((await get("/assets/catalog.css", CARL)).status, 503);
  emu.clearRequests();
  // His list page asks for the gate and his listing at once: the listing is held on its way,
  // and GitHub answers the gate 401, as for a token revoked at that moment.
  let release = (): void => undefined;
  emu.hold("/user/repos", new Promise<void>((resolve) => (release = resolve)));
  emu.addFault({ path: "/repos/acme/pypi", fault: { kind: "status", status: 401, body: { message: "Bad credentials" } }, times: 1 });
  const pending = get("/simple/", CARL);
  while (!emu.requests.some((r) => r.url === "/repos/acme/pypi" && r.status === 401)) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 20)); // the 401 reaches the gate
  const meanwhile = emu.requests.length;
  assert.equal((await get("/simple/", CARL)).status, 401, "a request after the rejection is refused at once");
  assert.equal(emu.requests.length, meanwhile, "without asking GitHub");
  release();
  assert.equal((await pending).status, 401);
  assert.ok(
    emu.requests.some((r) => r.url.startsWith("/user/repos") && r.status === 200),
    "the held listing did arrive, granting",
  );
  // Once the refusal expires and GitHub takes the token again, nothing from the listing that was in flight is used.
  offset += 31_000;
  emu.clearRequests();
  assert.equal((await get("/simple/", CARL)).status, 200);
  assert.ok(githubCalls().includes("GET /user/repos?per_page=100&page=1"), `the listing is asked again: ${githubCalls().join(", ")}`);
});

describe("a repository made private after the build", () => {
  const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
  const listed = async (token: string): Promise<{ html: string; json: string; landing: string }> => {
    const [html, json, landing] = await Promise.all([get("/simple/", token), get("/simple/", token, JSON_TYPE), get("/", token)]);
    for (const r of [html, json, landing]) assert.equal(r.status, 200);
    return { html: html.body, json: json.body, landing: landing.body };
  };
  const names = (pages: { html: string; json: string; landing: string }): boolean[] => [pages.html.includes("acme-js"), pages.json.includes("acme-js"), pages.landing.includes("acme-js")];

  test("leaves the lists of people who can no longer read it within the grant TTL; one who still can keeps it", async () => {
    assert.deepEqual(org.map.public, ["acme/js"], "public at build time");
    assert.deepEqual(names(await listed(BOB)), [true, true, true]);
    const js = emu.repo("acme", "js");
    js.private = true;
    emu.grant("alice", "acme/js");
    try {
      offset += 301_000; // the grant TTL: the public set is asked again
      assert.deepEqual(names(await listed(BOB)), [false, false, false], "bob may no longer read acme/js");
      assert.equal((await get("/simple/acme-js/", BOB)).status, 404);
      assert.deepEqual(names(await listed(ALICE)), [true, true, true], "alice was granted it");
      assert.equal((await get("/simple/acme-js/", ALICE)).status, 200);
    } finally {
      js.private = false;
      emu.revoke("alice", "acme/js");
    }
  });

  test("the public set is asked once for everyone; a failed refresh keeps the last good set for its grace, then nothing counts as public", async () => {
    assert.deepEqual(names(await listed(BOB)), [true, true, true]);
    assert.deepEqual(names(await listed(ALICE)), [true, true, true]);
    const publicCalls = (): string[] => githubCalls().filter((c) => c.includes("/orgs/acme/repos"));
    assert.equal(publicCalls().length, 1, githubCalls().join("\n"));
    assert.match(publicCalls()[0] ?? "", /type=public/);
    offset += 301_000;
    emu.addFault({ path: "/orgs/acme/repos", fault: { kind: "status", status: 502 } });
    emu.clearRequests();
    assert.deepEqual(names(await listed(BOB)), [true, true, true], "GitHub failed: the last good set, within its grace");
    assert.deepEqual(names(await listed(BOB)), [true, true, true]);
    assert.equal(publicCalls().length, 1, "bob's failure is remembered for him: not one fetch per request");
    assert.equal((await get("/simple/acme-js/", BOB)).status, 200, "a project page asks about its own repository, not the public set");
    offset += PUBLIC_SET_GRACE_SECONDS * 1000;
    assert.deepEqual(names(await listed(BOB)), [false, false, false], "past the grace, fail closed: bob sees what his own listing grants");
    assert.equal((await get("/simple/acme-js/", BOB)).status, 200);
    emu.clearFaults();
    offset += 31_000; // bob's failure has expired
    assert.deepEqual(names(await listed(BOB)), [true, true, true], "the next view asks again");
  });

  test("one token's failing public listing reaches no one else: a person waiting on it asks once with their own token", async () => {
    const bearerOf = (r: { headers: Record<string, string | string[] | undefined> }): unknown => r.headers.authorization;
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    // carl is the first to need the public set, and GitHub fails his listing of it (his token rate limited, not SSO-authorised, ...).
    let release = (): void => undefined;
    emu.hold("/orgs/acme/repos", new Promise<void>((resolve) => (release = resolve)));
    emu.addFault({ path: "/orgs/acme/repos", fault: { kind: "status", status: 502 }, times: 1 });
    const attacker = get("/simple/", CARL);
    await until(() => emu.requests.some((r) => r.url.startsWith("/orgs/acme/repos")));
    // bob's list page waits on carl's listing; his project page of a public project needs no public set at all.
    const victimList = get("/simple/", BOB);
    const victimPage = get("/simple/acme-js/", BOB);
    await until(() => emu.requests.some((r) => r.url.startsWith("/user/repos") && bearerOf(r) === `Bearer ${BOB}`));
    release();
    const [carl, list, page] = await Promise.all([attacker, victimList, victimPage]);
    assert.equal(carl.status, 200);
    assert.equal(list.status, 200);
    assert.ok(list.body.includes("acme-js"), "acme/js is public: bob's list shows it");
    assert.equal(page.status, 200, "not 503");
    const asked = emu.requests.filter((r) => r.url.startsWith("/orgs/acme/repos")).map((r) => [bearerOf(r), r.status]);
    assert.deepEqual(asked, [
      [`Bearer ${CARL}`, 502],
      [`Bearer ${BOB}`, 200],
    ]);
  });
});
