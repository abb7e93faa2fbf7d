/**
 * pdm and pipenv, at the exact versions test/clients/requirements.txt pins, through the one index
 * URL on each host: a project whose only source is the index (pdm's `pypi` source, a Pipfile's
 * `[[source]]`), locked and installed; every locked hash held to the published file; the private
 * index's credentials in each way the client documents; a claimed name we do not hold.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { parse as parseToml } from "smol-toml";
import { clientTable } from "./helpers/client-table.js";
import { clientVenv, interpreter, type ClientVenv } from "./helpers/client-venvs.js";
import {
  ALICE,
  BOB,
  assertUpstreamClean,
  describeTraffic,
  recordTraffic,
  startOneUrlIndex,
  type HostName,
  type IndexHost,
  type OneUrlIndex,
  type Traffic,
  venvDistributions,
} from "./helpers/one-url-index.js";
import { tempDir } from "./helpers/paths.js";
import { clientEnv, run, type RunResult } from "./helpers/python.js";

const PYTHON = "3.12";
const RESOLVED = ["acme-app==1.0.0", "acme-lib==1.1.0", "public-dep==1.1.0"];
const HOSTS: readonly HostName[] = ["serve", "static", "private"];
const HOST_LABEL = { serve: "serve (JSON)", static: "static (HTML)", private: "serve --auth github" } as const;
/** Nothing a client prints may be about the index's API version. */
const API_VERSION = /api-version|repository-version|unsupported.*version|newer than/i;
/** The variables a Pipfile's source URL names for the private index's credentials. */
const PIPENV_USER = "ACME_INDEX_USERNAME";
const PIPENV_PASSWORD = "ACME_INDEX_PASSWORD";

let index: OneUrlIndex;
let pdm: ClientVenv;
let pipenv: ClientVenv;
let python: string;
const table = clientTable("clients-pdm-pipenv");

before(async () => {
  [index, pdm, pipenv, python] = await Promise.all([startOneUrlIndex("pdm-pipenv"), clientVenv("pdm"), clientVenv("pipenv"), interpreter(PYTHON)]);
});
after(() => index?.close());

/** Output as one line: pipenv wraps its messages at 80 columns. */
const out = (...rs: RunResult[]): string => rs.map((r) => r.stdout + r.stderr).join("\n");
const flat = (s: string): string => s.replace(/\s+/g, " ");
const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

