/**
 * Faults as a user meets them: `github-pypi build --github-org` in a child process against the
 * emulator. Transient failures are retried; a rate limit is waited out (and said so); a failure
 * that persists stops the run, names the repository and the status, and leaves the site as it was.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { acmeOrg } from "./helpers/github-org.js";
import { snapshot } from "./helpers/files.js";
import { cliPath, repoRoot, tempDir } from "./helpers/paths.js";
import { run } from "./helpers/python.js";

const TOKEN = "ghp_faults";
let emu: GitHubEmulator;
let out: string;
let cacheDir: string;

before(async () => {
  emu = await GitHubEmulator.start({ token: TOKEN });
  emu.setOrg("acme", (await acmeOrg()).repos);
  const dir = tempDir("gh-faults");
  out = join(dir, "site");
  cacheDir = join(dir, "cache");
});
after(async () => {
  await emu.close();
});

/** The CLI with the token and API URL from the environment, as in GitHub Actions. */
function build(extra: string[] = [], cache = cacheDir) {
  const env = { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: emu.apiUrl };
  return run(process.execPath, [cliPath, "build", "--github-org", "acme", "--topic", "python", "--out", out, "--cache-dir", cache, "--retry-base-ms", "5", ...extra], { cwd: repoRoot, env });
}
const hits = (path: string) => emu.requests.filter((r) => r.server === "api" && r.url.split("?")[0] === path);

test("a first build writes the site and reports what GitHub cost; the token never appears in output", async () => {
  const r = await build();
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^GitHub: 4 repositories \(1 archived, marked so; skipped 1 private, 1 filtered out\), 5 releases, 6 distributions, 3 tag links, 1 other asset not indexed; API requests: .*; downloads: \d+ requests, .*$/m,
  );
  assert.match(r.stdout, /^Built 5 projects, 9 files into /m);
  assert.match(r.stderr, /^warning\[private-repository-skipped\]: .*acme\/secret/m);
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN));
});

test("5xx answers and dropped connections are retried until GitHub answers", async () => {
  emu.addFault({ path: "/repos/acme/core/releases", fault: { kind: "status", status: 502 }, times: 2 });
  emu.addFault({ path: "/repos/acme/app/releases", fault: { kind: "reset" }, times: 1 });
  emu.clearRequests();
  const r = await build(["--cache-dir", tempDir("gh-cache")]);
  emu.clearFaults();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    hits("/repos/acme/core/releases").map((x) => x.status),
    [502, 502, 200],
  );
  assert.deepEqual(
    hits("/repos/acme/app/releases").map((x) => x.status),
    [0, 200],
  );
});

test("a persistent failure stops the build with the repository and status named, and the previous site is untouched", async () => {
  const before = snapshot(out);
  emu.addFault({ path: "/repos/acme/core/releases", fault: { kind: "status", status: 500 } });
  emu.clearRequests();
  const r = await build(["--cache-dir", tempDir("gh-cache")]);
  emu.clearFaults();
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: GitHub: listing the releases of acme\/core failed with HTTP 500: Server Error$/m);
  assert.equal(hits("/repos/acme/core/releases").length, 4, "one try and three retries");
  assert.deepEqual(snapshot(out), before, "nothing published");
});

test("a listing whose next page leads back to a page already read stops the build, naming it, instead of paging forever", { timeout: 60_000 }, async () => {
  const before = snapshot(out);
  // Every answer says the next page is page 2, page 2 included.
  const next = `<${emu.apiUrl}/repos/acme/core/releases?per_page=100&page=2>; rel="next"`;
  emu.addFault({ path: "/repos/acme/core/releases", fault: { kind: "status", status: 200, body: [], headers: { link: next } } });
  emu.clearRequests();
  const r = await build(["--cache-dir", tempDir("gh-cache")]);
  emu.clearFaults();
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: GitHub: listing the releases of acme\/core failed: the listing's next page .*page=2 was already read: a pagination loop$/m);
  assert.equal(hits("/repos/acme/core/releases").length, 3, "the first page, page 2, and page 2 again");
  assert.deepEqual(snapshot(out), before, "nothing published");
});

