/**
 * A private index served by `github-pypi serve --auth github`, end to end: an organisation on the
 * GitHub emulator (private repositories, several people with their own tokens) becomes a mirrored
 * site, the server asks the emulator's GET /user, GET /repos and GET /user/repos with each person's token, and real
 * pip installs with credentials in the URL and in a .netrc file.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { defaultAccessMapPath, readAccessMap } from "../generator/serving/access/access-map-file.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import type { GitHubEmulator } from "./helpers/github-emulator.js";
import { cliPath, repoRoot, tempDir } from "./helpers/paths.js";
import { serveGated, startPrivateOrg } from "./helpers/private-org.js";
import { createVenv, installed, pipEnv, run } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { makeWheel } from "./helpers/python-dists.js";
import { snapshot } from "./helpers/files.js";

const ALICE = "ghp_alice0000000000000000000000000000000";
/** A fine-grained token, in GitHub's documented shape (`github_pat_` + 22 + `_` + 59). */
const ALICE_PAT = `github_pat_11ALICE${"0".repeat(16)}_${"a".repeat(59)}`;
const BOB = "ghp_bob000000000000000000000000000000000";
const CAROL = "gho_carol0000000000000000000000000000000";
const DAVE = "ghp_dave00000000000000000000000000000000";
const HEIDI = `ghp_heidi${"0".repeat(31)}`;
const TOKENS = [ALICE, ALICE_PAT, BOB, CAROL, DAVE, HEIDI];

let emu: GitHubEmulator;
let siteDir: string;
let server: RunningServer;
let now = Date.UTC(2026, 0, 1);
const log: string[] = [];

