/**
 * The access gate, round two of hardening (issue 24), over real HTTP through `serve --auth github`'s
 * server with the GitHub emulator behind it (GitHub's distance played by the emulator's latency):
 * a hidden project and a missing one cost the same GitHub calls and time; an invented token costs
 * one call and a flood of them from one address a bounded number; new tokens are limited per IPv6
 * /64; an answer in flight when GitHub rejected the token grants nothing; a repository made private
 * after the build leaves the lists of the people who can no longer read it.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { after, before, beforeEach, describe, test } from "node:test";
import { createAccessGate } from "../generator/access/gate.js";
import { createGitHubAccess } from "../generator/access/github-access.js";
import type { RunningServer } from "../generator/serve/server.js";
import type { GitHubEmulator } from "./helpers/github-emulator.js";
import { serveGated, startPrivateOrg, type PrivateOrg } from "./helpers/private-org.js";

const ALICE = `ghp_alice${"0".repeat(31)}`;
const BOB = `ghp_bob${"0".repeat(33)}`;
const CARL = `ghp_carl${"0".repeat(32)}`;
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
  offset += 3_600_000; // every test starts with nothing cached and full buckets
});

describe("a hidden project and a missing one cost the same", () => {
  // Names of one length, so nothing but time could tell them apart (the bytes are compared in gate-hardening.test.ts).
  const HIDDEN = ["acme-app", "acme-core", "acme-secret"];
  const MISSING = ["acme-zap", "acme-zero", "acme-sequel"];

  test("a person whose list is warm: no GitHub call for either, and the same time with GitHub 150 ms away", async () => {
    emu.latencyMs = LATENCY_MS;
    assert.equal((await get("/simple/", BOB)).status, 200, "bob's list, and with it his readable set, is warm");
    emu.clearRequests();
    const times = { hidden: [] as number[], missing: [] as number[] };
    for (let i = 0; i < HIDDEN.length; i++) {
      const hidden = await get(`/simple/${HIDDEN[i]}/`, BOB);
      const missing = await get(`/simple/${MISSING[i]}/`, BOB);
      assert.equal(hidden.status, 404);
      assert.equal(missing.status, 404);
      times.hidden.push(hidden.ms);
      times.missing.push(missing.ms);
    }
    assert.deepEqual(githubCalls(), [], "both decided from bob's cached readable set");
    // A GitHub round trip would add 150 ms to every hidden answer; half of that is the margin.
    assert.ok(median(times.hidden) < median(times.missing) + LATENCY_MS / 2, JSON.stringify(times));
  });

  test("a person whose list is cold: the first hidden and the first missing name ask GitHub the same questions, in the same time", async () => {
    emu.latencyMs = LATENCY_MS;
    const first = async (name: string): Promise<{ calls: string[]; ms: number }> => {
      offset += 3_600_000; // bob is new to the gate each time
      emu.clearRequests();
      const r = await get(`/simple/${name}/`, BOB);
      assert.equal(r.status, 404, name);
      return { calls: githubCalls().sort(), ms: r.ms };
    };
    const times = { hidden: [] as number[], missing: [] as number[] };
    for (let i = 0; i < HIDDEN.length; i++) {
      const hidden = await first(HIDDEN[i] as string);
      const missing = await first(MISSING[i] as string);
      assert.deepEqual(hidden.calls, missing.calls);
      times.hidden.push(hidden.ms);
      times.missing.push(missing.ms);
    }
    assert.ok(Math.abs(median(times.hidden) - median(times.missing)) < LATENCY_MS / 2, JSON.stringify(times));
  });
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
    assert.ok(calls.every((c) => c === "GET /user"), "an invented token is asked about once, never its repository");
    assert.equal(statuses.filter((s) => s === 401).length, calls.length, "each call was one token's");
    assert.equal(statuses.filter((s) => s === 429).length, 100 - calls.length);
    assert.equal((await getFrom("127.0.0.3", "/simple/acme-app/", ALICE)).status, 200, "a known token is not throttled");
    assert.equal((await getFrom("127.0.0.4", "/simple/acme-core/", CARL)).status, 404, "carl, from elsewhere, gets his own answer");
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

describe("new tokens are limited per client: an IPv6 /64 is one client", () => {
  const gateFor = () =>
    createAccessGate({ gateRepository: "acme/pypi", map: org.map, github: createGitHubAccess({ apiUrl: emu.apiUrl }), now: () => Date.UTC(2026, 0, 1) });
  const junk = (i: number): string => `Bearer ghp_v6${String(i).padStart(34, "0")}`;

  test("300 invented tokens from 300 addresses of one /64 cost the burst, no more; another /64 has its own", async () => {
    const gate = gateFor();
    const addresses = Array.from({ length: 300 }, (_, i) => (i % 2 ? `2001:db8:1:2::${i.toString(16)}` : `2001:0db8:0001:0002:${i.toString(16)}:ffff:0:${(i * 7).toString(16)}`));
    const verdicts = [];
    for (const [i, address] of addresses.entries()) verdicts.push(await gate.check(junk(i), "simple/acme-app/index.html", address));
    const admitted = verdicts.filter((v) => v.kind === "unauthorised").length;
    assert.ok(admitted >= 1 && admitted <= 30, `${admitted} admitted`);
    assert.equal(verdicts.filter((v) => v.kind === "throttled").length, 300 - admitted);
    assert.equal(githubCalls().length, admitted, "one GitHub call per admitted token");
    // The next /64 over, and the same /64 spelled with a zone: its own bucket, and the same one.
    assert.equal((await gate.check(junk(300), "simple/", "2001:db8:1:3::1")).kind, "unauthorised");
    assert.equal((await gate.check(junk(301), "simple/", "2001:db8:1:2::1%eth0")).kind, "throttled");
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
  // His next project page asks for the gate and his listing at once: the listing is held on its way,
  // and GitHub answers the gate 401, as for a token revoked at that moment.
  let release = (): void => undefined;
  emu.hold("/user/repos", new Promise<void>((resolve) => (release = resolve)));
  emu.addFault({ path: "/repos/acme/pypi", fault: { kind: "status", status: 401, body: { message: "Bad credentials" } }, times: 1 });
  const pending = get("/simple/acme-app/", CARL);
  while (!emu.requests.some((r) => r.url === "/repos/acme/pypi" && r.status === 401)) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 20)); // the 401 reaches the gate
  const meanwhile = emu.requests.length;
  assert.equal((await get("/simple/", CARL)).status, 401, "a request after the rejection is refused at once");
  assert.equal(emu.requests.length, meanwhile, "without asking GitHub");
  release();
  assert.equal((await pending).status, 401);
  assert.ok(emu.requests.some((r) => r.url.startsWith("/user/repos") && r.status === 200), "the held listing did arrive, granting");
  // Once the refusal expires and GitHub takes the token again, nothing from the listing that was in flight is used.
  offset += 31_000;
  emu.clearRequests();
  assert.equal((await get("/simple/acme-app/", CARL)).status, 200);
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

  test("the public set is asked once for everyone; when GitHub cannot confirm it, nothing counts as public", async () => {
    assert.deepEqual(names(await listed(BOB)), [true, true, true]);
    assert.deepEqual(names(await listed(ALICE)), [true, true, true]);
    const asked = githubCalls().filter((c) => c.includes("/orgs/acme/repos"));
    assert.equal(asked.length, 1, githubCalls().join("\n"));
    assert.match(asked[0] ?? "", /type=public/);
    offset += 301_000;
    emu.addFault({ path: "/orgs/acme/repos", fault: { kind: "status", status: 502 } });
    assert.deepEqual(names(await listed(BOB)), [false, false, false], "fail closed: bob sees what his own listing grants");
    assert.equal((await get("/simple/acme-js/", BOB)).status, 503, "a project page that needs the public set says GitHub could not confirm");
    emu.clearFaults();
    assert.deepEqual(names(await listed(BOB)), [true, true, true], "an unconfirmed set is not cached: the next view asks again");
  });
});