interface Workspace {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** A run's own project folder and home: the client's cache and configuration live there and nowhere else. */
function workspace(client: "pdm" | "pipenv", label: string, settings: NodeJS.ProcessEnv = {}): Workspace {
  const root = tempDir(`${client}-${label}`);
  const dir = join(root, "work");
  mkdirSync(dir);
  const home = join(root, "home");
  // pipenv's resolver hands its request and answer over in temporary files: in the run's folder, not the system's.
  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  const own: NodeJS.ProcessEnv =
    client === "pdm"
      ? { PDM_CHECK_UPDATE: "false", PDM_CACHE_DIR: join(home, ".cache", "pdm"), PDM_CONFIG_FILE: join(home, ".config", "pdm", "config.toml") }
      : { PIPENV_VENV_IN_PROJECT: "1", PIPENV_YES: "1", PIPENV_NOSPIN: "1", PIPENV_CACHE_DIR: join(home, ".cache", "pipenv") };
  return { dir, home, env: clientEnv({ NO_COLOR: "1", TMPDIR: tmp, ...own, ...settings }, { home }) };
}

const pdmRun = (args: string[], ws: Workspace): Promise<RunResult> => run(pdm.bin("pdm"), args, { cwd: ws.dir, env: ws.env });
const pipenvRun = (args: string[], ws: Workspace): Promise<RunResult> => run(pipenv.bin("pipenv"), args, { cwd: ws.dir, env: ws.env });

/** The published files of `name` `version` (ours or the upstream's): file name -> `sha256:...`. */
function published(name: string, version: string): Map<string, string> {
  const prefix = `${normalise(name).replace(/-/g, "_")}-${version}-`;
  return new Map([...index.sha256].filter(([file]) => file.startsWith(prefix)).map(([file, sha]) => [file, `sha256:${sha}`]));
}

/** Checks and notes what the host saw of a run that resolved and installed acme-app. */
function assertFetched(t: TestContext, client: string, host: IndexHost, traffic: Traffic, output: string): void {
  const pages = traffic.ours.filter((r) => r.path.startsWith("/simple/acme-") && r.status === 200);
  assert.ok(pages.length > 0, JSON.stringify(traffic.ours));
  const expected = host.name === "static" ? "text/html" : "application/vnd.pypi.simple.v1+json";
  assert.deepEqual([...new Set(pages.map((p) => p.contentType))], [expected], `${client} asks for PEP 691 JSON first and takes HTML where that is all there is`);
  assert.ok(
    traffic.ours.some((r) => r.path.endsWith(".whl.metadata") && r.status === 200),
    `${client} reads PEP 658 .metadata files`,
  );
  assert.deepEqual(
    traffic.ours.filter((r) => r.range !== "").map((r) => r.path),
    [],
    `${client} makes no Range requests`,
  );
  for (const file of ["acme_app-1.0.0-py3-none-any.whl", "acme_lib-1.1.0-py3-none-any.whl"]) {
    assert.ok(
      traffic.ours.some((r) => r.path.endsWith(`/${file}`) && r.status === 200),
      `${file} is downloaded from our host`,
    );
  }
  // public-dep is not ours: our host sends the client on to the upstream, which serves it.
  assert.ok(
    traffic.ours.some((r) => r.path === "/simple/public-dep/" && r.status === 302),
    "our host redirects public-dep's page",
  );
  assert.ok(
    traffic.upstream.some((q) => q.path === "/simple/public-dep/"),
    "the upstream serves public-dep's page",
  );
  if (host.name === "private") {
    assert.deepEqual(
      traffic.ours.filter((r) => !r.credentials).map((r) => r.path),
      [],
      `${client} sends the credentials with every request to our host, none waits for a 401`,
    );
  }
  assert.doesNotMatch(output, API_VERSION);
  assertUpstreamClean(traffic);
  // pipenv asks `<source url>/<name>/` for hashes, which doubles the slash of a root ending in `/`.
  const doubled = traffic.ours.filter((r) => r.path.startsWith("/simple//"));
  const extra = doubled.length > 0 ? `; also ${doubled.length} requests for /simple//NAME/ (${doubled.map((r) => `${r.path} ${r.status}`).join(", ")})` : "";
  t.diagnostic(`${client} on ${host.name}: ${describeTraffic(traffic)}${extra}`);
}

// pdm

function writePdmProject(dir: string, dependency: string, source?: string): void {
  const lines = ["[project]", 'name = "consumer"', 'version = "0.0.0"', 'requires-python = ">=3.9"', `dependencies = ["${dependency}"]`];
  if (source) lines.push("", "[[tool.pdm.source]]", 'name = "pypi"', `url = "${source}"`);
  writeFileSync(join(dir, "pyproject.toml"), `${lines.join("\n")}\n`);
}

interface PdmLock {
  package: { name: string; version: string; files?: { file: string; hash: string }[] }[];
}

/** The project's interpreter: pdm makes the project's .venv from it. */
async function pdmUse(ws: Workspace): Promise<void> {
  const used = await pdmRun(["use", "-f", python], ws);
  assert.equal(used.code, 0, out(used));
}

/** `pdm lock` then `pdm install --no-self`: the lock's versions and every file's hash, then the project's venv. */
async function pdmLockInstall(ws: Workspace): Promise<{ output: string; lockText: string }> {
  await pdmUse(ws);
  const lock = await pdmRun(["lock"], ws);
  assert.equal(lock.code, 0, out(lock));
  const lockText = readFileSync(join(ws.dir, "pdm.lock"), "utf8");
  const locked = (parseToml(lockText) as unknown as PdmLock).package;
  assert.deepEqual(locked.map((p) => `${p.name}==${p.version}`).sort(), RESOLVED, "ours (not the squatters' 99.0.0) and the public dependency from the upstream");
  for (const p of locked) {
    const files = p.files ?? [];
    assert.deepEqual(files.map((f) => f.file).sort(), [...published(p.name, p.version).keys()].sort(), `${p.name}: every published file is locked`);
    for (const f of files) assert.equal(f.hash, published(p.name, p.version).get(f.file), `${f.file}: the locked hash is the published file's`);
  }
  const install = await pdmRun(["install", "--no-self"], ws);
  assert.equal(install.code, 0, out(install));
  assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), RESOLVED);
  return { output: out(lock, install), lockText };
}

