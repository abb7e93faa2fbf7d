/**
 * The clients people actually run, against every kind of host the index has: each pip version on
 * this machine (found at run time), then pdm, pipenv and poetry from Debian. Hosts: `serve`
 * (negotiates PEP 691 JSON, as the CDN does), a plain static host (PEP 503 HTML, as GitHub Pages
 * is) and `serve --auth github` (credentials in the URL). Each row asserts what that client
 * really does, so a change in a client or in the index shows here.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { parse as parseToml } from "smol-toml";
import { startServer, type RunningServer } from "../generator/serve/server.js";
import { sha256File } from "../generator/util/hash-file.js";
import { demoDists, repoRoot, tempDir } from "./helpers/paths.js";
import { findPips, venvWithPip, type PipCandidate } from "./helpers/pip-versions.js";
import { serveGated, startPrivateOrg, type PrivateOrg } from "./helpers/private-org.js";
import { makeWheel, makeZipSdist, type BuiltDist } from "./helpers/python-dists.js";
import { clientEnv, run, type Venv } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { startStaticHost, type StaticHost } from "./helpers/static-host.js";
import { startObservedServer, type ObservedServer } from "./helpers/observed-server.js";
import { startUpstreamIndex, writeUpstreamFolder } from "./helpers/upstream-index.js";

const search = await findPips();
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
let org: PrivateOrg;
const ALICE = "ghp_alice0000000000000000000000000000000";
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
  org = await startPrivateOrg({
    privateRepos: ["core", "app"],
    people: [{ login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app"] }],
    label: "matrix",
  });
  closers.push(() => org.emu.close());
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
  closers.push(() => serve.close(), () => staticHost.close());
  return [viewOfServe(serve), viewOfStatic(staticHost)];
}

async function privateHost(): Promise<RunningServer> {
  const { server } = await serveGated(org);
  closers.push(() => server.close());
  return server;
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
  const dists = readdirSync(target).filter((n) => n.endsWith(".dist-info")).map((n) => n.replace(/\.dist-info$/, "")).map((n) => {
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

test(`at least four pip versions are found on this machine (found ${search.found.map((r) => r.pip).join(", ")})`, (t) => {
  for (const row of search.found) note(t, `pip ${row.pip}: ${row.origin}`);
  for (const line of search.passedOver) note(t, `passed over: ${line}`);
  assert.ok(search.found.length >= 4, `only ${search.found.length} pip versions found; the matrix needs four or more`);
});

describe("pip", { concurrency: 2 }, () => {
  for (const row of search.found) {
    test(`pip ${row.pip} on Python ${row.pythonVersion} (${row.origin})`, async (t) => {
      const work = tempDir(`matrix-pip-${row.pip}`);
      const venv = await venvWithPip(row, join(work, "venv"));
      const [serve, staticHost] = await publicHosts();

      await t.test("serve (JSON by negotiation)", async (st) => {
        mkdirSync(join(work, "serve"));
        await publicScenarios(st, row, venv, serve as HostView, join(work, "serve"));
      });
      await t.test("static host (HTML, as GitHub Pages)", async (st) => {
        mkdirSync(join(work, "static"));
        await publicScenarios(st, row, venv, staticHost as HostView, join(work, "static"));
      });
      await t.test("one URL: serve with an upstream", async (st) => {
        // Its own upstream, so what it logs is this pip's doing: a public package and a squatter on ours.
        const up = await startUpstreamIndex(writeUpstreamFolder({ "public-dep": [makeWheel({ name: "public-dep", version: "1.0.0" })], "acme-cli": [makeWheel({ name: "acme-cli", version: "99.0.0" })] }));
        const server = await startServer({ root: site, port: 0, upstream: { url: up.url, claimed: ["acme-*"] } });
        closers.push(() => up.close(), () => server.close());
        const dir = join(work, "one-url");
        const r = await venv.pip(["download", "--no-cache-dir", "-d", dir, "--index-url", `${server.url}/simple/`, "acme-cli", "public-dep"]);
        assert.equal(r.code, 0, out(r));
        assert.deepEqual(downloaded(dir), ["acme_cli-1.0.0-py3-none-any.whl", "acme_tools-1.0.0-py3-none-any.whl", "public_dep-1.0.0-py3-none-any.whl"]);
        await up.settle();
        assert.deepEqual(up.requests.filter((q) => q.path.includes("acme")), [], "the upstream never hears our names");
        const page = up.requests.find((q) => q.path === "/simple/public-dep/");
        assert.ok(page, JSON.stringify(up.requests));
        // After the redirect pip asks again with its own Accept, so negotiation happens at the upstream.
        assert.equal(/application\/vnd\.pypi\.simple\.v1\+json/.test(page.accept), asksJson(row), page.accept);
        note(st, `one URL: acme-cli 1.0.0 (not the squatter's 99.0.0) and public-dep from the upstream, Accept ${asksJson(row) ? "JSON" : "HTML"} there`);
      });
      await t.test("serve --auth github with a token in the URL", async (st) => {
        const server = await privateHost();
        const index = `${server.url.replace("://", `://token:${ALICE}@`)}/simple/`;
        const dir = join(work, "private");
        const r = await venv.pip(["download", "--no-cache-dir", "-d", dir, "--index-url", index, "acme-app"]);
        assert.equal(r.code, 0, out(r));
        // acme-core 1.1.0 needs Python >= 3.9, so an older Python gets 1.0.0.
        const core = Number(row.pythonVersion.split(".")[1]) >= 9 ? "1.1.0" : "1.0.0";
        assert.deepEqual(downloaded(dir), ["acme_app-0.1.0-py3-none-any.whl", `acme_core-${core}-py3-none-any.whl`]);
        assert.doesNotMatch(out(r), new RegExp(ALICE), "pip redacts the token from its output");
        note(st, `private: acme-app + acme-core ${core} with credentials`);
      });
    });
  }
});

/** A client's own project folder and home (clientEnv: no host configuration, the null keyring), Debian's python3 first. */
function clientWorkspace(client: string, host: string): { dir: string; env: NodeJS.ProcessEnv } {
  const root = tempDir(`matrix-${client}-${host}`);
  const dir = join(root, "project");
  mkdirSync(dir);
  const env = clientEnv(
    {
      // Debian's python3 and clients, never a pyenv shim's.
      PATH: "/usr/local/bin:/usr/bin:/bin",
      PDM_CHECK_UPDATE: "false",
      PIPENV_VENV_IN_PROJECT: "1",
      PIPENV_YES: "1",
      PIPENV_NOSPIN: "1",
      POETRY_VIRTUALENVS_IN_PROJECT: "true",
      POETRY_NO_INTERACTION: "1",
      // pipenv looks for interpreters through pyenv's variables; Debian's python3 is the one these clients run on.
      ...Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith("PYENV")).map((k) => [k, undefined])),
    },
    { home: join(root, "home") },
  );
  return { dir, env };
}

