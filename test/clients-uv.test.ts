/**
 * uv, the client most teams run first, at the exact version test/clients/requirements.txt pins,
 * through the one index URL on each host: `uv pip install --index-url`, a project whose
 * `[[tool.uv.index]]` is the default index (`uv lock`, `uv sync`), the private index's credentials
 * in each way uv documents (environment, URL, ~/.netrc, `authenticate = "always"`), what uv does
 * with our 401 and 404, and cooldowns (`--exclude-newer`) for our files and the upstream's.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { parse as parseToml } from "smol-toml";
import { interpreter, clientVenv, type ClientVenv } from "./helpers/client-venvs.js";
import { clientTable } from "./helpers/client-table.js";
import { ALICE, BOB, assertUpstreamClean, describeTraffic, recordTraffic, startOneUrlIndex, type IndexHost, type OneUrlIndex, type Traffic, venvDistributions } from "./helpers/one-url-index.js";
import { tempDir } from "./helpers/paths.js";
import { clientEnv, run, type RunResult } from "./helpers/python.js";

const PYTHON = "3.12";
const RESOLVED = ["acme-app==1.0.0", "acme-lib==1.1.0", "public-dep==1.1.0"];
/** With a cooldown that the day-old files fall inside: the older ones on both sides. */
const COOLED = ["acme-app==1.0.0", "acme-lib==1.0.0", "public-dep==1.0.0"];
const HOST_LABEL = { serve: "serve (JSON)", static: "static (HTML)", private: "serve --auth github" } as const;

let index: OneUrlIndex;
let uv: ClientVenv;
let python: string;
const table = clientTable("clients-uv");

before(async () => {
  [index, uv, python] = await Promise.all([startOneUrlIndex("uv"), clientVenv("uv"), interpreter(PYTHON)]);
});
after(() => index?.close());

const out = (r: RunResult): string => r.stdout + r.stderr;

/** A run's own folder and home: uv's cache, config and ~/.netrc live there and nowhere else. */
function workspace(label: string, settings: NodeJS.ProcessEnv = {}): { dir: string; home: string; env: NodeJS.ProcessEnv } {
  const root = tempDir(`uv-${label}`);
  const dir = join(root, "work");
  mkdirSync(dir);
  const home = join(root, "home");
  // uv leaves its interpreter locks (uv-<hash>.lock) in the temporary folder: the run's own.
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  const env = clientEnv({ TMPDIR: tmp, UV_CACHE_DIR: join(home, ".cache", "uv"), UV_PYTHON_DOWNLOADS: "never", UV_PYTHON: python, NO_COLOR: "1", ...settings }, { home });
  return { dir, home, env };
}

const uvRun = (args: string[], ws: { dir: string; env: NodeJS.ProcessEnv }): Promise<RunResult> => run(uv.bin("uv"), args, { cwd: ws.dir, env: ws.env });

/** Checks and notes what the host saw: the page format (the static host has HTML only), .metadata reads, no word on our api-version. */
function assertFetched(t: TestContext, host: IndexHost, traffic: Traffic, output: string): void {
  const pages = traffic.ours.filter((r) => r.path.startsWith("/simple/acme-") && r.status === 200);
  assert.ok(pages.length > 0, JSON.stringify(traffic.ours));
  const expected = host.name === "static" ? "text/html" : "application/vnd.pypi.simple.v1+json";
  assert.deepEqual([...new Set(pages.map((p) => p.contentType))], [expected], "uv asks for PEP 691 JSON first, and takes HTML where that is all there is");
  // uv reads PEP 658 core metadata instead of downloading a wheel to resolve.
  assert.ok(
    traffic.ours.some((r) => r.path.endsWith(".whl.metadata") && r.status === 200),
    "uv reads the .metadata files",
  );
  assert.doesNotMatch(output, /api-version|repository-version|unsupported.*version/i);
  assertUpstreamClean(traffic);
  t.diagnostic(`${host.name}: ${describeTraffic(traffic)}`);
}