test("answers that are not the JSON GitHub documents stop the build with a named error and the endpoint, never a TypeError", { timeout: 120_000 }, async () => {
  const before = snapshot(out);
  const html = { "content-type": "text/html; charset=utf-8" };
  const release = { tag_name: "v9.9.9", draft: false, prerelease: false, assets: [] as unknown[] };
  const asset = {
    id: 1,
    name: "acme_core-9.9.9-py3-none-any.whl",
    size: 10,
    state: "uploaded",
    digest: null,
    created_at: "2024-01-01T00:00:00Z",
    browser_download_url: "https://github.invalid/x.whl",
  };
  const cases: { path: string | RegExp; body: unknown; headers?: Record<string, string>; expect: RegExp }[] = [
    {
      path: "/orgs/acme/repos",
      body: "<html><body>Sign in to your proxy</body></html>",
      headers: html,
      expect: /^error: GitHub: listing the repositories of organisation acme failed: GET \/orgs\/acme\/repos answered an HTML page, not the JSON GitHub sends$/m,
    },
    {
      path: "/repos/acme/core/releases",
      body: {},
      expect: /^error: GitHub: listing the releases of acme\/core failed: GET \/repos\/acme\/core\/releases answered a JSON object, not the JSON list GitHub sends$/m,
    },
    {
      path: "/repos/acme/core/releases",
      body: [{ tag_name: "v9.9.9", draft: false, prerelease: false }],
      expect: /^error: GitHub: listing the releases of acme\/core failed: GET \/repos\/acme\/core\/releases: item 0 is not a release as GitHub documents it \(assets: Invalid input: expected array/m,
    },
    {
      path: "/repos/acme/core/releases",
      body: [{ ...release, assets: [{ ...asset, updated_at: "yesterday" }] }],
      expect: /^error: GitHub: listing the releases of acme\/core failed: GET \/repos\/acme\/core\/releases: item 0 is not a release as GitHub documents it \(assets\.0\.updated_at: /m,
    },
    {
      path: "/repos/acme/tagged/tags",
      body: { message: "ok" },
      expect: /^error: GitHub: listing the tags of acme\/tagged failed: GET \/repos\/acme\/tagged\/tags answered a JSON object, not the JSON list GitHub sends$/m,
    },
    // A raw file is judged as GitHub answers it (its raw media type), and the message names the real path.
    {
      path: /^\/repos\/acme\/tagged\/contents\//,
      body: "<html><body>Sign in to your proxy</body></html>",
      headers: html,
      expect:
        /^error: GitHub: reading pyproject\.toml of acme\/tagged at tag v\S+ failed: GET \/repos\/acme\/tagged\/contents\/pyproject\.toml answered an HTML page \(text\/html; charset=utf-8\), not the raw file GitHub sends$/m,
    },
    {
      path: "/repos/acme/tagged/tags",
      body: [{ name: "v1.0.0" }],
      expect: /^error: GitHub: listing the tags of acme\/tagged failed: GET \/repos\/acme\/tagged\/tags: item 0 is not a tag as GitHub documents it \(commit: Invalid input: expected object/m,
    },
  ];
  for (const c of cases) {
    emu.addFault({ path: c.path, fault: { kind: "status", status: 200, body: c.body, ...(c.headers ? { headers: c.headers } : {}) } });
    const r = await build(["--cache-dir", tempDir("gh-cache")]);
    emu.clearFaults();
    assert.equal(r.code, 1, `${String(c.path)}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, c.expect, String(c.path));
    assert.doesNotMatch(r.stderr, /TypeError|RangeError|Cannot read|%7B|at .*\.[jt]s:\d+/, String(c.path));
  }
  assert.deepEqual(snapshot(out), before, "nothing published");
});

test("a primary rate limit (403 or 429 with x-ratelimit-remaining: 0) is waited out until its reset, and the user is told", async () => {
  for (const status of [403, 429] as const) {
    emu.addFault({ path: "/orgs/acme/repos", fault: { kind: "rate-limit", status, resetInSeconds: 1 }, times: 1 });
    emu.clearRequests();
    const r = await build();
    emu.clearFaults();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^notice: GitHub rate limit on GET \/orgs\/acme\/repos: waiting [12]s for it to reset \(at \d\d:\d\d:\d\d UTC\)$/m);
    assert.deepEqual(
      hits("/orgs/acme/repos").map((x) => x.status),
      [status, 304],
    );
  }
});

test("a rate limit that resets later than --max-rate-limit-wait fails at once with the status", async () => {
  const before = snapshot(out);
  emu.addFault({ path: "/repos/acme/app/releases", fault: { kind: "rate-limit", resetInSeconds: 3600 } });
  const r = await build(["--max-rate-limit-wait", "5"]);
  emu.clearFaults();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^notice: GitHub rate limit on GET \/repos\/acme\/app\/releases: it resets in 360\ds, more than the 5s allowed by --max-rate-limit-wait; giving up$/m);
  assert.match(r.stderr, /^error: GitHub: listing the releases of acme\/app failed with HTTP 403: API rate limit exceeded/m);
  assert.deepEqual(snapshot(out), before);
});

test("Ctrl+C or a termination while the build waits on GitHub (a rate limit) stops it at once: exit 130 or 143, the site as it was, nothing left beside it", async () => {
  const before = snapshot(out);
  const parent = dirname(out);
  const around = readdirSync(parent).sort();
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    emu.addFault({ path: "/orgs/acme/repos", fault: { kind: "rate-limit", resetInSeconds: 600 } });
    const env = { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: emu.apiUrl };
    const child = spawn(process.execPath, [cliPath, "build", "--github-org", "acme", "--topic", "python", "--out", out, "--cache-dir", cacheDir], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    // Signalled once the build says it waits: well inside the build, long before anything is written.
    await new Promise<void>((resolve, reject) => {
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/^notice: GitHub rate limit on GET \/orgs\/acme\/repos: waiting/m.test(stderr)) resolve();
      });
      child.on("exit", () => reject(new Error(`the build ended before it waited: ${stderr}`)));
    });
    const sent = performance.now();
    child.kill(signal);
    assert.equal(await exited, code, `${signal} ends the build with ${code}`);
    assert.ok(performance.now() - sent < 10_000, "without waiting for the rate limit");
    emu.clearFaults();
    assert.deepEqual(readdirSync(parent).sort(), around, `nothing left beside the site after ${signal}`);
    assert.deepEqual(snapshot(out), before, `the site is untouched after ${signal}`);
  }
});

test("a token GitHub rejects is a clear error", async () => {
  const env = { ...process.env, GITHUB_TOKEN: "wrong", GITHUB_API_URL: emu.apiUrl };
  const r = await run(process.execPath, [cliPath, "build", "--github-org", "acme", "--out", join(tempDir("gh"), "s"), "--cache-dir", tempDir("gh-cache")], { cwd: repoRoot, env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: GitHub: listing the repositories of organisation acme failed with HTTP 401: Bad credentials \(check the token: --token or GITHUB_TOKEN\)$/m);
  assert.ok(!r.stderr.includes("wrong"));
});

test("a file host that keeps failing stops the build, naming the asset and the status", async () => {
  emu.addFault({ server: "download", path: /acme_core-1\.0\.0-py3-none-any\.whl$/, fault: { kind: "status", status: 503 } });
  const r = await build(["--cache-dir", tempDir("gh-cache")]);
  emu.clearFaults();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: GitHub: downloading acme\/core release v1\.0\.0 asset acme_core-1\.0\.0-py3-none-any\.whl failed with HTTP 503/m);
});