/** `name==version` of every distribution installed in the project's `.venv`. */
function venvContents(projectDir: string): string[] {
  const lib = join(projectDir, ".venv", "lib");
  const [py] = readdirSync(lib);
  const sitePackages = join(lib, py ?? "", "site-packages");
  return readdirSync(sitePackages)
    .filter((n) => n.endsWith(".dist-info"))
    .map((n) => {
      const [name = "", version = ""] = n.replace(/\.dist-info$/, "").split("-");
      return `${normalise(name)}==${version}`;
    })
    .filter((n) => /^(demo|acme)-/.test(n))
    .sort();
}

const CONSUMED = ["acme-cli==1.0.0", "acme-py==1.0.0", "acme-tools==1.0.0", "acme-yank==1.0.0", "demo-app==0.3.0", "demo-core==1.2.0"];
/** What the clients ask for: the demo, a 2.1 wheel with a dotted dependency, a yanked newest version, a Requires-Python-excluded one. */
const WANTED = ["demo-app", "acme-cli", "acme-yank", "acme-py"];

async function clientVersion(cmd: string): Promise<string> {
  const r = await run(cmd, ["--version"]).catch((e: Error) => ({ code: 127, stdout: "", stderr: e.message }));
  assert.equal(r.code, 0, `${cmd} is not installed (Debian's package; .ci/run installs it): ${r.stderr}`);
  return /(\d+\.\d+(?:\.\d+)?)/.exec(r.stdout)?.[1] ?? "?";
}