/** `uv pip install` into a fresh venv; returns what the venv holds. */
async function pipInstall(ws: { dir: string; env: NodeJS.ProcessEnv }, args: string[]): Promise<{ r: RunResult; got: string[] }> {
  const venv = join(ws.dir, ".venv");
  const made = await uvRun(["venv", "--quiet", venv], ws);
  assert.equal(made.code, 0, out(made));
  const r = await uvRun(["pip", "install", "--python", join(venv, "bin", "python"), ...args], ws);
  return { r, got: r.code === 0 ? venvDistributions(venv) : [] };
}

interface UvLock {
  package: { name: string; version: string; source?: { registry?: string }; wheels?: { url: string; hash: string }[] }[];
}

/** A project whose only index is the one URL, made the default (`default = true`). */
function writeProject(dir: string, url: string, extra: string[] = []): void {
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "consumer"',
      'version = "0.0.0"',
      `requires-python = ">=${PYTHON}"`,
      'dependencies = ["acme-app"]',
      "",
      "[[tool.uv.index]]",
      'name = "acme"',
      `url = "${url}"`,
      "default = true",
      ...extra,
      "",
    ].join("\n"),
  );
}

/** `uv lock` then `uv sync`: checks the lock's versions and every hash against the published files, and the synced venv. */
async function lockAndSync(ws: { dir: string; env: NodeJS.ProcessEnv }): Promise<{ lock: RunResult; sync: RunResult; lockText: string }> {
  const lock = await uvRun(["lock"], ws);
  assert.equal(lock.code, 0, out(lock));
  const lockText = readFileSync(join(ws.dir, "uv.lock"), "utf8");
  const parsed = parseToml(lockText) as unknown as UvLock;
  const locked = parsed.package.filter((p) => p.name !== "consumer");
  assert.deepEqual(locked.map((p) => `${p.name}==${p.version}`).sort(), RESOLVED);
  for (const p of locked) {
    assert.ok(p.wheels && p.wheels.length > 0, `${p.name}: no wheels locked`);
    for (const w of p.wheels) {
      const file = decodeURIComponent(w.url.split("/").pop() ?? "");
      assert.equal(w.hash, `sha256:${index.sha256.get(file)}`, `${file}: the locked hash is the published file's`);
    }
  }
  const sync = await uvRun(["sync"], ws);
  assert.equal(sync.code, 0, out(sync));
  assert.deepEqual(
    venvDistributions(join(ws.dir, ".venv")).filter((n) => !n.startsWith("consumer")),
    RESOLVED,
  );
  return { lock, sync, lockText };
}

