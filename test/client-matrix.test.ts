/**
 * Every pip people run, each at the exact version test/clients/requirements.txt pins (installed
 * from PyPI with its hash, on a Python it supports), plus Debian 12's own `python3 -m venv`
 * (pip 23.0.1, what its users have). Each pip is tested on the index's edge cases (the matrix
 * site on `serve` and a plain static host) and through the one URL on the three hosts a team can
 * have (test/helpers/one-url-index.ts). Each row asserts what that pip really does, from what the
 * hosts recorded, so a change in a client or in the index shows here. uv, Poetry, pdm and pipenv
 * have files of their own (test/clients-*.test.ts).
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { parse as parseToml } from "smol-toml";
import { sha256File } from "../generator/util/hash-file.js";
import { demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { clientVenv, pinnedVenvs } from "./helpers/client-venvs.js";
import { clientTable } from "./helpers/client-table.js";
import { assertUpstreamClean, describeTraffic, OLD, RECENT, recordTraffic, startOneUrlIndex, type HostName, type OneUrlIndex } from "./helpers/one-url-index.js";
import { makeWheel, makeZipSdist, type BuiltDist } from "./helpers/python-dists.js";
import { createVenv, DEBIAN_PYTHON, run, venvAt, type Venv } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { startStaticHost, type StaticHost } from "./helpers/static-host.js";
import { startObservedServer, type ObservedServer } from "./helpers/observed-server.js";

/** One pip of the matrix: its version, the Python it runs on, and where it comes from. */
interface PipCandidate {
  pip: string;
  pythonVersion: string;
  origin: string;
  /** The venv it runs in; never installed into (pip installs go to `--target` folders). */
  venv(): Promise<Venv>;
}

const DEBIAN_ROW: PipCandidate = {
  pip: "23.0.1",
  pythonVersion: "3.11",
  origin: "Debian 12's python3 -m venv",
  venv: () => createVenv(join(tempDir("matrix-debian"), "venv"), DEBIAN_PYTHON),
};
const ROWS: PipCandidate[] = [
  ...pinnedVenvs()
    .filter((p) => p.client === "pip")
    .map((p): PipCandidate => ({ pip: p.version, pythonVersion: p.python, origin: `PyPI, hash-pinned, on Python ${p.python}`, venv: async () => venvAt((await clientVenv(p.venv)).dir) })),
  DEBIAN_ROW,
];
const table = clientTable("client-matrix");
/** Each client test prints what it ran, so the CI log holds the matrix. */
const note = (t: TestContext, line: string): void => t.diagnostic(line);

const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");
const pipAtLeast = (row: PipCandidate, major: number, minor: number): boolean => {
  const [a = 0, b = 0] = row.pip.split(".").map(Number);
  return a > major || (a === major && b >= minor);
};
/** pip 22.2 asks for PEP 691 JSON; pip 23.2 reads PEP 714's core-metadata (older pips download the wheel instead). */
const asksJson = (row: PipCandidate): boolean => pipAtLeast(row, 22, 2);
const readsCoreMetadata = (row: PipCandidate): boolean => pipAtLeast(row, 23, 2);

const YANK_REASON = "Corrupts the cache on upgrade";
/** Names and files no demo has: a dotted name, a local version, a build tag, a yanked newest version, a .zip sdist. */
function matrixDists(): BuiltDist[] {
  return [
    makeWheel({ name: "acme.tools", version: "1.0.0", summary: "A dotted project name" }),
    makeWheel({ name: "acme-local", version: "1.0.0" }),
    makeWheel({ name: "acme-local", version: "1.0.0+cpu.1" }),
    makeWheel({ name: "acme-build", version: "1.0.0" }),
    makeWheel({ name: "acme-build", version: "1.0.0", buildTag: "1" }),
    makeWheel({ name: "acme-yank", version: "1.0.0" }),
    makeWheel({ name: "acme-yank", version: "2.0.0" }),
    makeWheel({ name: "acme-py", version: "1.0.0", requiresPython: ">=3.8" }),
    makeWheel({ name: "acme-py", version: "2.0.0", requiresPython: ">=3.99" }),
    // Metadata-Version 2.1 (the demo's wheels are 2.4): the baseline for clients that read old metadata only.
    makeWheel({ name: "acme-cli", version: "1.0.0", requiresDist: ["acme.tools>=1.0"] }),
    makeZipSdist(join(repoRoot, "test/fixtures/zip-sdist/acme_zipped-0.1.0")),
  ];
}

