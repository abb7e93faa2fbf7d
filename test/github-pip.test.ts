/**
 * End to end: an organisation on the emulator becomes a mirrored site, `github-pypi serve` serves
 * it, and real pip installs from it: wheels and their dependencies from mirrored release assets,
 * and a tag-only repository through its `git+…@TAG#egg=` link, cloned by real git.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { acmeOrg, TAGGED_PYPROJECT, type AcmeDists } from "./helpers/github-org.js";
import { cliPath, repoRoot, tempDir } from "./helpers/paths.js";
import { clientEnv, createVenv, DEBIAN_PYTHON, installed, run } from "./helpers/python.js";
import { startStaticHost, type StaticHost } from "./helpers/static-host.js";

let emu: GitHubEmulator;
let server: RunningServer;
let dists: AcmeDists;
const requests: string[] = [];

/**
 * A real git repository whose v1.0.0 tag holds an installable project, published as a bare clone
 * over git's plain ("dumb") HTTP protocol by a static file server, as a GitHub clone URL would be.
 */
async function taggedRepository(): Promise<string> {
  const dir = tempDir("gh-git");
  const work = join(dir, "work");
  mkdirSync(join(work, "acme_tagged"), { recursive: true });
  writeFileSync(join(work, "pyproject.toml"), TAGGED_PYPROJECT);
  writeFileSync(join(work, "acme_tagged", "__init__.py"), 'VERSION = "from-git-tag"\n');
  const git = (args: string[], cwd = work) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main", ...args], { cwd, stdio: "pipe" });
  git(["init", "-q"]);
  git(["add", "."]);
  git(["commit", "-qm", "1.0.0"]);
  git(["tag", "v1.0.0"]);
  git(["clone", "-q", "--bare", work, join(dir, "tagged.git")], dir);
  git(["update-server-info"], join(dir, "tagged.git"));
  const host = await startStaticHost(dir);
  hosts.push(host);
  return `${host.url}/tagged.git`;
}
const hosts: StaticHost[] = [];

before(async () => {
  emu = await GitHubEmulator.start();
  const org = await acmeOrg({ taggedCloneUrl: await taggedRepository() });
  dists = org.dists;
  emu.setOrg("acme", org.repos);
  const out = join(tempDir("gh-pip"), "site");
  // No token at all: public repositories are readable anonymously, as on GitHub.
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_API_URL: emu.apiUrl };
  delete env.GITHUB_TOKEN;
  const r = await run(process.execPath, [cliPath, "build", "--github-org", "acme", "--topic", "python", "--files", "mirror", "--out", out, "--cache-dir", tempDir("gh-cache")], { cwd: repoRoot, env });
  assert.equal(r.code, 0, r.stderr);
  server = await startServer({ root: out, port: 0, log: (line) => requests.push(line) });
});
after(async () => {
  for (const host of hosts) host.close();
  await server?.close();
  await emu?.close();
});

test("pip installs a package and its dependency from mirrored release assets, reading PEP 658 metadata", async () => {
  const venv = await createVenv(join(tempDir("venv"), "gh"));
  const r = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "acme-app"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const pkgs = await installed(venv);
  assert.equal(pkgs.get("acme-app"), "0.1.0");
  // The newest final release whose Requires-Python fits (1.2.0rc1 is a pre-release, skipped by default).
  assert.equal(pkgs.get("acme-core"), "1.1.0");
  assert.ok(
    requests.some((l) => new RegExp(`/files/acme-core/${dists.core11.filename.replace(/\./g, "\\.")} 200`).test(l)),
    requests.join("\n"),
  );
  assert.ok(
    requests.some((l) => /acme_app-0\.1\.0-py3-none-any\.whl\.metadata 200/.test(l)),
    requests.join("\n"),
  );
  const pre = await venv.pip(["install", "--upgrade", "--pre", "--index-url", `${server.url}/simple/`, "acme-core"]);
  assert.equal(pre.code, 0, pre.stderr);
  assert.equal((await installed(venv)).get("acme-core"), "1.2.0rc1");
});

test("pip installs a tag-only repository through its git link, cloned with git", async () => {
  // The build backend (setuptools) comes from Debian's wheels on the disk, for Debian's python3; the project from our index.
  const venv = await createVenv(join(tempDir("venv"), "gh-tag"), DEBIAN_PYTHON);
  const r = await venv.pip(["install", "--index-url", `${server.url}/simple/`, "acme-tagged==1.0.0"], { buildBackend: true });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /Cloning http:\/\/127\.0\.0\.1:\d+\/tagged\.git \(to revision v1\.0\.0\)/);
  assert.equal((await installed(venv)).get("acme-tagged"), "1.0.0");
  const out = execFileSync(venv.python, ["-c", "import acme_tagged; print(acme_tagged.VERSION)"], { env: clientEnv() }).toString().trim();
  assert.equal(out, "from-git-tag");
});