describe(`uv ${"(pinned)"}`, () => {
  for (const name of ["serve", "static", "private"] as const) {
    test(`uv pip install --index-url: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace(`pip-${name}`);
      const rec = await recordTraffic(index, host);
      const { r, got } = await pipInstall(ws, ["--index-url", host.indexWithToken, "acme-app"]);
      assert.equal(r.code, 0, out(r));
      assert.deepEqual(got, RESOLVED, "ours (not the squatters' 99.0.0) and the public dependency from the upstream");
      const traffic = await rec.stop();
      assertFetched(t, host, traffic, out(r));
      if (name === "private") assert.doesNotMatch(out(r), new RegExp(ALICE), "uv keeps the token out of its output");
      table.add({
        client: "uv",
        version: uv.version,
        python: PYTHON,
        host: HOST_LABEL[name],
        result: "yes",
        configuration: `\`uv pip install --index-url ${name === "private" ? "https://token:TOKEN@HOST/simple/" : "URL"} acme-app\``,
      });
    });

    test(`uv lock and uv sync with [[tool.uv.index]] default = true: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace(`project-${name}`, name === "private" ? { UV_INDEX_ACME_USERNAME: "token", UV_INDEX_ACME_PASSWORD: ALICE } : {});
      writeProject(ws.dir, host.index);
      const rec = await recordTraffic(index, host);
      const { lock, sync, lockText } = await lockAndSync(ws);
      const traffic = await rec.stop();
      assertFetched(t, host, traffic, out(lock) + out(sync));
      assert.doesNotMatch(lockText, new RegExp(ALICE), "no credential is written to uv.lock");
      table.add({
        client: "uv",
        version: uv.version,
        python: PYTHON,
        host: HOST_LABEL[name],
        result: "yes",
        configuration: `\`[[tool.uv.index]]\` \`default = true\`; \`uv lock\`, \`uv sync\`${name === "private" ? "; `UV_INDEX_ACME_USERNAME=token`, `UV_INDEX_ACME_PASSWORD=TOKEN`" : ""}`,
      });
    });

    test(`a claimed name the index does not hold is not found, and the upstream never hears it: ${name}`, async () => {
      const host = index.host(name);
      const ws = workspace(`ghost-${name}`);
      const rec = await recordTraffic(index, host);
      const { r } = await pipInstall(ws, ["--index-url", host.indexWithToken, "acme-ghost"]);
      assert.notEqual(r.code, 0);
      assert.match(out(r), /acme-ghost was not found in the package registry|no versions of acme-ghost/, out(r));
      const traffic = await rec.stop();
      assert.ok(
        traffic.ours.some((q) => q.path === "/simple/acme-ghost/" && q.status === 404),
        JSON.stringify(traffic.ours),
      );
      assertUpstreamClean(traffic);
    });
  }
});

