/**
 * One index URL for everything, with real pip: the index's own names (and its claimed patterns)
 * come only from it, every other name from an upstream, a plain PEP 503 index served by Python
 * that holds the public dependency and squatters on our names with higher versions, and logs
 * each request and whether it carried credentials.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultAccessMapPath, readAccessFile } from "../generator/serving/access/access-map-file.js";
import { createAccessGate, type AccessGate } from "../generator/serving/access/gate.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { readUpstreamRecord } from "../generator/site/upstream-record.js";
import { launchChromium } from "./helpers/browser.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { cliPath, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { createVenv, installed, run, type Venv } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { parse as parseYaml } from "yaml";
import { clientSnippets } from "../infra/outputs/client-snippets.js";
import { startUpstreamIndex, writeUpstreamFolder, type UpstreamIndex } from "./helpers/upstream-index.js";

const ALICE = `ghp_${"a".repeat(36)}`;
const CAROL = `ghp_${"c".repeat(36)}`;

let upstream: UpstreamIndex;
let site: string;
let publicServer: RunningServer;
let privateServer: RunningServer;
let gate: AccessGate;
let emu: GitHubEmulator;
let venvDir: string;
let venvReady: Promise<Venv>;
let dists: string;

before(async () => {
  venvDir = tempDir("upstream-venv");
  venvReady = createVenv(join(venvDir, "v"));
  venvReady.catch(() => undefined);
  upstream = await startUpstreamIndex(
    writeUpstreamFolder({
      "public-dep": [makeWheel({ name: "public-dep", version: "1.0.0" })],
      // Squatters: a higher version of our project, and a name our claimed pattern covers.
      "acme-upapp": [makeWheel({ name: "acme-upapp", version: "99.0.0" })],
      "acme-removed": [makeWheel({ name: "acme-removed", version: "2.0.0" })],
    }),
  );
  dists = tempDir("upstream-ours");
  const app = makeWheel({ name: "acme-upapp", version: "1.0.0", requiresDist: ["public-dep>=1.0"] });
  writeFileSync(join(dists, app.filename), app.bytes);
  site = join(tempDir("upstream-site"), "site");
  await buildTo(site, { from: [dists], config: { upstream: { url: upstream.url, claimed: ["Acme_*"] } } });
  const recorded = await readUpstreamRecord(site);
  assert.ok(recorded, "the build records the upstream in the site");
  publicServer = await startServer({ root: site, port: 0, upstream: recorded });

  emu = await GitHubEmulator.start({ token: `ghs_${"b".repeat(36)}` });
  emu.setOrg("acme", [{ name: "pypi", private: true }]);
  emu.setPeople([
    { login: "alice", tokens: [ALICE], repositories: ["acme/pypi"] },
    { login: "carol", tokens: [CAROL], repositories: [] },
  ]);
  const file = await readAccessFile(defaultAccessMapPath(site));
  assert.ok(file?.lists);
  const { map, lists } = file;
  gate = createAccessGate({ gateRepository: "acme/pypi", map, github: createGitHubAccess({ apiUrl: emu.apiUrl }) });
  privateServer = await startServer({ root: site, port: 0, upstream: recorded, access: { gate, realm: "acme/pypi", lists } });
});

after(async () => {
  upstream?.close();
  await Promise.all([publicServer?.close(), privateServer?.close(), emu?.close()]);
});

const upstreamSaw = (pred: (path: string) => boolean) => upstream.requests.filter((r) => pred(r.path));
const ourNames = (path: string) => /acme/i.test(path);

test("one --index-url installs our project and its public dependency; the squatter never wins; the upstream never hears our names", async () => {
  const venv = await venvReady;
  await upstream.settle();
  upstream.requests.length = 0;
  const r = await venv.pip(["install", "--index-url", `${publicServer.url}/simple/`, "acme-upapp"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const got = await installed(venv);
  assert.equal(got.get("acme-upapp"), "1.0.0", "ours, not the squatter's 99.0.0");
  assert.equal(got.get("public-dep"), "1.0.0", "from the upstream");
  await upstream.settle();
  assert.ok(upstreamSaw((p) => p === "/simple/public-dep/").length >= 1, JSON.stringify(upstream.requests));
  assert.deepEqual(upstreamSaw(ourNames), [], "the upstream never sees a claimed name");
  assert.deepEqual(
    upstream.requests.filter((q) => q.credentials),
    [],
  );
  // pip sent its PEP 691 Accept again after the redirect, so negotiation happens at the upstream.
  assert.match(upstreamSaw((p) => p === "/simple/public-dep/")[0]?.accept ?? "", /application\/vnd\.pypi\.simple\.v1\+json/);

  // requirements.txt whose first line is the index.
  const requirements = join(venvDir, "requirements.txt");
  writeFileSync(requirements, `--index-url ${publicServer.url}/simple/\nacme-upapp\npublic-dep\n`);
  const fresh = await createVenv(join(venvDir, "req"));
  const fromFile = await fresh.pip(["install", "-r", requirements]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal((await installed(fresh)).get("acme-upapp"), "1.0.0");
});

test("a conda environment.yml from the stack's snippet: its pip section, run as conda runs it, installs ours and the public dependency", async () => {
  const environment = parseYaml(clientSnippets(`${publicServer.url}/simple/`, "acme", "acme-upapp").condaEnvironment) as { dependencies: (string | { pip: string[] })[] };
  const section = environment.dependencies.find((d): d is { pip: string[] } => typeof d === "object");
  assert.ok(section, "the snippet has a pip section");
  assert.deepEqual(section.pip, [`--index-url ${publicServer.url}/simple/`, "acme-upapp"]);
  // conda env create writes the pip section to condaenv.<random>.requirements.txt beside the file and runs `pip install -U -r` on it.
  const dir = tempDir("upstream-conda");
  const requirements = join(dir, "condaenv.abc123.requirements.txt");
  writeFileSync(requirements, `${section.pip.join("\n")}\n`);
  const venv = await createVenv(join(dir, "env"));
  await upstream.settle();
  upstream.requests.length = 0;
  const r = await venv.pip(["install", "-U", "-r", requirements]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const got = await installed(venv);
  assert.deepEqual([got.get("acme-upapp"), got.get("public-dep")], ["1.0.0", "1.0.0"]);
  await upstream.settle();
  assert.deepEqual(upstreamSaw(ourNames), []);
});

test("a pinned squatter version is not found, and a claimed name the index does not hold stays 404, never the upstream", async () => {
  const venv = await venvReady;
  await upstream.settle();
  upstream.requests.length = 0;
  const dest = tempDir("upstream-dl");
  for (const wanted of ["acme-upapp==99.0.0", "acme-removed", "Acme.Removed"]) {
    const r = await venv.pip(["download", "--no-deps", "--dest", dest, "--index-url", `${publicServer.url}/simple/`, wanted]);
    assert.notEqual(r.code, 0, wanted);
    assert.match(r.stderr, /No matching distribution found/, wanted);
  }
  await upstream.settle();
  assert.deepEqual(upstream.requests, [], "nothing of ours reached the upstream");
  const claimed = await fetch(`${publicServer.url}/simple/acme-removed/`, { redirect: "manual" });
  const absent = await fetch(`${publicServer.url}/simple/acme-never-was/`, { redirect: "manual" });
  assert.equal(claimed.status, 404);
  assert.deepEqual([claimed.status, await claimed.text()], [absent.status, await absent.text()]);
});

test("every other name redirects to the same normalised name upstream; the root lists only ours", async () => {
  const odd = await fetch(`${publicServer.url}/simple/Public_Dep/`, { redirect: "manual" });
  assert.equal(odd.status, 301);
  assert.equal(odd.headers.get("location"), "/simple/public-dep/");
  for (const accept of ["application/vnd.pypi.simple.v1+json", "text/html"]) {
    const r = await fetch(`${publicServer.url}/simple/public-dep/`, { redirect: "manual", headers: { accept } });
    assert.equal(r.status, 302, accept);
    assert.equal(r.headers.get("location"), `${upstream.url}public-dep/`);
    assert.match(r.headers.get("cache-control") ?? "", /^public, max-age=\d+$/);
  }
  const root = await (await fetch(`${publicServer.url}/simple/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } })).json();
  assert.deepEqual(
    (root as { projects: { name: string }[] }).projects.map((p) => p.name),
    ["acme-upapp"],
  );
  // Files and catalog pages are never sent upstream.
  assert.equal((await fetch(`${publicServer.url}/files/public-dep/x-1.0.tar.gz`, { redirect: "manual" })).status, 404);
  assert.equal((await fetch(`${publicServer.url}/project/public-dep/`, { redirect: "manual" })).status, 404);
});

test("a browser follows the redirect to the upstream's page, and a claimed name shows the index's own 404", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const shown = await page.goto(`${publicServer.url}/simple/Public.Dep/`);
    assert.equal(page.url(), `${upstream.url}public-dep/`, "the 301 to the normalised name, then the 302 upstream");
    assert.equal(shown?.status(), 200);
    assert.match(await page.content(), /public_dep-1\.0\.0-py3-none-any\.whl/);
    const claimed = await page.goto(`${publicServer.url}/simple/acme-removed/`);
    assert.equal(claimed?.status(), 404);
    assert.equal(page.url(), `${publicServer.url}/simple/acme-removed/`);
  } finally {
    await browser.close();
  }
});

test("a private index: credentials never reach the upstream; anonymous is 401 everywhere; public names cost no GitHub call once the person is known", async () => {
  const venv = await venvReady;
  const host = new URL(privateServer.url).host;
  await upstream.settle();
  upstream.requests.length = 0;
  const target = join(tempDir("upstream-private"), "t");
  const r = await venv.pip(["install", "--target", target, "--index-url", `http://alice:${ALICE}@${host}/simple/`, "acme-upapp"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Successfully installed acme-upapp-1\.0\.0 public-dep-1\.0\.0/);
  await upstream.settle();
  assert.ok(upstream.requests.length > 0);
  assert.deepEqual(
    upstream.requests.filter((q) => q.credentials),
    [],
    "tested at the upstream: no Authorization, no user info",
  );
  assert.deepEqual(upstreamSaw(ourNames), []);

  // Nobody can probe which names are ours: without credentials, every name is 401.
  for (const name of ["public-dep", "acme-upapp", "acme-removed", "anything-else"]) {
    assert.equal((await fetch(`${privateServer.url}/simple/${name}/`, { redirect: "manual" })).status, 401, name);
  }
  // Carol may not read the gate: the public name is 404 for her, exactly as ours.
  const carol = { authorization: `Basic ${Buffer.from(`x:${CAROL}`).toString("base64")}` };
  const carolPublic = await fetch(`${privateServer.url}/simple/public-dep/`, { redirect: "manual", headers: carol });
  const carolOurs = await fetch(`${privateServer.url}/simple/acme-upapp/`, { redirect: "manual", headers: carol });
  assert.deepEqual([carolPublic.status, await carolPublic.text()], [carolOurs.status, await carolOurs.text()]);
  assert.equal(carolPublic.status, 404);

  // Alice, already known: another public name is a redirect with no GitHub call, never cached shared.
  const alice = { authorization: `Bearer ${ALICE}` };
  const calls = gate.stats.githubRequests;
  const other = await fetch(`${privateServer.url}/simple/some-public-name/`, { redirect: "manual", headers: alice });
  assert.equal(other.status, 302);
  assert.equal(other.headers.get("location"), `${upstream.url}some-public-name/`);
  assert.match(other.headers.get("cache-control") ?? "", /^private\b/);
  assert.equal(gate.stats.githubRequests, calls, "no GitHub call for a public name");
});

test("an upstream that is down: pip says the public dependency is not found, and claimed names still install", async () => {
  const venv = await venvReady;
  // A port nothing listens on.
  const down = await startServer({ root: site, port: 0, upstream: { url: "http://127.0.0.1:9/simple/", claimed: ["acme-*"] } });
  try {
    const target = join(tempDir("upstream-down"), "t");
    const failed = await venv.pip(["install", "--target", target, "--index-url", `${down.url}/simple/`, "acme-upapp"]);
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /No matching distribution found for public-dep/);
    const ours = await venv.pip(["install", "--no-deps", "--target", target, "--index-url", `${down.url}/simple/`, "acme-upapp"]);
    assert.equal(ours.code, 0, ours.stderr);
  } finally {
    await down.close();
  }
});

test("build --check-upstream lists our names the upstream also holds, with its highest version", async () => {
  const lonely = makeWheel({ name: "acme-lonely", version: "1.0.0" });
  const dir = tempDir("check-upstream");
  writeFileSync(join(dists, lonely.filename), lonely.bytes);
  const config = join(dir, "index.yaml");
  writeFileSync(config, `upstream:\n  url: ${upstream.url}\n  claimed: ["acme-*"]\n`);
  const r = await run(process.execPath, [cliPath, "build", "--config", config, "--from", dists, "--out", join(dir, "site"), "--check-upstream", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^notice: acme-upapp is also on ${upstream.url.replace(/[.]/g, "\\.")} \\(highest 99\\.0\\.0\\)`, "m"));
  assert.doesNotMatch(r.stderr, /acme-lonely is also/);
  assert.match(r.stderr, /^notice: 1 of 2 names is also on /m);
  const none = await run(process.execPath, [cliPath, "build", "--from", dists, "--out", join(dir, "site2"), "--check-upstream", "--quiet"]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /--check-upstream needs an upstream/);
});
