/**
 * Poetry through the one index URL: the version test/clients/requirements.txt pins, on each host,
 * with a project written by hand (`priority = "primary"`) and one made with the two commands the
 * catalog prints (`poetry source add --priority=primary`, `poetry add`); the private index's
 * credentials from `poetry config http-basic`; a claimed name we do not hold; and why an
 * `explicit` source is wrong for us (its packages' dependencies are looked for elsewhere). Then
 * Debian's Poetry 1.3, what an old distribution gives: `default = true`, and what it does with a
 * wheel whose metadata is Metadata-Version 2.4.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { parse as parseToml } from "smol-toml";
import { clientTable } from "./helpers/client-table.js";
import { clientVenv, pinnedVenvs, type ClientVenv } from "./helpers/client-venvs.js";
import { startObservedServer, type ObservedServer } from "./helpers/observed-server.js";
import { ALICE, BOB, assertUpstreamClean, describeTraffic, recordTraffic, startOneUrlIndex, type IndexHost, type OneUrlIndex, type Traffic, venvDistributions } from "./helpers/one-url-index.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { clientEnv, run, type RunResult } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";

/** Debian's Poetry (python3-poetry), run as the distribution installs it. */
const DEBIAN_POETRY = "/usr/bin/poetry";
const RESOLVED = ["acme-app==1.0.0", "acme-lib==1.1.0", "public-dep==1.1.0"];
const HOST_LABEL = { serve: "serve (JSON)", static: "static (HTML)", private: "serve --auth github" } as const;
const CREDENTIALS = "; `poetry config http-basic.acme token TOKEN`";
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";

let index: OneUrlIndex;
let poetry: ClientVenv;
const table = clientTable("clients-poetry");

before(async () => {
  [index, poetry] = await Promise.all([startOneUrlIndex("poetry"), clientVenv("poetry")]);
});
after(() => index?.close());

const out = (r: RunResult): string => r.stdout + r.stderr;
const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

interface Workspace {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** A run's own project folder and home: Poetry's config, credentials, cache and the project's venv live there and nowhere else. */
function workspace(label: string, settings: NodeJS.ProcessEnv = {}): Workspace {
  const root = tempDir(`poetry-${label}`);
  const dir = join(root, "work");
  mkdirSync(dir);
  const home = join(root, "home");
  const env = clientEnv(
    {
      POETRY_VIRTUALENVS_IN_PROJECT: "true",
      // The project's venv on Poetry's own interpreter, not whichever python3 the PATH holds.
      POETRY_VIRTUALENVS_USE_POETRY_PYTHON: "true",
      POETRY_NO_INTERACTION: "1",
      POETRY_CACHE_DIR: join(home, ".cache", "pypoetry"),
      POETRY_CONFIG_DIR: join(home, ".config", "pypoetry"),
      POETRY_KEYRING_ENABLED: "false",
      NO_COLOR: "1",
      ...settings,
    },
    { home },
  );
  return { dir, home, env };
}

/** Runs Poetry (the pinned one unless `bin` names another) in the workspace, never asking anything. */
const poetryRun = (ws: Workspace, args: string[], bin = poetry.bin("poetry")): Promise<RunResult> => run(bin, [...args, "--no-interaction"], { cwd: ws.dir, env: ws.env });

async function ok(ws: Workspace, args: string[], bin?: string): Promise<RunResult> {
  const r = await poetryRun(ws, args, bin);
  assert.equal(r.code, 0, `poetry ${args.join(" ")}: ${out(r)}`);
  return r;
}

/** A PEP 621 project needing `dependencies`, whose one source is the index, primary (PyPI is then not asked). */
function writeProject(dir: string, url: string, dependencies: string[] = ["acme-app"]): void {
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "consumer"',
      'version = "0.0.0"',
      'requires-python = ">=3.9"',
      `dependencies = ${JSON.stringify(dependencies)}`,
      "",
      "[[tool.poetry.source]]",
      'name = "acme"',
      `url = "${url}"`,
      'priority = "primary"',
      "",
    ].join("\n"),
  );
}