let site: string;
const sha256Of = new Map<string, string>();
const closers: (() => unknown)[] = [];

before(async () => {
  const extra = tempDir("matrix-dists");
  for (const d of matrixDists()) writeFileSync(join(extra, d.filename), d.bytes);
  for (const dir of [demoDists, extra]) {
    for (const name of readdirSync(dir)) sha256Of.set(name, (await sha256File(join(dir, name))).sha256);
  }
  site = join(tempDir("matrix-site"), "site");
  const built = await buildTo(site, {
    from: [demoDists, extra],
    config: { yanked: { "demo-core": { "1.0.0": "Broken import on Windows" }, "acme-yank": { "2.0.0": YANK_REASON } } },
  });
  assert.deepEqual(built.warnings, []);
});

after(async () => {
  for (const close of closers) await close();
});

/** A public host as a test sees it: its index URL, which format a page went out in, which files were fetched. */
interface HostView {
  name: "serve" | "static";
  index: string;
  servedAs(path: string): "JSON" | "HTML" | undefined;
  fetched(pattern: RegExp): boolean;
}

function viewOfServe(server: ObservedServer): HostView {
  return {
    name: "serve",
    index: `${server.url}/simple/`,
    servedAs: (path) => {
      const type = server.servedAs(path);
      return type === "application/vnd.pypi.simple.v1+json" ? "JSON" : type === undefined ? undefined : "HTML";
    },
    fetched: (pattern) => server.fetched(pattern),
  };
}

function viewOfStatic(host: StaticHost): HostView {
  const requested = (): string[] => [...host.log().matchAll(/"GET (\S+) HTTP\/1\.[01]" 200/g)].map((m) => decodeURIComponent(m[1] ?? ""));
  return {
    name: "static",
    index: `${host.url}/simple/`,
    // A static host has one format: the HTML file a folder URL maps to.
    servedAs: (path) => (requested().includes(path) ? "HTML" : undefined),
    fetched: (pattern) => requested().some((p) => pattern.test(p)),
  };
}

/** Public hosts of the matrix site; each pip row gets its own, so what they record is that pip's doing. */
async function publicHosts(): Promise<HostView[]> {
  const serve = await startObservedServer({ root: site });
  const staticHost = await startStaticHost(site);
  closers.push(
    () => serve.close(),
    () => staticHost.close(),
  );
  return [viewOfServe(serve), viewOfStatic(staticHost)];
}

const out = (r: { stdout: string; stderr: string }): string => r.stdout + r.stderr;
const downloaded = (dir: string): string[] => readdirSync(dir).sort();
const assertSameBytes = async (dir: string, names: string[]): Promise<void> => {
  for (const name of names) assert.equal((await sha256File(join(dir, name))).sha256, sha256Of.get(name), `${name}: bytes differ from the published file`);
};

