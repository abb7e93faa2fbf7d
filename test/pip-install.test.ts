/**
 * Real pip, real wheels and sdists, real HTTP: the index is only right if pip installs from it.
 * Each scenario builds a site with the generator and serves it with `github-pypi serve`'s server
 * (JSON chosen by negotiation) or a plain static file server (HTML only, like GitHub Pages).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { clientEnv, createVenv, DEBIAN_PYTHON, installed, type Venv } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { startStaticHost } from "./helpers/static-host.js";
import { sha256File } from "../generator/util/hash-file.js";

let venvCount = 0;
async function freshVenv(): Promise<Venv> {
  return createVenv(join(tempDir("venv"), `v${venvCount++}`));
}

const servers: { close(): Promise<void> | void }[] = [];
async function serve(dir: string): Promise<{ server: RunningServer; requests: string[] }> {
  const requests: string[] = [];
  const server = await startServer({ root: dir, port: 0, log: (line) => requests.push(line) });
  servers.push(server);
  return { server, requests };
}

after(async () => {
  for (const s of servers) await s.close();
});

let demoSite: string;
before(async () => {
  demoSite = tempDir("pip-site");
  await buildTo(demoSite, { from: [demoDists], config: { yanked: { "demo-core": { "1.0.0": "broken" } } } });
});

test("pip installs a package and its dependency, skipping a version whose Requires-Python excludes this Python", async () => {
  const { server, requests } = await serve(demoSite);
  const venv = await freshVenv();
  const r = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "demo-app"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const pkgs = await installed(venv);
  assert.equal(pkgs.get("demo-app"), "0.3.0");
  // 2.0.0 needs Python >= 3.99: pip must skip it because of data-requires-python / requires-python.
  assert.equal(pkgs.get("demo-core"), "1.2.0");
  // pip asked for JSON (PEP 691) and read dependencies from the PEP 658 .metadata file.
  assert.ok(
    requests.some((l) => /\/simple\/demo-app\/ 200/.test(l)),
    requests.join("\n"),
  );
  assert.ok(
    requests.some((l) => /demo_app-0\.3\.0-py3-none-any\.whl\.metadata 200/.test(l)),
    requests.join("\n"),
  );
  const out = execFileSync(venv.python, ["-c", "import demo_app, demo_core; print(demo_core.__version__)"], { env: clientEnv() }).toString().trim();
  assert.equal(out, "1.2.0");

  // Asking for the excluded version names the reason.
  const pinned = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "demo-core==2.0.0"]);
  assert.notEqual(pinned.code, 0);
  assert.match(pinned.stdout + pinned.stderr, /requires a different Python|Requires-Python/);
});

test("pip skips yanked versions unless pinned, and shows the reason when pinned", async () => {
  const site = tempDir("pip-yank");
  await buildTo(site, { from: [demoDists], config: { yanked: { "demo-core": { "1.2.0": "Data loss on upgrade" } } } });
  const { server } = await serve(site);
  const venv = await freshVenv();
  const r = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "demo-core"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((await installed(venv)).get("demo-core"), "1.1.0");
  const pinned = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "demo-core==1.2.0"]);
  assert.equal(pinned.code, 0, pinned.stdout + pinned.stderr);
  assert.match(pinned.stdout + pinned.stderr, /yanked.*Data loss on upgrade/is);
  assert.equal((await installed(venv)).get("demo-core"), "1.2.0");
});

test("pip downloads an sdist with hash checking, and refuses bytes that do not match the index", async () => {
  const { server } = await serve(demoSite);
  // Debian's python3, for which the build backend (Debian's setuptools and wheel) is made.
  const venv = await createVenv(join(tempDir("venv"), "sdist"), DEBIAN_PYTHON);
  const sdist = join(demoDists, "demo_sdist_only-0.1.0.tar.gz");
  const { sha256 } = await sha256File(sdist);
  const req = join(venv.dir, "requirements.txt");
  writeFileSync(req, `demo-sdist-only==0.1.0 --hash=sha256:${sha256}\n`);
  const out = join(venv.dir, "downloads");
  // The sdist's build dependencies (setuptools, wheel) come from Debian's wheels on the disk.
  const ok = await venv.pip(["download", "--no-deps", "--no-binary", "demo-sdist-only", "--require-hashes", "-r", req, "--index-url", `${server.url}/simple/`, "-d", out], { buildBackend: true });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`${server.url.replace(/[.]/g, "\\.")}/files/demo-sdist-only/demo_sdist_only-0\\.1\\.0\\.tar\\.gz`));
  assert.deepEqual(readdirSync(out), ["demo_sdist_only-0.1.0.tar.gz"]);
  assert.deepEqual(readFileSync(join(out, "demo_sdist_only-0.1.0.tar.gz")), readFileSync(sdist));

  // A file swapped on the host after the build: the #sha256 in the index catches it.
  const tampered = tempDir("pip-tampered");
  await buildTo(tampered, { from: [demoDists] });
  copyFileSync(join(demoDists, "demo_zip-0.2.0.zip"), join(tampered, "files/demo-sdist-only/demo_sdist_only-0.1.0.tar.gz"));
  const bad = await serve(tampered);
  const venv2 = await freshVenv();
  const refused = await venv2.pip(["download", "--no-deps", "--index-url", `${bad.server.url}/simple/`, "-d", join(venv2.dir, "dl"), "demo-sdist-only"]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stdout + refused.stderr, /DO NOT MATCH THE HASHES/);
});

test("pip installs from the plain static files (PEP 503 HTML), as GitHub Pages serves them", async () => {
  const host = await startStaticHost(demoSite);
  servers.push(host);
  const venv = await freshVenv();
  const r = await venv.pip(["install", "--index-url", `${host.url}/simple/`, "demo-app"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const pkgs = await installed(venv);
  assert.equal(pkgs.get("demo-app"), "0.3.0");
  assert.equal(pkgs.get("demo-core"), "1.2.0");
  // The HTML project page was what pip read, and the .metadata file beside the wheel was used.
  assert.match(host.log(), /GET \/simple\/demo-core\/ HTTP\/1\.1" 200/);
  assert.match(host.log(), /demo_core-1\.2\.0-py3-none-any\.whl\.metadata HTTP\/1\.1" 200/);
});