/** The same for Poetry before 1.5: no PEP 621 and no `priority`; `default = true` makes the source the only one. */
function writeLegacyProject(dir: string, url: string, dependency: string): void {
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[tool.poetry]",
      'name = "consumer"',
      'version = "0.0.0"',
      'description = ""',
      "authors = []",
      "",
      "[tool.poetry.dependencies]",
      'python = ">=3.9"',
      `${dependency} = "*"`,
      "",
      "[[tool.poetry.source]]",
      'name = "acme"',
      `url = "${url}"`,
      "default = true",
      "",
    ].join("\n"),
  );
}

interface PoetryLock {
  package: { name: string; version: string; files: { file: string; hash: string }[]; dependencies?: Record<string, unknown>; source?: { reference?: string; url?: string } }[];
}

const readLock = (dir: string): PoetryLock => parseToml(readFileSync(join(dir, "poetry.lock"), "utf8")) as unknown as PoetryLock;

/** `name==version` of what the lock holds; every file's hash must be the published file's. */
function lockedFrom(lock: PoetryLock, published: Map<string, string>): string[] {
  for (const p of lock.package) {
    assert.ok(p.files.length > 0, `${p.name}: no files locked`);
    for (const f of p.files) assert.equal(f.hash, `sha256:${published.get(f.file)}`, `${f.file}: the locked hash is the published file's`);
  }
  return lock.package.map((p) => `${normalise(p.name)}==${p.version}`).sort();
}

/** The project venv's Python, `major.minor`, as the venv itself records it. */
function venvPython(dir: string): string {
  const cfg = readFileSync(join(dir, ".venv", "pyvenv.cfg"), "utf8");
  const m = /^version(?:_info)?\s*=\s*(\d+\.\d+)/m.exec(cfg);
  assert.ok(m?.[1], cfg);
  return m[1];
}

/** No word from any client on the index's API version. */
const assertQuiet = (output: string): void => assert.doesNotMatch(output, /api-version|repository-version|unsupported.*version|newer than/i);

const ourPages = (traffic: Traffic): string[] => traffic.ours.filter((r) => r.path.startsWith("/simple/acme-") && r.status === 200).map((r) => r.contentType);
const ourMetadata = (traffic: Traffic): number => traffic.ours.filter((r) => r.path.endsWith(".whl.metadata") && r.status === 200).length;
const ourFiles = (traffic: Traffic): number => traffic.ours.filter((r) => r.path.endsWith(".whl") && r.status === 200).length;

/**
 * What the host saw of the pinned Poetry's `lock`: PEP 691 JSON where negotiated (the static host
 * has HTML only), the .metadata files instead of the wheels, no Range request; and nothing of
 * ours, and no credentials, upstream.
 */
function assertLockTraffic(t: TestContext, host: IndexHost, traffic: Traffic, label: string): void {
  const pages = ourPages(traffic);
  assert.ok(pages.length > 0, JSON.stringify(traffic.ours));
  assert.deepEqual([...new Set(pages)], [host.name === "static" ? "text/html" : JSON_TYPE], "Poetry asks for PEP 691 JSON, and takes HTML where that is all there is");
  assert.ok(ourMetadata(traffic) > 0, "Poetry reads the .metadata files");
  assert.equal(ourFiles(traffic), 0, "with .metadata to read, the lock downloads no wheel of ours");
  assert.deepEqual(
    traffic.ours.filter((r) => r.range !== ""),
    [],
    "nor asks for a range of one",
  );
  if (host.name === "private")
    assert.deepEqual(
      traffic.ours.filter((r) => !r.credentials).map((r) => r.path),
      [],
      "Poetry sends the configured credentials with every request",
    );
  assertUpstreamClean(traffic);
  t.diagnostic(`${host.name}, ${label}: ${describeTraffic(traffic)}`);
}

/** Gives the run its credentials for source `acme`, in its own config folder, and checks they stay there. */
async function configureCredentials(ws: Workspace, token: string): Promise<void> {
  await ok(ws, ["config", "http-basic.acme", "token", token]);
  const auth = join(ws.env.POETRY_CONFIG_DIR ?? "", "auth.toml");
  assert.ok(existsSync(auth) && readFileSync(auth, "utf8").includes(token), "with the keyring off, Poetry keeps the token in the run's own auth.toml");
}