describe("pdm: the index as the pypi source", () => {
  for (const name of HOSTS) {
    test(`pdm lock and pdm install: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace("pdm", name);
      writePdmProject(ws.dir, "acme-app", host.indexWithToken);
      const rec = await recordTraffic(index, host);
      const { output, lockText } = await pdmLockInstall(ws);
      assertFetched(t, "pdm", host, await rec.stop(), output);
      assert.doesNotMatch(output + lockText, new RegExp(ALICE), "the token is neither printed nor locked");
      const url = name === "private" ? "https://token:TOKEN@HOST/simple/" : "URL";
      table.add({
        client: "pdm",
        version: pdm.version,
        python: PYTHON,
        host: HOST_LABEL[name],
        result: "yes",
        configuration: `\`[[tool.pdm.source]]\` \`name = "pypi"\`, \`url = "${url}"\`; \`pdm lock\`, \`pdm install --no-self\``,
      });
    });

    test(`pdm: a claimed name the index does not hold is not found, and the upstream never hears it: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace("pdm", `ghost-${name}`);
      writePdmProject(ws.dir, "acme-ghost", host.indexWithToken);
      await pdmUse(ws);
      const rec = await recordTraffic(index, host);
      const lock = await pdmRun(["lock"], ws);
      const traffic = await rec.stop();
      assert.notEqual(lock.code, 0, out(lock));
      assert.match(flat(out(lock)), /Unable to find candidates for acme-ghost/, out(lock));
      assert.ok(
        traffic.ours.some((q) => q.path === "/simple/acme-ghost/" && q.status === 404),
        JSON.stringify(traffic.ours),
      );
      assertUpstreamClean(traffic);
      t.diagnostic(`pdm, acme-ghost on ${name}: exit ${lock.code}; ${describeTraffic(traffic)}`);
    });
  }

  test("pdm: the private index's URL and credentials in pdm's own configuration (pdm config pypi.*)", async (t) => {
    const host = index.host("private");
    const ws = workspace("pdm", "config");
    for (const [key, value] of [
      ["pypi.url", host.index],
      ["pypi.username", "token"],
      ["pypi.password", ALICE],
    ] as const) {
      const set = await pdmRun(["config", key, value], ws);
      assert.equal(set.code, 0, out(set));
    }
    // Written to the run's own file (PDM_CONFIG_FILE), not to the project.
    const config = readFileSync(ws.env.PDM_CONFIG_FILE ?? "", "utf8");
    assert.ok(config.includes(`url = "${host.index}"`), config);
    writePdmProject(ws.dir, "acme-app");
    const rec = await recordTraffic(index, host);
    const { output, lockText } = await pdmLockInstall(ws);
    assertFetched(t, "pdm", host, await rec.stop(), output);
    assert.doesNotMatch(output + lockText, new RegExp(ALICE), "the token is neither printed nor locked");
    table.add({
      client: "pdm",
      version: pdm.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: "`pdm config pypi.url URL`, `pdm config pypi.username token`, `pdm config pypi.password TOKEN`; `pdm lock`, `pdm install --no-self`",
    });
  });

  test("pdm: our 401 (no credentials) and 404 (a token without access) stop pdm lock", async (t) => {
    const host = index.host("private");
    const cases = [
      { label: "no credentials", url: host.index, status: 401 },
      { label: "a token without access", url: host.index.replace("://", `://token:${BOB}@`), status: 404 },
    ];
    for (const c of cases) {
      const ws = workspace("pdm", `status-${c.status}`);
      writePdmProject(ws.dir, "acme-app", c.url);
      await pdmUse(ws);
      const rec = await recordTraffic(index, host);
      const lock = await pdmRun(["lock"], ws);
      const traffic = await rec.stop();
      assert.notEqual(lock.code, 0, `${c.label}: ${out(lock)}`);
      assert.deepEqual([...new Set(traffic.ours.map((q) => q.status))], [c.status], `${c.label}: our host answered ${c.status} only`);
      // pdm names neither status: without a keyring to ask, it reports the name as not found.
      assert.match(flat(out(lock)), /Unable to find candidates for acme-app/, out(lock));
      assert.doesNotMatch(out(lock), new RegExp(BOB));
      assertUpstreamClean(traffic);
      t.diagnostic(`${c.label}: exit ${lock.code}: ${/\[CandidateNotFound\][^\n]*/.exec(out(lock))?.[0] ?? ""}; ${describeTraffic(traffic)}`);
    }
    table.add({
      client: "pdm",
      version: pdm.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: "our 401 (no token) and 404 (no access): `pdm lock` stops with `Unable to find candidates for acme-app`",
    });
  });
});