/** The scenarios one pip must pass on one public host. */
async function publicScenarios(t: TestContext, row: PipCandidate, venv: Venv, host: HostView, work: string): Promise<void> {
  // No cache: each run reads the index afresh, so one scenario cannot answer for another.
  const pip = (args: string[]) => venv.pip([...args, "--no-cache-dir", "--index-url", host.index]);

  // The demo: a METADATA Name spelled `Demo_App`, a dependency, a yanked and a Requires-Python-excluded version.
  const target = join(work, "target");
  const demo = await pip(["install", "--target", target, "demo-app"]);
  assert.equal(demo.code, 0, out(demo));
  const dists = readdirSync(target)
    .filter((n) => n.endsWith(".dist-info"))
    .map((n) => n.replace(/\.dist-info$/, ""))
    .map((n) => {
      const [name = "", version = ""] = n.split("-");
      return `${normalise(name)}==${version}`;
    });
  assert.deepEqual(dists.sort(), ["demo-app==0.3.0", "demo-core==1.2.0"]);
  const imported = await run(venv.python, ["-c", "import demo_app, demo_core; print(demo_core.__version__)"], { env: { PYTHONPATH: target } });
  assert.equal(imported.stdout.trim(), "1.2.0", out(imported));
  const served = host.servedAs("/simple/demo-app/");
  assert.equal(served, host.name === "serve" && asksJson(row) ? "JSON" : "HTML");
  const usedMetadata = host.fetched(/demo_app-0\.3\.0-py3-none-any\.whl\.metadata$/);
  assert.equal(usedMetadata, readsCoreMetadata(row), `pip ${row.pip} ${readsCoreMetadata(row) ? "should" : "should not"} fetch the PEP 658 file`);
  note(t, `demo: demo-app 0.3.0 + demo-core 1.2.0 from the ${served} page; .metadata ${usedMetadata ? "read" : "not read (wheel downloaded)"}`);

  // A dotted name, a pinned local version, the highest build tag, the newest non-yanked version, a .zip sdist.
  const batch = join(work, "batch");
  const got = await pip(["download", "--no-deps", "-d", batch, "Acme.Tools", "acme-local==1.0.0+cpu.1", "acme-build", "acme-yank", "acme-zipped"]);
  assert.equal(got.code, 0, out(got));
  const expected = ["acme_build-1.0.0-1-py3-none-any.whl", "acme_local-1.0.0+cpu.1-py3-none-any.whl", "acme_tools-1.0.0-py3-none-any.whl", "acme_yank-1.0.0-py3-none-any.whl", "acme_zipped-0.1.0.zip"];
  assert.deepEqual(downloaded(batch), expected);
  await assertSameBytes(batch, expected);

  // A yanked version is still there when pinned, with its reason.
  const yanked = await pip(["download", "--no-deps", "-d", join(work, "yanked"), "acme-yank==2.0.0"]);
  assert.equal(yanked.code, 0, out(yanked));
  assert.match(out(yanked), new RegExp(`yanked[\\s\\S]*${YANK_REASON}`, "i"));

  // Requires-Python excludes demo-core 2.0.0 (>=3.99). pip 23 and later name the reason, except pip
  // 25.0, which records skipped links only at debug level and so drops that line.
  const excluded = await pip(["download", "--no-deps", "-d", join(work, "excluded"), "demo-core==2.0.0"]);
  assert.notEqual(excluded.code, 0);
  const offered = /\(from versions: ([^)]*)\)/.exec(out(excluded))?.[1];
  assert.ok(offered?.includes("1.2.0") && !offered.includes("2.0.0"), out(excluded));
  if (pipAtLeast(row, 23, 0) && !row.pip.startsWith("25.0.")) assert.match(out(excluded), /2\.0\.0 Requires-Python >=3\.99/);

  // --require-hashes: the index's sha256 matches the pinned hash; a wrong one is refused.
  const wheel = "demo_core-1.1.0-py3-none-any.whl";
  writeFileSync(join(work, "good.txt"), `demo-core==1.1.0 --hash=sha256:${sha256Of.get(wheel)}\n`);
  writeFileSync(join(work, "bad.txt"), `demo-core==1.1.0 --hash=sha256:${"0".repeat(64)}\n`);
  const hashed = await pip(["download", "--no-deps", "--require-hashes", "-r", join(work, "good.txt"), "-d", join(work, "hashed")]);
  assert.equal(hashed.code, 0, out(hashed));
  assert.deepEqual(downloaded(join(work, "hashed")), [wheel]);
  const wrong = await pip(["download", "--no-deps", "--require-hashes", "-r", join(work, "bad.txt"), "-d", join(work, "wrong")]);
  assert.notEqual(wrong.code, 0);
  assert.match(out(wrong), /DO NOT MATCH THE HASHES/);
  note(t, "dotted name, local version, build tag, yanks, Requires-Python, .zip sdist, --require-hashes: as expected");
}

const RESOLVED = ["acme_app-1.0.0-py3-none-any.whl", "acme_lib-1.1.0-py3-none-any.whl", "public_dep-1.1.0-py3-none-any.whl"];
const COOLED = ["acme_app-1.0.0-py3-none-any.whl", "acme_lib-1.0.0-py3-none-any.whl", "public_dep-1.0.0-py3-none-any.whl"];

/** Downloaded files whose bytes are the published ones (the index's sha256, ours and the upstream's). */
async function assertPublished(oneUrl: OneUrlIndex, dir: string): Promise<void> {
  for (const name of downloaded(dir)) assert.equal((await sha256File(join(dir, name))).sha256, oneUrl.sha256.get(name), `${name}: bytes differ from the published file`);
}