describe("uv's credentials for the private index", () => {
  const host = (): IndexHost => index.host("private");

  test("in the index URL of the project: they reach our host only, and uv.lock keeps no secret", async (t) => {
    const ws = workspace("cred-url");
    writeProject(ws.dir, host().indexWithToken);
    const rec = await recordTraffic(index, host());
    const { lock, sync, lockText } = await lockAndSync(ws);
    assertFetched(t, host(), await rec.stop(), out(lock) + out(sync));
    assert.doesNotMatch(lockText, new RegExp(ALICE));
    table.add({
      client: "uv",
      version: uv.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: '`[[tool.uv.index]]` `url = "https://token:TOKEN@HOST/simple/"`; `uv lock`, `uv sync`',
    });
  });

  test("from ~/.netrc", async (t) => {
    const ws = workspace("cred-netrc");
    const netrc = join(ws.home, ".netrc");
    writeFileSync(netrc, `machine 127.0.0.1\n  login token\n  password ${ALICE}\n`, { mode: 0o600 });
    writeProject(ws.dir, host().index);
    const rec = await recordTraffic(index, host());
    const { lock, sync } = await lockAndSync(ws);
    assertFetched(t, host(), await rec.stop(), out(lock) + out(sync));
    table.add({
      client: "uv",
      version: uv.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: "`~/.netrc`: `machine HOST login token password TOKEN`; `uv lock`, `uv sync`",
    });
  });

  test('authenticate = "always": credentials are sent on the first request, and without any uv stops before asking', async (t) => {
    const ws = workspace("cred-always", { UV_INDEX_ACME_USERNAME: "token", UV_INDEX_ACME_PASSWORD: ALICE });
    writeProject(ws.dir, host().index, ['authenticate = "always"']);
    const rec = await recordTraffic(index, host());
    const { lock, sync } = await lockAndSync(ws);
    const traffic = await rec.stop();
    assertFetched(t, host(), traffic, out(lock) + out(sync));
    assert.deepEqual(
      traffic.ours.filter((q) => q.status === 401),
      [],
      "no request went out without credentials",
    );

    const bare = workspace("cred-always-none");
    writeProject(bare.dir, host().index, ['authenticate = "always"']);
    const rec2 = await recordTraffic(index, host());
    const failed = await uvRun(["lock"], bare);
    assert.notEqual(failed.code, 0);
    assert.match(out(failed), /Failed to fetch|missing credentials|authentication/i, out(failed));
    const none = await rec2.stop();
    assert.deepEqual(
      none.ours.filter((q) => q.credentials),
      [],
    );
    t.diagnostic(`without credentials: exit ${failed.code}; ${describeTraffic(none)}`);
    table.add({
      client: "uv",
      version: uv.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: '`authenticate = "always"` with `UV_INDEX_ACME_USERNAME`/`_PASSWORD`; `uv lock`, `uv sync`',
    });
  });

  test("our 401 (no credentials, a token GitHub refuses) and 404 (a token without access) stop uv with the status in its message", async (t) => {
    const cases = [
      { label: "no credentials", url: host().index, status: 401 },
      { label: "a refused token", url: host().index.replace("://", `://token:ghp_${"0".repeat(36)}@`), status: 401 },
      { label: "a token without access", url: host().index.replace("://", `://token:${BOB}@`), status: 404 },
    ];
    for (const c of cases) {
      const ws = workspace(`status-${c.status}`);
      const rec = await recordTraffic(index, host());
      const { r } = await pipInstall(ws, ["--index-url", c.url, "acme-app"]);
      const traffic = await rec.stop();
      assert.notEqual(r.code, 0, `${c.label}: ${out(r)}`);
      assert.ok(
        traffic.ours.some((q) => q.status === c.status),
        `${c.label}: our host answered ${c.status}`,
      );
      // uv names the status for a 401; for a 404 it says the package was not found, as for any missing name.
      if (c.status === 401) assert.match(out(r), /401 Unauthorized|Missing credentials|authentication/i, out(r));
      else assert.match(out(r), /not found in the package registry|no versions of acme-app/i, out(r));
      assertUpstreamClean(traffic);
      assert.doesNotMatch(out(r), new RegExp(BOB));
      t.diagnostic(`${c.label}: exit ${r.code}: ${out(r).trim().split("\n").slice(-2).join(" / ")}`);
    }
    // 403 is not among them: a token GitHub refuses is our 401, a person without access our 404 (as for a missing name).
    table.add({
      client: "uv",
      version: uv.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: "our 401 (no or refused token): uv stops, naming `401 Unauthorized`; our 404 (no access): `acme-app was not found`; the index never answers 403",
    });
  });
});

describe("cooldowns through the one URL: uv --exclude-newer", () => {
  for (const name of ["serve", "static"] as const) {
    for (const cutoff of ["7 days", "2025-06-01"]) {
      test(`--exclude-newer "${cutoff}" on ${name}: the day-old files are left out, ours and the upstream's`, async (t) => {
        const host = index.host(name);
        const ws = workspace(`cool-${name}`);
        const rec = await recordTraffic(index, host);
        const { r, got } = await pipInstall(ws, ["--index-url", host.index, "--exclude-newer", cutoff, "acme-app"]);
        assert.equal(r.code, 0, out(r));
        assert.deepEqual(got, COOLED);
        assert.doesNotMatch(out(r), /missing an upload date/, "every file of ours carries its upload time, in JSON and in HTML");
        const traffic = await rec.stop();
        assertUpstreamClean(traffic);
        t.diagnostic(`${name}, --exclude-newer ${cutoff}: ${got.join(", ")}; ${describeTraffic(traffic)}`);
        if (cutoff === "7 days")
          table.add({
            client: "uv",
            version: uv.version,
            python: PYTHON,
            host: HOST_LABEL[name],
            result: "yes",
            configuration: '`uv pip install --exclude-newer "7 days"` (or a date): older files only, ours and the upstream\'s',
          });
      });
    }
  }
});

test("docs/clients.md's client table has exactly the uv rows this file showed", () => {
  assert.ok(existsSync(uv.bin("uv")));
  table.check("uv");
});