describe("the pinned Poetry through the one URL", () => {
  for (const name of ["serve", "static", "private"] as const) {
    test(`a project written by hand, priority = "primary": poetry lock, poetry install --no-root: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace(`hand-${name}`);
      if (name === "private") await configureCredentials(ws, ALICE);
      writeProject(ws.dir, host.index);
      const rec = await recordTraffic(index, host);
      const lock = await ok(ws, ["lock"]);
      assertLockTraffic(t, host, await rec.stop(), "poetry lock");
      const locked = readLock(ws.dir);
      assert.deepEqual(lockedFrom(locked, index.sha256), RESOLVED, "ours (not the squatters' 99.0.0), and the public dependency through the same URL");
      // The source every package was locked from is ours, the squatted acme-lib included.
      assert.deepEqual([...new Set(locked.package.map((p) => `${p.source?.reference} ${p.source?.url}/`))], [`acme ${host.index}`]);

      const rec2 = await recordTraffic(index, host);
      const install = await ok(ws, ["install", "--no-root"]);
      const installTraffic = await rec2.stop();
      assert.equal(ourFiles(installTraffic), 2, "install downloads our two wheels");
      assertUpstreamClean(installTraffic);
      t.diagnostic(`${name}, poetry install: ${describeTraffic(installTraffic)}`);
      assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), RESOLVED);
      assertQuiet(out(lock) + out(install));
      assert.doesNotMatch(readFileSync(join(ws.dir, "poetry.lock"), "utf8") + out(lock) + out(install), new RegExp(ALICE), "the token is in no lock file and no output");
      table.add({
        client: "Poetry",
        version: poetry.version,
        python: venvPython(ws.dir),
        host: HOST_LABEL[name],
        result: "yes",
        configuration: `\`[[tool.poetry.source]]\` \`priority = "primary"\`; \`poetry lock\`, \`poetry install --no-root\`${name === "private" ? CREDENTIALS : ""}`,
      });
    });

    test(`a project made with the catalog's commands, poetry source add --priority=primary and poetry add: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace(`add-${name}`);
      if (name === "private") await configureCredentials(ws, ALICE);
      await ok(ws, ["init", "--name", "consumer", "--python", ">=3.9"]);
      await ok(ws, ["source", "add", "--priority=primary", "acme", host.index]);
      const rec = await recordTraffic(index, host);
      const add = await ok(ws, ["add", "acme-app"]);
      const traffic = await rec.stop();
      const pages = ourPages(traffic);
      assert.deepEqual([...new Set(pages)], [host.name === "static" ? "text/html" : JSON_TYPE]);
      assert.ok(ourMetadata(traffic) > 0, "Poetry reads the .metadata files");
      assertUpstreamClean(traffic);
      t.diagnostic(`${name}, poetry add: ${describeTraffic(traffic)}`);
      assert.deepEqual(lockedFrom(readLock(ws.dir), index.sha256), RESOLVED);
      assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), RESOLVED, "poetry add installs what it locked");
      assertQuiet(out(add));
      assert.doesNotMatch(readFileSync(join(ws.dir, "pyproject.toml"), "utf8") + out(add), new RegExp(ALICE));
      table.add({
        client: "Poetry",
        version: poetry.version,
        python: venvPython(ws.dir),
        host: HOST_LABEL[name],
        result: "yes",
        configuration: `\`poetry source add --priority=primary acme URL\`, \`poetry add acme-app\`${name === "private" ? CREDENTIALS : ""}`,
      });
    });

    test(`poetry add acme-ghost, a claimed name we do not hold, fails and the upstream never hears it: ${name}`, async () => {
      const host = index.host(name);
      const ws = workspace(`ghost-${name}`);
      if (name === "private") await configureCredentials(ws, ALICE);
      writeProject(ws.dir, host.index, []);
      const rec = await recordTraffic(index, host);
      const r = await poetryRun(ws, ["add", "acme-ghost"]);
      const traffic = await rec.stop();
      assert.equal(r.code, 1, out(r));
      assert.match(out(r), /Could not find a matching version of package acme-ghost/, out(r));
      assert.ok(
        traffic.ours.some((q) => q.path === "/simple/acme-ghost/" && q.status === 404),
        JSON.stringify(traffic.ours),
      );
      assertUpstreamClean(traffic);
      assert.doesNotMatch(readFileSync(join(ws.dir, "pyproject.toml"), "utf8"), /acme-ghost/, "a failed add leaves the project as it was");
    });
  }

  test("the private index without a token (our 401) and with bob's, which has no access (our 404): Poetry stops, and nothing reaches the upstream", async (t) => {
    const host = index.host("private");
    const cases = [
      { label: "no credentials", token: undefined, status: 401, message: /Source \(acme\): Authorization error accessing http:\/\/127\.0\.0\.1:\d+\/simple\/acme-app\// },
      // A 404 is what Poetry takes for a name the index does not have.
      { label: "bob's token", token: BOB, status: 404, message: /Because consumer depends on acme-app \(\*\) which doesn't match any versions, version solving failed/ },
    ];
    for (const c of cases) {
      const ws = workspace(`refused-${c.status}`);
      if (c.token) await configureCredentials(ws, c.token);
      writeProject(ws.dir, host.index);
      const rec = await recordTraffic(index, host);
      const r = await poetryRun(ws, ["lock"]);
      const traffic = await rec.stop();
      assert.equal(r.code, 1, `${c.label}: ${out(r)}`);
      assert.match(out(r), c.message, out(r));
      assert.deepEqual(
        traffic.ours.map((q) => `${q.path} ${q.status} ${q.credentials}`),
        [`/simple/acme-app/ ${c.status} ${c.token !== undefined}`],
        "one request, refused; Poetry asks nothing further",
      );
      assertUpstreamClean(traffic);
      assert.doesNotMatch(out(r), new RegExp(BOB));
      assert.ok(!existsSync(join(ws.dir, "poetry.lock")));
      t.diagnostic(`${c.label}: exit ${r.code}, "${c.message.exec(out(r))?.[0] ?? ""}"; ${describeTraffic(traffic)}`);
    }
    table.add({
      client: "Poetry",
      version: poetry.version,
      python: pinnedVenvs().find((p) => p.venv === "poetry")?.python ?? "",
      host: "serve --auth github",
      result: "yes",
      configuration: "our 401 (no token): `Authorization error accessing URL`, exit 1; our 404 (a token without access): `acme-app (*) which doesn't match any versions`, exit 1",
    });
  });
});