/**
 * What each of Debian's clients does, as observed at these versions and written in README's
 * Clients table: the format `serve` gave it (a static host has HTML only), and whether it read
 * PEP 658 files instead of downloading wheels. Another version fails here until both are updated.
 */
const CLIENT_BEHAVIOUR: Record<string, { version: string; onServe: "JSON" | "HTML"; readsMetadata: boolean }> = {
  pdm: { version: "2.2.1", onServe: "JSON", readsMetadata: false },
  // Resolves with its bundled pip 22.3.1, which knows only PEP 658's legacy name.
  pipenv: { version: "2022.12.19", onServe: "JSON", readsMetadata: false },
  poetry: { version: "1.3.2", onServe: "HTML", readsMetadata: false },
};

/** Checks, and notes, what a client did on a host as the host saw it. */
function assertBehaviour(t: TestContext, client: string, version: string, host: HostView, summary: string): void {
  const known = CLIENT_BEHAVIOUR[client];
  const seen = { format: host.servedAs("/simple/demo-app/") ?? "not asked", metadata: host.fetched(/\.whl\.metadata$/) };
  note(t, `${client} ${version} on ${host.name}: ${seen.format} pages, .metadata ${seen.metadata ? "read" : "not read"}; ${summary}`);
  assert.equal(version, known?.version, `${client} ${version} is not the version studied; it did ${JSON.stringify(seen)}: update CLIENT_BEHAVIOUR and README's Clients table`);
  assert.deepEqual(seen, { format: host.name === "serve" ? known?.onServe : "HTML", metadata: known?.readsMetadata });
}

