/**
 * What the Python clients do in the tests cannot depend on the machine. This test process plays a
 * host whose configuration points everywhere else: a home and XDG folders whose pip.conf, Poetry
 * pdm and uv settings and keyringrc name poisoned indexes, find-links and a keyring that fails, and
 * the same through PIP_*, POETRY_*, PDM_*, UV_* and PYTHON_KEYRING_BACKEND in the environment, and a
 * proxy that answers nothing. Every
 * client started through the test helpers must behave as if none of it were there.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { createVenv, DEBIAN_PYTHON, run } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { clientVenv } from "./helpers/client-venvs.js";

/** Every poisoned setting names this, so any of them showing up in a client's output is caught by one pattern. */
const POISON = "poisoned-by-the-host";
const POISON_URL = `http://127.0.0.1:9/${POISON}/simple/`;
/** A fail backend raises on every read: a client that reaches it cannot ask for a password. */
const FAILING_KEYRING = "keyring.backends.fail.Keyring";

/** A find-links folder offering demo-core at a version far above the index's, so a leak changes what pip picks. */
function poisonedLinks(version: string): string {
  const dir = tempDir(`${POISON}-links`);
  const wheel = makeWheel({ name: "demo-core", version });
  writeFileSync(join(dir, wheel.filename), wheel.bytes);
  return dir;
}

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

let server: RunningServer;
let uv: string;

before(async () => {
  // Installed (or found ready) before the host's configuration is poisoned below.
  uv = (await clientVenv("uv")).bin("uv");
  const site = join(tempDir("hermetic-site"), "site");
  await buildTo(site, { from: [demoDists] });
  server = await startServer({ root: site, port: 0 });

  const home = tempDir("host-home");
  const config = join(home, ".config");
  const machine = tempDir("host-xdg-dirs");
  const envFile = join(tempDir("host-pip-config"), "pip.conf");
  // Each place pip reads configuration from, with its own version, so a failure says which one leaked.
  write(join(config, "pip/pip.conf"), `[global]\nfind-links = ${poisonedLinks("9.1.0")}\n`);
  write(join(home, ".pip/pip.conf"), `[global]\nfind-links = ${poisonedLinks("9.2.0")}\n`);
  write(join(machine, "pip/pip.conf"), `[global]\nfind-links = ${poisonedLinks("9.3.0")}\n`);
  write(envFile, `[global]\nfind-links = ${poisonedLinks("9.4.0")}\n`);
  write(join(config, "pypoetry/config.toml"), `[repositories.${POISON}]\nurl = "${POISON_URL}"\n`);
  write(join(config, "pdm/config.toml"), `[pypi]\nurl = "${POISON_URL}"\n`);
  write(join(config, "uv/uv.toml"), `find-links = ["${poisonedLinks("9.6.0")}"]\nextra-index-url = ["${POISON_URL}"]\n`);
  write(join(machine, "uv/uv.toml"), `find-links = ["${poisonedLinks("9.7.0")}"]\n`);
  write(join(config, "python_keyring/keyringrc.cfg"), `[backend]\ndefault-keyring = ${FAILING_KEYRING}\n`);
  Object.assign(process.env, {
    HOME: home,
    XDG_CONFIG_HOME: config,
    XDG_CONFIG_DIRS: machine,
    PIP_CONFIG_FILE: envFile,
    PIP_FIND_LINKS: poisonedLinks("9.5.0"),
    PIP_EXTRA_INDEX_URL: POISON_URL,
    POETRY_REPOSITORIES_FROM_ENV_URL: POISON_URL,
    PDM_PYPI_URL: POISON_URL,
    UV_FIND_LINKS: poisonedLinks("9.8.0"),
    UV_EXTRA_INDEX_URL: POISON_URL,
    PYTHON_KEYRING_BACKEND: FAILING_KEYRING,
    // A proxy that answers nothing, for every host loopback included: a client that uses it fails.
    http_proxy: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    ALL_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "",
  });
});

after(async () => {
  await server?.close();
});

test("pip in a venv installs what the index offers, whatever pip configuration the host has", async () => {
  // Debian's python3: the one venv whose pip may also be given the build backend.
  const venv = await createVenv(join(tempDir("hermetic-venv"), "v"), DEBIAN_PYTHON);
  const dir = join(tempDir("hermetic-dl"), "d");
  const r = await venv.pip(["download", "--no-deps", "-d", dir, "--index-url", `${server.url}/simple/`, "demo-core"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(readdirSync(dir), ["demo_core-1.2.0-py3-none-any.whl"], r.stdout + r.stderr);
  // With the build backend allowed (an sdist's isolated build), still nothing of the host's.
  const shown = await venv.pip(["config", "list"], { buildBackend: true });
  assert.equal(shown.code, 0, shown.stderr);
  assert.doesNotMatch(shown.stdout + shown.stderr, new RegExp(POISON));
});

test("the keyring a client reaches answers no password, without error, whatever keyring the host has", async () => {
  // Debian's python3 has the keyring package that Poetry and pip's keyring support use.
  const r = await run(DEBIAN_PYTHON, ["-c", "import keyring; print(keyring.get_password('http://127.0.0.1/simple/', 'token'))"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "None");
});

test("Poetry and pdm (the matrix's pinned ones) see none of the host's sources", async () => {
  const poetry = await run((await clientVenv("poetry")).bin("poetry"), ["config", "--list"], { cwd: tempDir("hermetic-poetry") });
  assert.equal(poetry.code, 0, poetry.stdout + poetry.stderr);
  assert.match(poetry.stdout, /^cache-dir = /m, "Poetry listed its settings");
  assert.doesNotMatch(poetry.stdout + poetry.stderr, new RegExp(POISON));
  const pdm = await run((await clientVenv("pdm")).bin("pdm"), ["config"], { cwd: tempDir("hermetic-pdm") });
  assert.equal(pdm.code, 0, pdm.stdout + pdm.stderr);
  assert.match(pdm.stdout, /pypi\.url/, "pdm listed its settings");
  assert.doesNotMatch(pdm.stdout + pdm.stderr, new RegExp(POISON));
});

test("uv resolves from the index alone, whatever uv configuration the host has", async () => {
  const work = tempDir("hermetic-uv");
  writeFileSync(join(work, "requirements.in"), "demo-core\n");
  const r = await run(uv, ["pip", "compile", "--no-header", "--index-url", `${server.url}/simple/`, "--python-version", "3.11", "requirements.in"], {
    cwd: work,
    env: { UV_CACHE_DIR: join(work, "cache"), TMPDIR: work },
  });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^demo-core==1\.2\.0$/m, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(POISON));
});