/** Through the one URL on one host: our project, its public dependency, no squatter, nothing of ours or of the person's sent upstream. */
async function oneUrlScenario(t: TestContext, oneUrl: OneUrlIndex, row: PipCandidate, venv: Venv, name: HostName, work: string): Promise<void> {
  const host = oneUrl.host(name);
  const rec = await recordTraffic(oneUrl, host);
  const dir = join(work, `one-url-${name}`);
  const r = await venv.pip(["download", "--no-cache-dir", "-d", dir, "--index-url", host.indexWithToken, "acme-app"]);
  assert.equal(r.code, 0, out(r));
  assert.deepEqual(downloaded(dir), RESOLVED, "ours (not the squatters' 99.0.0) and the public dependency from the upstream");
  await assertPublished(oneUrl, dir);
  const ghost = await venv.pip(["download", "--no-cache-dir", "-d", join(work, `ghost-${name}`), "--index-url", host.indexWithToken, "acme-ghost"]);
  assert.notEqual(ghost.code, 0, "a claimed name we do not hold is not found");
  const traffic = await rec.stop();
  assertUpstreamClean(traffic);
  const pages = traffic.ours.filter((q) => q.path.startsWith("/simple/acme-") && q.status === 200).map((q) => (q.contentType === "application/vnd.pypi.simple.v1+json" ? "JSON" : "HTML"));
  assert.deepEqual([...new Set(pages)], [name !== "static" && asksJson(row) ? "JSON" : "HTML"]);
  assert.equal(
    traffic.ours.some((q) => q.path.endsWith(".whl.metadata") && q.status === 200),
    readsCoreMetadata(row),
    "PEP 658 files read from pip 23.2",
  );
  // After the redirect pip asks the upstream again with its own Accept, and no credentials.
  const upstreamPage = traffic.upstream.find((q) => q.path === "/simple/public-dep/");
  assert.equal(/application\/vnd\.pypi\.simple\.v1\+json/.test(upstreamPage?.accept ?? ""), asksJson(row), JSON.stringify(traffic.upstream));
  assert.doesNotMatch(out(r) + out(ghost), /api-version|repository-version/i);
  if (name === "private") assert.doesNotMatch(out(r) + out(ghost), new RegExp(host.password ?? "-"), "pip redacts the token from its output");
  note(t, `one URL on ${name}: ${describeTraffic(traffic)}`);
}