/** A proxy that refuses every CONNECT and records whom it was asked for: the network beyond loopback, closed. */
async function refusingProxy(): Promise<{ url: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.once("data", (chunk: Buffer) => {
      asked.push(chunk.toString("latin1").split("\r\n")[0] ?? "");
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, asked, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("an explicit source: the configuration the catalog printed before", () => {
  const commands = "`poetry source add --priority=explicit acme URL`, `poetry add --source acme acme-app`";

  test("Poetry takes acme-app from it but looks for acme-lib on PyPI: here unreachable, so the add fails, and our index is never asked for acme-lib", async (t) => {
    const host = index.host("serve");
    // PyPI over HTTPS through a proxy that refuses it: the same answer on any machine, online or not.
    const proxy = await refusingProxy();
    try {
      const ws = workspace("explicit-pypi", { HTTPS_PROXY: proxy.url });
      await ok(ws, ["init", "--name", "consumer", "--python", ">=3.9"]);
      await ok(ws, ["source", "add", "--priority=explicit", "acme", host.index]);
      const rec = await recordTraffic(index, host);
      const r = await poetryRun(ws, ["add", "--source", "acme", "acme-app"]);
      const traffic = await rec.stop();
      assert.equal(r.code, 1, out(r));
      assert.match(out(r), /All attempts to connect to pypi\.org failed/, out(r));
      assert.ok(proxy.asked.length > 0 && proxy.asked.every((line) => line.startsWith("CONNECT pypi.org:443 ")), JSON.stringify(proxy.asked));
      const asked = [...new Set(traffic.ours.map((q) => q.path))];
      assert.ok(asked.includes("/simple/acme-app/"), JSON.stringify(asked));
      assert.ok(!asked.some((p) => p.includes("acme-lib")), `the explicit source is asked for acme-app only, never for its dependency acme-lib: ${JSON.stringify(asked)}`);
      assertUpstreamClean(traffic);
      t.diagnostic(`explicit source, PyPI closed: exit ${r.code}, ${proxy.asked.length} CONNECTs to pypi.org; ${describeTraffic(traffic)}`);
    } finally {
      await proxy.close();
    }
  });

  test("with a primary source standing for PyPI (the fixture's upstream), the squatter's acme-lib 99.0.0 is locked and installed", async (t) => {
    const host = index.host("serve");
    const ws = workspace("explicit-squatted");
    await ok(ws, ["init", "--name", "consumer", "--python", ">=3.9"]);
    await ok(ws, ["source", "add", "--priority=explicit", "acme", host.index]);
    await ok(ws, ["source", "add", "--priority=primary", "pypi-stand-in", index.upstream.url]);
    const rec = await recordTraffic(index, host);
    await ok(ws, ["add", "--source", "acme", "acme-app"]);
    const traffic = await rec.stop();
    const locked = readLock(ws.dir);
    assert.deepEqual(lockedFrom(locked, index.sha256), ["acme-app==1.0.0", "acme-lib==99.0.0", "public-dep==1.1.0"]);
    assert.deepEqual(locked.package.map((p) => `${normalise(p.name)} ${p.source?.reference}`).sort(), ["acme-app acme", "acme-lib pypi-stand-in", "public-dep pypi-stand-in"]);
    assert.ok(
      traffic.upstream.some((q) => q.path === "/simple/acme-lib/"),
      "the upstream heard our private name",
    );
    assert.ok(!traffic.ours.some((q) => q.path.includes("acme-lib")), "and our index was never asked for it");
    assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), ["acme-app==1.0.0", "acme-lib==99.0.0", "public-dep==1.1.0"], "the squatter's code is installed");
    t.diagnostic(`explicit source beside a primary one: ${describeTraffic(traffic)}; the upstream was asked ${[...new Set(traffic.upstream.map((q) => q.path))].join(" ")}`);
    table.add({
      client: "Poetry",
      version: poetry.version,
      python: venvPython(ws.dir),
      host: "serve (JSON)",
      result: "no: explicit sources are not searched for dependencies: `acme-lib` is looked for on PyPI (a squatter's `acme-lib` 99.0.0 is installed)",
      configuration: commands,
    });
  });
});

/** `1.3.2` from `Poetry (version 1.3.2)`. */
async function debianPoetryVersion(): Promise<string> {
  const r = await run(DEBIAN_POETRY, ["--version"], { env: clientEnv() }).catch((e: Error) => ({ code: 127, stdout: "", stderr: e.message }));
  assert.equal(r.code, 0, `${DEBIAN_POETRY} is Debian's python3-poetry (.ci/run installs it): ${out(r)}`);
  const version = /(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
  assert.ok(version, r.stdout);
  return version;
}

describe("Debian's Poetry (python3-poetry), what an old distribution gives", () => {
  let version: string;
  let demo: ObservedServer;
  const demoSha = new Map<string, string>();
  before(async () => {
    version = await debianPoetryVersion();
    // The demo's wheels are Metadata-Version 2.4 (makeWheel writes 2.1 only).
    const site = join(tempDir("poetry-demo-site"), "site");
    await buildTo(site, { from: [demoDists] });
    for (const f of readdirSync(demoDists)) demoSha.set(f, sha256(readFileSync(join(demoDists, f))));
    demo = await startObservedServer({ root: site });
  });
  after(() => demo?.close());

  test("default = true, poetry lock and poetry install --no-root on serve: HTML pages and whole wheels, ours and the public dependency", async (t) => {
    const host = index.host("serve");
    const ws = workspace("debian");
    writeLegacyProject(ws.dir, host.index, "acme-app");
    const rec = await recordTraffic(index, host);
    const lock = await ok(ws, ["lock"], DEBIAN_POETRY);
    const lockTraffic = await rec.stop();
    assert.deepEqual(lockedFrom(readLock(ws.dir), index.sha256), RESOLVED);
    // Poetry 1.3 knows neither PEP 691 nor PEP 658: it reads HTML and downloads each wheel to read its metadata.
    assert.deepEqual([...new Set(ourPages(lockTraffic))], ["text/html"]);
    assert.equal(ourMetadata(lockTraffic), 0);
    assert.ok(ourFiles(lockTraffic) > 0);
    assertUpstreamClean(lockTraffic);
    t.diagnostic(`serve, Poetry ${version} lock: ${describeTraffic(lockTraffic)}`);
    const rec2 = await recordTraffic(index, host);
    const install = await ok(ws, ["install", "--no-root"], DEBIAN_POETRY);
    const installTraffic = await rec2.stop();
    assertUpstreamClean(installTraffic);
    t.diagnostic(`serve, Poetry ${version} install: ${describeTraffic(installTraffic)}`);
    assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), RESOLVED);
    assertQuiet(out(lock) + out(install));
    table.add({
      client: "Poetry",
      version,
      python: venvPython(ws.dir),
      host: "serve (JSON)",
      // It resolves these Metadata-Version 2.1 wheels, but today's wheels (and `requests`) are 2.4: see the next row.
      result: "no: only while every wheel has Metadata-Version 2.2 or older (the fixture's do; most of today's do not, see the next row)",
      configuration: "`[[tool.poetry.source]]` `default = true` (`priority` came in 1.5); `poetry lock`, `poetry install --no-root`; HTML pages, whole wheels (no PEP 691, no PEP 658)",
    });
  });

  test("a dependency whose wheel is Metadata-Version 2.4: Poetry 1.3 exits 0, locking demo-app without demo-core, and the environment is broken", async (t) => {
    const metadata = await fetch(`${demo.url}/files/demo-app/demo_app-0.3.0-py3-none-any.whl.metadata`).then((r) => r.text());
    assert.match(metadata, /^Metadata-Version: 2\.4\n/);
    assert.match(metadata, /^Requires-Dist: demo-core/m);
    const ws = workspace("debian-2.4");
    writeLegacyProject(ws.dir, `${demo.url}/simple/`, "demo-app");
    const seen = demo.responses.length;
    const lock = await ok(ws, ["lock"], DEBIAN_POETRY);
    const locked = readLock(ws.dir);
    assert.deepEqual(lockedFrom(locked, demoSha), ["demo-app==0.3.0"], "demo-core is missing from the lock");
    assert.deepEqual(locked.package[0]?.dependencies ?? {}, {}, "demo-app is locked with no dependencies");
    const install = await ok(ws, ["install", "--no-root"], DEBIAN_POETRY);
    assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), ["demo-app==0.3.0"]);
    const paths = demo.responses.slice(seen).map((r) => r.path);
    assert.ok(!paths.some((p) => p.includes("demo-core")), `demo-core was never asked for: ${JSON.stringify(paths)}`);
    const python = join(ws.dir, ".venv", "bin", "python");
    const imported = await run(python, ["-c", "import demo_app"], { env: ws.env });
    assert.notEqual(imported.code, 0);
    assert.match(imported.stderr, /No module named 'demo_core'/);
    const check = await run(python, ["-m", "pip", "check"], { env: ws.env });
    assert.match(check.stdout, /demo-app 0\.3\.0 requires demo-core, which is not installed/, out(check));
    // Why: the pkginfo Poetry 1.3 runs on reads metadata versions up to the ones it lists.
    const shebang =
      readFileSync(DEBIAN_POETRY, "utf8")
        .split("\n")[0]
        ?.replace(/^#!\s*/, "")
        .split(" ")[0] ?? "";
    const probe = await run(shebang, ["-c", "import pkginfo.distribution as d; print(' '.join(sorted(d.HEADER_ATTRS)))"], { env: ws.env });
    assert.equal(probe.code, 0, out(probe));
    const known = probe.stdout.trim().split(" ");
    assert.ok(!known.includes("2.4"), probe.stdout);
    assertQuiet(out(lock) + out(install));
    t.diagnostic(
      `Poetry ${version}, demo-app (Metadata-Version 2.4): exit 0, locked ${locked.package.map((p) => p.name).join(", ")}; its pkginfo knows ${known.join(", ")}; requests ${paths.join(" ")}`,
    );
    table.add({
      client: "Poetry",
      version,
      python: venvPython(ws.dir),
      host: "serve (JSON)",
      result: `no: a wheel with Metadata-Version 2.4 (its pkginfo reads up to ${known[known.length - 1] ?? "?"}) is locked without its dependencies, and Poetry exits 0 with a broken environment`,
      configuration: "`[[tool.poetry.source]]` `default = true`; `poetry lock`, `poetry install --no-root` of `demo-app` (needs `demo-core`)",
    });
  });
});

test("docs/clients.md's client table has exactly the Poetry rows this file showed", () => {
  assert.ok(existsSync(poetry.bin("poetry")));
  table.check("Poetry");
});