describe("pdm, pipenv and poetry, each from its own project file", () => {
  test("pdm locks and installs from the index with its hashes, honouring yanks and Requires-Python", async (t) => {
    const version = await clientVersion("pdm");
    for (const host of await publicHosts()) {
      const { dir, env } = clientWorkspace("pdm", host.name);
      writeFileSync(
        join(dir, "pyproject.toml"),
        ["[project]", 'name = "consumer"', 'version = "0.0.0"', 'requires-python = ">=3.8"', `dependencies = ${JSON.stringify(WANTED)}`, "", "[[tool.pdm.source]]", 'name = "pypi"', `url = "${host.index}"`, "verify_ssl = false", ""].join("\n"),
      );
      const r = await run("pdm", ["install", "--no-self"], { cwd: dir, env });
      assert.equal(r.code, 0, out(r));
      const lock = parseToml(readFileSync(join(dir, "pdm.lock"), "utf8")) as { package: { name: string; version: string }[]; metadata: { files: Record<string, { url: string; hash: string }[]> } };
      assert.deepEqual(lock.package.map((p) => `${normalise(p.name)}==${p.version}`).sort(), CONSUMED);
      for (const files of Object.values(lock.metadata.files)) {
        for (const f of files) assert.equal(f.hash, `sha256:${sha256Of.get(decodeURIComponent(f.url.split("/").pop() ?? ""))}`, f.url);
      }
      assert.deepEqual(venvContents(dir), CONSUMED);
      assertBehaviour(t, "pdm", version, host, `locked and installed ${CONSUMED.join(", ")}`);
    }
  });

  test("pipenv locks and installs from the index with its hashes, honouring yanks and Requires-Python", async (t) => {
    const version = await clientVersion("pipenv");
    for (const host of await publicHosts()) {
      const { dir, env } = clientWorkspace("pipenv", host.name);
      writeFileSync(join(dir, "Pipfile"), ["[[source]]", `url = "${host.index}"`, "verify_ssl = false", 'name = "index"', "", "[packages]", ...WANTED.map((w) => `${w} = "*"`), ""].join("\n"));
      const r = await run("pipenv", ["install"], { cwd: dir, env });
      assert.equal(r.code, 0, out(r));
      const lock = JSON.parse(readFileSync(join(dir, "Pipfile.lock"), "utf8")) as { default: Record<string, { version: string; hashes: string[] }> };
      assert.deepEqual(Object.entries(lock.default).map(([name, p]) => `${normalise(name)}${p.version}`).sort(), CONSUMED);
      assert.ok(lock.default["demo-core"]?.hashes.includes(`sha256:${sha256Of.get("demo_core-1.2.0-py3-none-any.whl")}`));
      assert.deepEqual(venvContents(dir), CONSUMED);
      assertBehaviour(t, "pipenv", version, host, `locked and installed ${CONSUMED.join(", ")}`);
    }
  });

  test("poetry locks and installs from its only source; a Poetry whose pkginfo cannot read Metadata-Version 2.4 locks such wheels without their dependencies", async (t) => {
    const version = await clientVersion("poetry");
    const [major = 0, minor = 0] = version.split(".").map(Number);
    // Poetry reads wheel metadata with pkginfo, in Poetry's own interpreter: ask it which versions it knows.
    const interpreter = readFileSync((await run("sh", ["-c", "command -v poetry"])).stdout.trim(), "utf8").split("\n")[0]?.replace(/^#!\s*/, "").split(" ")[0] ?? "python3";
    const probe = await run(interpreter, ["-c", "import pkginfo.distribution as d; print('2.4' in d.HEADER_ATTRS)"]);
    const reads24 = probe.stdout.trim() !== "False";
    // `priority` arrived in Poetry 1.5; before it, `default = true` makes a source the only one.
    const sourceLine = major > 1 || (major === 1 && minor >= 5) ? 'priority = "primary"' : "default = true";
    for (const host of await publicHosts()) {
      const { dir, env } = clientWorkspace("poetry", host.name);
      writeFileSync(
        join(dir, "pyproject.toml"),
        [
          "[tool.poetry]", 'name = "consumer"', 'version = "0.0.0"', 'description = ""', 'authors = ["Nobody <nobody@example.com>"]', "",
          "[tool.poetry.dependencies]", 'python = "^3.8"', ...WANTED.map((w) => `${w} = "*"`), "",
          "[[tool.poetry.source]]", 'name = "index"', `url = "${host.index}"`, sourceLine, "",
        ].join("\n"),
      );
      const r = await run("poetry", ["install", "--no-root"], { cwd: dir, env });
      assert.equal(r.code, 0, out(r));
      const lock = parseToml(readFileSync(join(dir, "poetry.lock"), "utf8")) as { package: { name: string; version: string; dependencies?: Record<string, unknown>; files: { file: string; hash: string }[] }[] };
      const locked = new Map(lock.package.map((p) => [normalise(p.name), p]));
      for (const p of lock.package) for (const f of p.files) assert.equal(f.hash, `sha256:${sha256Of.get(f.file)}`, f.file);
      // The 2.1 wheel's dependency is always read.
      assert.deepEqual(Object.keys(locked.get("acme-cli")?.dependencies ?? {}).map(normalise), ["acme-tools"]);
      const expected = reads24 ? CONSUMED : CONSUMED.filter((p) => !p.startsWith("demo-core"));
      assert.deepEqual([...locked.values()].map((p) => `${normalise(p.name)}==${p.version}`).sort(), expected);
      assert.deepEqual(Object.keys(locked.get("demo-app")?.dependencies ?? {}).map(normalise), reads24 ? ["demo-core"] : []);
      assert.deepEqual(venvContents(dir), expected);
      assertBehaviour(t, "poetry", version, host, reads24 ? "locked and installed everything" : "Metadata-Version 2.4 unreadable: demo-app locked without demo-core");
    }
  });
});