describe("pip", { concurrency: 2 }, () => {
  for (const row of ROWS) {
    test(`pip ${row.pip} on Python ${row.pythonVersion} (${row.origin})`, async (t) => {
      const work = tempDir(`matrix-pip-${row.pip}`);
      const venv = await row.venv();
      const version = await run(venv.python, ["-m", "pip", "--version"]);
      assert.match(version.stdout, new RegExp(`^pip ${row.pip.replace(/\./g, "\\.")} .*\\(python ${row.pythonVersion.replace(".", "\\.")}\\)`), version.stdout + version.stderr);
      const [serve, staticHost] = await publicHosts();
      // Its own one-URL index and upstream: what they record is this pip's doing alone.
      const oneUrl = await startOneUrlIndex(`matrix-${row.pip}`);
      closers.push(() => oneUrl.close());

      await t.test("serve (JSON by negotiation)", async (st) => {
        mkdirSync(join(work, "serve"));
        await publicScenarios(st, row, venv, serve as HostView, join(work, "serve"));
      });
      await t.test("static host (HTML, as GitHub Pages)", async (st) => {
        mkdirSync(join(work, "static"));
        await publicScenarios(st, row, venv, staticHost as HostView, join(work, "static"));
      });
      const oneUrlPassed = new Set<HostName>();
      for (const name of ["serve", "static", "private"] as const) {
        await t.test(`one URL: ${name}`, async (st) => {
          await oneUrlScenario(st, oneUrl, row, venv, name, work);
          oneUrlPassed.add(name);
        });
      }
      const python = `${row.pythonVersion}${row === DEBIAN_ROW ? " (Debian)" : ""}`;
      await t.test("requirements.txt whose first line is --index-url, on each host", async () => {
        for (const name of ["serve", "static", "private"] as const) {
          const file = join(work, `requirements-${name}.txt`);
          writeFileSync(file, `--index-url ${oneUrl.host(name).indexWithToken}\nacme-app\n`);
          const dir = join(work, `from-file-${name}`);
          const r = await venv.pip(["download", "--no-cache-dir", "-d", dir, "-r", file]);
          assert.equal(r.code, 0, out(r));
          assert.deepEqual(downloaded(dir), RESOLVED);
          await assertPublished(oneUrl, dir);
        }
        // Only once every host passed, both ways: the row says what was shown.
        if (oneUrlPassed.size === 3)
          table.add({
            client: "pip",
            version: row.pip,
            python,
            host: "all three",
            result: "yes",
            configuration: "`--index-url URL` (on the private host `https://token:TOKEN@HOST/simple/`); `requirements.txt` whose first line is `--index-url URL`",
          });
      });

      if (pipAtLeast(row, 25, 1)) {
        await t.test("pip lock writes pylock.toml with the published hashes", async () => {
          for (const name of ["serve", "static", "private"] as const) {
            const file = join(work, `pylock-${name}.toml`);
            const r = await venv.pip(["lock", "--no-cache-dir", "--index-url", oneUrl.host(name).indexWithToken, "-o", file, "acme-app"]);
            assert.equal(r.code, 0, out(r));
            const lock = parseToml(readFileSync(file, "utf8")) as { packages: { name: string; version: string; wheels?: { name: string; hashes: { sha256: string } }[] }[] };
            assert.deepEqual(lock.packages.map((p) => `${p.name}==${p.version}`).sort(), ["acme-app==1.0.0", "acme-lib==1.1.0", "public-dep==1.1.0"]);
            for (const p of lock.packages) {
              assert.ok(p.wheels && p.wheels.length > 0, `${p.name}: no wheel locked`);
              for (const w of p.wheels) assert.equal(w.hashes.sha256, oneUrl.sha256.get(w.name), w.name);
            }
            assert.doesNotMatch(readFileSync(file, "utf8"), new RegExp(oneUrl.host("private").password ?? "-"), "no token in the lock file");
          }
          table.add({
            client: "pip",
            version: row.pip,
            python,
            host: "all three",
            result: "yes",
            configuration: "`pip lock --index-url URL acme-app` (pylock.toml: the published sha256 of every wheel)",
          });
        });
      }

      if (pipAtLeast(row, 26, 0)) {
        // Between the fixture's old files and its day-old ones, as a date and as a duration.
        const cutoffs = [new Date((OLD.getTime() + RECENT.getTime()) / 2).toISOString(), "P7D"];
        await t.test("--uploaded-prior-to on serve: the day-old files are left out, ours and the upstream's", async () => {
          for (const cutoff of cutoffs) {
            const dir = join(work, `cool-${cutoff.replace(/\W/g, "")}`);
            const r = await venv.pip(["download", "--no-cache-dir", "-d", dir, "--index-url", oneUrl.host("serve").index, "--uploaded-prior-to", cutoff, "acme-app"]);
            assert.equal(r.code, 0, out(r));
            assert.deepEqual(downloaded(dir), COOLED);
          }
          table.add({
            client: "pip",
            version: row.pip,
            python,
            host: "serve (JSON)",
            result: "yes",
            configuration: "`--uploaded-prior-to P7D` (or a date): older files only, ours and the upstream's",
          });
        });
        await t.test("--uploaded-prior-to on the static host: refused, as pip reads upload times from JSON only", async () => {
          const r = await venv.pip(["download", "--no-cache-dir", "-d", join(work, "cool-static"), "--index-url", oneUrl.host("static").index, "--uploaded-prior-to", "P7D", "acme-app"]);
          assert.notEqual(r.code, 0);
          assert.match(out(r), /Index \S+\/simple\/acme-app\/ does not provide upload-time metadata/, out(r));
          table.add({
            client: "pip",
            version: row.pip,
            python,
            host: "static (HTML)",
            result: "no: pip reads upload times from JSON pages only (PEP 700), and a static host serves HTML; use uv's `--exclude-newer`, which reads `data-upload-time`",
            configuration: "`--uploaded-prior-to P7D`",
          });
        });
      }
    });
  }
});

test("docs/clients.md's client table has exactly the pip rows this file showed", () => {
  table.check("pip");
});