const basic = (token: string, user = "token"): string => `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;
const indexFor = (token: string): string => `${server.url.replace("://", `://token:${encodeURIComponent(token)}@`)}/simple/`;

/** GitHub requests made by the gate since the last clearRequests. */
function githubCalls(): string[] {
  return emu.requests.filter((r) => r.server === "api").map((r) => `${r.method} ${r.url}`);
}

async function get(path: string, authorization?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: authorization === undefined ? {} : { authorization }, redirect: "manual" });
}

before(async () => {
  // core, app and secret are private, as a company's packages are; the gate repository holds nothing.
  const org = await startPrivateOrg({
    privateRepos: ["core", "app", "secret"],
    people: [
      { login: "alice", tokens: [ALICE, ALICE_PAT], repositories: ["acme/pypi", "acme/core", "acme/app"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
      { login: "carol", tokens: [CAROL], repositories: [] },
      { login: "dave", tokens: [DAVE], repositories: ["acme/pypi", "acme/core", "acme/app"] },
    ],
    label: "auth",
  });
  emu = org.emu;
  siteDir = org.siteDir;
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

test("the build records which repository guards each project; local projects fall back to the gate", async () => {
  const map = await readAccessMap(defaultAccessMapPath(siteDir));
  assert.deepEqual(map?.projects["acme-app"], ["acme/app"]);
  assert.deepEqual(map?.projects["acme-core"], ["acme/core"]);
  assert.deepEqual(map?.projects["demo-core"], ["(gate)"]);
  // The map is private to the build: it lives beside the site, so no host (static or ours) can serve it.
  assert.deepEqual(
    [...snapshot(siteDir).keys()].filter((p) => p.includes("access") || p.startsWith(".github-pypi")),
    [],
  );
});

describe("real pip", () => {
  test("alice installs a private project and its private dependency with her token in the URL; a warm cache asks GitHub nothing", async () => {
    const venv = await createVenv(join(tempDir("auth-venv"), "alice"));
    const r = await venv.pip(["install", "--index-url", indexFor(ALICE), "acme-app"]);
    assert.equal(r.code, 0, r.stdout + r.stderr + log.join("\n"));
    const pkgs = await installed(venv);
    assert.equal(pkgs.get("acme-app"), "0.1.0");
    assert.equal(pkgs.get("acme-core"), "1.1.0");
    // Cold: who is this, then may they read each project's repository; each asked once however many files pip fetched.
    assert.deepEqual(githubCalls().sort(), ["GET /repos/acme/app", "GET /repos/acme/core", "GET /user"]);
    assert.ok(
      log.some((l) => /^GET \/files\/acme-core\/\S+\.whl 200 alice$/.test(l)),
      log.join("\n"),
    );

    emu.clearRequests();
    const again = await createVenv(join(tempDir("auth-venv"), "alice-warm"));
    const warm = await again.pip(["install", "--index-url", indexFor(ALICE), "acme-app"]);
    assert.equal(warm.code, 0, warm.stderr);
    assert.deepEqual(githubCalls(), [], "every verdict came from the cache");
  });

  test("credentials from .netrc work the same, and a project from a local folder needs only the gate", async () => {
    const dir = tempDir("auth-netrc");
    const netrc = join(dir, "netrc");
    writeFileSync(netrc, `machine 127.0.0.1\n  login token\n  password ${DAVE}\n`, { mode: 0o600 });
    const venv = await createVenv(join(dir, "v"));
    const r = await run(venv.python, ["-m", "pip", "install", "--retries", "0", "--index-url", `${server.url}/simple/`, "demo-app", "acme-core"], {
      env: { ...pipEnv(), NETRC: netrc },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr + log.join("\n"));
    const pkgs = await installed(venv);
    assert.equal(pkgs.get("demo-app"), "0.3.0");
    assert.equal(pkgs.get("acme-core"), "1.1.0");
    assert.ok(
      log.some((l) => /^GET \/simple\/demo-app\/ 200 dave$/.test(l)),
      log.join("\n"),
    );
  });

  test("bob reads the gate but not acme/app: pip cannot find acme-app, exactly as if it did not exist", async () => {
    const venv = await createVenv(join(tempDir("auth-venv"), "bob"));
    const denied = await venv.pip(["install", "--index-url", indexFor(BOB), "acme-app"]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /No matching distribution found for acme-app/);
    assert.ok(
      log.some((l) => /^GET \/simple\/acme-app\/ 404 bob \(acme\/app: not found for this token\)$/.test(l)),
      log.join("\n"),
    );
    const ok = await venv.pip(["install", "--index-url", indexFor(BOB), "demo-core==1.2.0"]);
    assert.equal(ok.code, 0, ok.stderr);
    // The same answer for a project bob may not read and one that does not exist.
    const hidden = await get("/simple/acme-app/", basic(BOB));
    const missing = await get("/simple/no-such-project/", basic(BOB));
    assert.deepEqual([hidden.status, await hidden.text(), hidden.headers.get("cache-control")], [404, "Not Found\n", "no-store"]);
    assert.deepEqual([missing.status, await missing.text(), missing.headers.get("cache-control")], [404, "Not Found\n", "no-store"]);
  });

  test("without credentials pip gets 401 and installs nothing", async () => {
    const venv = await createVenv(join(tempDir("auth-venv"), "anon"));
    const r = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "demo-core"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /401|No matching distribution/);
    assert.deepEqual(githubCalls(), [], "no credentials, no GitHub call");
  });

  test("why --extra-index-url is dangerous: pip skips the private index that answers 401 and takes a look-alike", async () => {
    // A public index holding a project with a private project's name, as an attacker would publish.
    const lookalike = makeWheel({ name: "acme-core", version: "9.9.9", summary: "not ours" });
    const dists = tempDir("auth-lookalike");
    writeFileSync(join(dists, lookalike.filename), lookalike.bytes);
    const publicSite = join(tempDir("auth-public"), "site");
    await buildTo(publicSite, { from: [dists] });
    const pub = await startServer({ root: publicSite, port: 0 });
    try {
      const venv = await createVenv(join(tempDir("auth-venv"), "confused"));
      const r = await venv.pip(["install", "--index-url", `${pub.url}/simple/`, "--extra-index-url", `${server.url}/simple/`, "acme-core"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((await installed(venv)).get("acme-core"), "9.9.9", "pip installed the look-alike without stopping");
      assert.ok(
        log.some((l) => /^GET \/simple\/acme-core\/ 401/.test(l)),
        log.join("\n"),
      );
      // With the private index alone, the same mistake fails loudly instead.
      const safe = await createVenv(join(tempDir("auth-venv"), "safe"));
      const refused = await safe.pip(["install", "--index-url", `${server.url}/simple/`, "acme-core"]);
      assert.notEqual(refused.code, 0);
    } finally {
      await pub.close();
    }
  });
});

describe("who may read what", () => {
  test("401 carries a Basic challenge naming the gate repository and how to sign in; nothing cacheable", async () => {
    const res = await get("/simple/");
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Basic realm="acme/pypi", charset="UTF-8"');
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(await res.text(), /no credentials were sent[\s\S]*GitHub token as the password/);
  });

  test("carol, who cannot read the gate, sees no root page; granted pages are private to the person", async () => {
    assert.equal((await get("/simple/", basic(CAROL))).status, 404);
    assert.equal((await get("/", basic(CAROL))).status, 404);
    const page = await get("/simple/", basic(ALICE));
    assert.equal(page.status, 200);
    // The root lists what alice may read: no cache may keep it. A project page is hers for the index's max-age.
    assert.equal(page.headers.get("cache-control"), "private, no-store");
    assert.equal(page.headers.get("vary"), "Accept, Authorization");
    const project = await get("/simple/demo-core/", basic(ALICE));
    assert.equal(project.headers.get("cache-control"), "private, max-age=300");
    const wheel = await get("/files/demo-core/demo_core-1.2.0-py3-none-any.whl", basic(ALICE));
    assert.equal(wheel.status, 200);
    assert.equal(wheel.headers.get("cache-control"), "private, max-age=31536000, immutable");
  });

  test("Bearer, token and a token given as the user name with an empty password work too", async () => {
    for (const authorization of [`Bearer ${ALICE}`, `token ${ALICE}`, `bearer ${ALICE}`, basic("", ALICE), basic(ALICE_PAT, "anything")]) {
      assert.equal((await get("/simple/acme-core/", authorization)).status, 200, authorization.slice(0, 7));
    }
  });

  test("malformed, empty, over-long and non-ASCII credentials are 401 without asking GitHub", async () => {
    const cases: [string, RegExp][] = [
      ["Basic", /not Basic, Bearer or token/],
      ["Basic !!!!", /not Basic, Bearer or token/],
      [`Basic ${Buffer.from("no-colon-here").toString("base64")}`, /not Basic, Bearer or token/],
      ["Digest username=alice", /not Basic, Bearer or token/],
      [basic("", ""), /password \(your GitHub token\) is empty/],
      [basic("x".repeat(600)), /longer than 512 characters/],
      [basic("tökén"), /characters no GitHub token has/],
      // Visible ASCII, but no shape GitHub issues: refused without a call.
      [basic("hunter2"), /not a GitHub token/],
      [basic("a:b:c"), /not a GitHub token/],
      [basic(`ghr_${"r".repeat(36)}`), /not a GitHub token/],
      [`Basic ${Buffer.from([0x75, 0x3a, 0xff, 0xfe]).toString("base64")}`, /characters no GitHub token has/],
      ["Bearer ", /no credentials were sent|not Basic, Bearer or token/],
    ];
    for (const [authorization, why] of cases) {
      const res = await get("/simple/", authorization);
      assert.equal(res.status, 401, authorization);
      assert.match(await res.text(), why, authorization);
    }
    assert.deepEqual(githubCalls(), []);
  });

  test("a token GitHub rejects is 401, and the refusal is cached for the negative TTL", async () => {
    const unknown = "ghp_not_a_real_token_000000000000000000";
    assert.equal((await get("/simple/", basic(unknown))).status, 401);
    const first = githubCalls().length;
    // Who, and the gate: the root's listing is asked only for a token GitHub accepted.
    assert.ok(first >= 1 && first <= 2, githubCalls().join(", "));
    assert.equal((await get("/simple/acme-core/", basic(unknown))).status, 401);
    assert.equal(githubCalls().length, first, "the cached rejection answers without GitHub");
  });

  test("a revoked token keeps working until its positive verdict expires, then gets 401", async () => {
    assert.equal((await get("/simple/acme-core/", basic(ALICE_PAT))).status, 200);
    emu.revokeToken(ALICE_PAT);
    now += 299_000;
    assert.equal((await get("/simple/acme-core/", basic(ALICE_PAT))).status, 200, "still inside the 5-minute positive TTL");
    now += 2_000;
    emu.clearRequests();
    assert.equal((await get("/simple/acme-core/", basic(ALICE_PAT))).status, 401);
    assert.ok(githubCalls().includes("GET /user"), "the expired verdict was asked again");
  });

  test("access granted on GitHub reaches the index once the negative TTL has passed", async () => {
    assert.equal((await get("/simple/acme-app/", basic(BOB))).status, 404);
    emu.grant("bob", "acme/app");
    now += 10_000;
    emu.clearRequests();
    assert.equal((await get("/simple/acme-app/", basic(BOB))).status, 404, "the refusal is still cached");
    assert.deepEqual(githubCalls(), []);
    now += 21_000;
    assert.equal((await get("/simple/acme-app/", basic(BOB))).status, 200);
    assert.deepEqual(githubCalls(), ["GET /repos/acme/app"]);
    emu.revoke("bob", "acme/app");
  });

  test("GitHub down or rate-limited: 503 with Retry-After for an unknown verdict; a cached verdict still serves", async () => {
    assert.equal((await get("/simple/demo-core/", basic(ALICE))).status, 200);
    emu.addFault({ path: /^\/(user|user\/repos)$/, fault: { kind: "status", status: 502 } });
    emu.addFault({ path: /^\/repos\//, fault: { kind: "status", status: 502 } });
    const fresh = await get("/simple/", basic(DAVE.replace("dave", "eve_")));
    assert.equal(fresh.status, 503);
    assert.equal(fresh.headers.get("retry-after"), "10");
    assert.equal(fresh.headers.get("cache-control"), "no-store");
    // The body is generic (a reason can name a private repository); the log says what happened.
    assert.equal(await fresh.text(), "Service Unavailable: GitHub could not confirm your access; try again shortly.\n");
    assert.match(log.join("\n"), /GET \/simple\/ 503 \(GitHub: GET \/user answered HTTP 502\)/);
    assert.equal((await get("/simple/demo-core/", basic(ALICE))).status, 200, "alice's verdict is cached");

    emu.clearFaults();
    emu.addFault({ path: /^\/(user|user\/repos|repos\/.*)$/, fault: { kind: "rate-limit", resetInSeconds: 120 } });
    const limited = await get("/simple/", basic(CAROL.replace("carol", "frank")));
    assert.equal(limited.status, 503);
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(retryAfter > 60 && retryAfter <= 121, String(retryAfter));

    emu.clearFaults();
    emu.addFault({ path: /^\/(user|user\/repos|repos\/.*)$/, fault: { kind: "reset" } });
    assert.equal((await get("/simple/", basic(`ghp_grace${"0".repeat(31)}`))).status, 503, "a network error is unknown too");
  });

  test("concurrent requests with one new token share one GitHub lookup per question", async () => {
    emu.setPeople([
      { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
      { login: "carol", tokens: [CAROL], repositories: [] },
      { login: "dave", tokens: [DAVE], repositories: ["acme/pypi", "acme/core", "acme/app"] },
      { login: "heidi", tokens: [HEIDI], repositories: ["acme/pypi", "acme/core"] },
    ]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => get("/simple/acme-core/", basic(HEIDI))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.deepEqual(githubCalls().sort(), ["GET /repos/acme/core", "GET /user"]);
  });

  test("redirects and bad paths are answered before the gate, so they cost nothing", async () => {
    const moved = await get("/simple/Acme_Core/");
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get("location"), "/simple/acme-core/");
    assert.equal((await get("/simple/a%00b/")).status, 400);
    assert.deepEqual(githubCalls(), []);
  });

  test("the log names people, never their tokens", () => {
    const text = log.join("\n");
    assert.ok(text.length > 0);
    for (const token of TOKENS) {
      assert.ok(!text.includes(token), "a token in the log");
      assert.ok(!text.includes(Buffer.from(`token:${token}`).toString("base64")), "a credential in the log");
    }
    assert.match(text, / 200 alice$/m);
    assert.match(text, / 401 \(no credentials were sent\)$/m);
  });
});

describe("github-pypi serve --auth github", () => {
  test("serves the site behind the gate, with the API from GITHUB_API_URL", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [cliPath, "serve", siteDir, "--port", "0", "--auth", "github", "--gate-repository", "acme/pypi"], {
      cwd: repoRoot,
      env: { ...process.env, GITHUB_API_URL: emu.apiUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /Serving \S+ at (http:\/\/\S+?)\/ [\s\S]*pip install/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      assert.match(out, /pip install --index-url "http:\/\/token:\$\(gh auth token\)@127\.0\.0\.1:\d+\/simple\/"/);
      assert.equal((await fetch(`${url}/simple/`)).status, 401);
      assert.equal((await fetch(`${url}/simple/acme-core/`, { headers: { authorization: basic(ALICE) } })).status, 200);
      assert.equal((await fetch(`${url}/simple/acme-app/`, { headers: { authorization: basic(BOB) } })).status, 404);
    } finally {
      child.kill();
    }
  });

  test("--auth github without a gate repository is a clear error", async () => {
    const { run: runCli } = await import("./helpers/python.js");
    const r = await runCli(process.execPath, [cliPath, "serve", siteDir, "--port", "0", "--auth", "github"], { cwd: repoRoot });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--auth github needs --gate-repository OWNER\/NAME/);
    const bad = await runCli(process.execPath, [cliPath, "serve", siteDir, "--port", "0", "--auth", "github", "--gate-repository", "pypi"], { cwd: repoRoot });
    assert.match(bad.stderr, /--gate-repository expects OWNER\/NAME/);
  });
});