// pipenv

function writePipfile(dir: string, url: string, dependency: string): void {
  const lines = ["[[source]]", `url = "${url}"`, "verify_ssl = false", 'name = "acme"', "", "[packages]", `${dependency} = "*"`, "", "[requires]", `python_version = "${PYTHON}"`];
  writeFileSync(join(dir, "Pipfile"), `${lines.join("\n")}\n`);
}

/** The private index's URL as pipenv documents it: the credentials named by variables it expands. */
const pipenvUrl = (host: IndexHost): string => (host.name === "private" ? host.index.replace("://", `://\${${PIPENV_USER}}:\${${PIPENV_PASSWORD}}@`) : host.index);
const pipenvCredentials = (host: IndexHost, password = ALICE): NodeJS.ProcessEnv => (host.name === "private" ? { [PIPENV_USER]: "token", [PIPENV_PASSWORD]: password } : {});

interface PipfileLock {
  _meta: { sources: { url: string }[] };
  default: Record<string, { version: string; hashes: string[] }>;
}

/** `pipenv lock --python` (which makes the project's .venv) then `pipenv sync`: versions, hashes, the venv. */
async function pipenvLockSync(ws: Workspace): Promise<{ output: string; lockText: string }> {
  const lock = await pipenvRun(["lock", "--python", python], ws);
  assert.equal(lock.code, 0, out(lock));
  const lockText = readFileSync(join(ws.dir, "Pipfile.lock"), "utf8");
  const locked = (JSON.parse(lockText) as PipfileLock).default;
  assert.deepEqual(
    Object.entries(locked)
      .map(([name, p]) => `${name}${p.version}`)
      .sort(),
    RESOLVED,
    "ours (not the squatters' 99.0.0) and the public dependency from the upstream",
  );
  for (const [name, p] of Object.entries(locked)) {
    assert.deepEqual([...p.hashes].sort(), [...published(name, p.version.replace(/^==/, "")).values()].sort(), `${name}: the locked hashes are the published files'`);
  }
  const sync = await pipenvRun(["sync"], ws);
  assert.equal(sync.code, 0, out(sync));
  assert.deepEqual(venvDistributions(join(ws.dir, ".venv")), RESOLVED);
  return { output: out(lock, sync), lockText };
}

describe("pipenv: the index as the Pipfile's source", () => {
  for (const name of HOSTS) {
    test(`pipenv lock and pipenv sync: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace("pipenv", name, pipenvCredentials(host));
      writePipfile(ws.dir, pipenvUrl(host), "acme-app");
      const rec = await recordTraffic(index, host);
      const { output, lockText } = await pipenvLockSync(ws);
      assertFetched(t, "pipenv", host, await rec.stop(), output);
      if (name === "private") {
        assert.doesNotMatch(output + lockText, new RegExp(ALICE), "the token is neither printed nor locked");
        const sources = (JSON.parse(lockText) as PipfileLock)._meta.sources.map((s) => s.url);
        assert.deepEqual(sources, [pipenvUrl(host)], "Pipfile.lock keeps the variables' names, not their values");
      }
      const configuration =
        name === "private"
          ? `\`[[source]]\` \`url = "https://\${${PIPENV_USER}}:\${${PIPENV_PASSWORD}}@HOST/simple/"\`, both variables in the environment; \`pipenv lock\`, \`pipenv sync\` (Pipfile.lock keeps the names)`
          : '`Pipfile` `[[source]]` `url = "URL"`; `pipenv lock`, `pipenv sync`';
      table.add({ client: "pipenv", version: pipenv.version, python: PYTHON, host: HOST_LABEL[name], result: "yes", configuration });
    });

    test(`pipenv: a claimed name the index does not hold is not found, and the upstream never hears it: ${name}`, async (t) => {
      const host = index.host(name);
      const ws = workspace("pipenv", `ghost-${name}`, pipenvCredentials(host));
      writePipfile(ws.dir, pipenvUrl(host), "acme-ghost");
      const rec = await recordTraffic(index, host);
      const lock = await pipenvRun(["lock", "--python", python], ws);
      const traffic = await rec.stop();
      assert.notEqual(lock.code, 0, out(lock));
      assert.match(flat(out(lock)), /No matching distribution found for acme-ghost/, out(lock));
      assert.ok(
        traffic.ours.some((q) => q.path === "/simple/acme-ghost/" && q.status === 404),
        JSON.stringify(traffic.ours),
      );
      assertUpstreamClean(traffic);
      t.diagnostic(`pipenv, acme-ghost on ${name}: exit ${lock.code}; ${describeTraffic(traffic)}`);
    });
  }

  test("pipenv: our 404 (a token without access) stops pipenv lock", async (t) => {
    const host = index.host("private");
    const ws = workspace("pipenv", "status-404", pipenvCredentials(host, BOB));
    writePipfile(ws.dir, pipenvUrl(host), "acme-app");
    const rec = await recordTraffic(index, host);
    const lock = await pipenvRun(["lock", "--python", python], ws);
    const traffic = await rec.stop();
    assert.notEqual(lock.code, 0, out(lock));
    assert.deepEqual([...new Set(traffic.ours.map((q) => q.status))], [404], "our host answered 404 only");
    assert.match(flat(out(lock)), /No matching distribution found for acme-app/, out(lock));
    assert.doesNotMatch(out(lock), new RegExp(BOB));
    assertUpstreamClean(traffic);
    t.diagnostic(`a token without access: exit ${lock.code}; ${describeTraffic(traffic)}`);
    table.add({
      client: "pipenv",
      version: pipenv.version,
      python: PYTHON,
      host: "serve --auth github",
      result: "yes",
      configuration: "our 404 (no access): `pipenv lock` stops with `No matching distribution found for acme-app`",
    });
  });
});

test("docs/clients.md's client table has exactly the pdm rows this file showed", () => {
  table.check("pdm");
});

test("docs/clients.md's client table has exactly the pipenv rows this file showed", () => {
  table.check("pipenv");
});
