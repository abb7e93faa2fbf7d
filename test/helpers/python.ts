import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "./paths.js";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Variables through which a host configures Python clients, or tells them where their files and
 * keyring are: none is inherited by a client, so what a test sees cannot depend on the machine.
 * (A host with libsecret installed and no D-Bus session makes keyring, and so Poetry, fail with
 * "Failed to unlock the item!"; a pip.conf or PIP_* variable adds indexes and find-links.)
 */
// Proxies and CA bundles too: the clients only ever talk to the tests' servers on loopback.
const HOST_CONFIGURATION =
  /^(HOME|NETRC|DBUS_SESSION_BUS_ADDRESS|(HTTPS?|ALL|NO)_PROXY|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|SSL_CERT_(FILE|DIR))$|^(XDG_|PIP_|UV_|POETRY_|PDM_|PIPENV_|PYTHON|VIRTUAL_ENV|CONDA_|KEYRING_)/i;

/** A home folder with nothing in it, and the XDG folders inside it. */
function homeAt(home: string): NodeJS.ProcessEnv {
  const config = join(home, ".config");
  mkdirSync(config, { recursive: true });
  return {
    HOME: home,
    XDG_CONFIG_HOME: config,
    // Where clients look for machine-wide configuration (pip's /etc/xdg/pip/pip.conf among them).
    XDG_CONFIG_DIRS: config,
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_STATE_HOME: join(home, ".local/state"),
  };
}

let processHome: NodeJS.ProcessEnv | undefined;
/** Environments clientEnv made: `run` uses them as they are, so what one removed stays removed. */
const made = new WeakSet<NodeJS.ProcessEnv>();

/**
 * The environment every Python client and oracle runs in: the host's environment without its
 * client configuration (HOST_CONFIGURATION), a clean home of its own (one per test process unless
 * `home` names another), the null keyring, no pip configuration file, and then `settings`. A
 * setting that is the host's own client configuration (`{ ...process.env, X }`) is not passed on;
 * one set to `undefined` removes the variable.
 */
export function clientEnv(settings: NodeJS.ProcessEnv = {}, options: { home?: string } = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!HOST_CONFIGURATION.test(k)) env[k] = v;
  Object.assign(env, options.home ? homeAt(options.home) : (processHome ??= homeAt(tempDir("home"))), {
    PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
    // pip reads no configuration file at all (not even the machine-wide ones) when this is os.devnull.
    PIP_CONFIG_FILE: "/dev/null",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    // No __pycache__ written beside the test's own Python files in the checkout.
    PYTHONDONTWRITEBYTECODE: "1",
    // virtualenv (under Poetry, pdm and pipenv) otherwise starts a detached process, stdio closed,
    // that refreshes its seed wheels in the home's app data after the client has exited: it was
    // still writing there when the test process removed its folders.
    VIRTUALENV_NO_PERIODIC_UPDATE: "1",
  });
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined) delete env[k];
    else if (!(HOST_CONFIGURATION.test(k) && v === process.env[k])) env[k] = v;
  }
  made.add(env);
  return env;
}

/**
 * Runs a command to completion, capturing output (never throws on a non-zero exit). It runs in
 * `clientEnv(env)` (or in `env` itself if clientEnv made it): whatever a test starts through here
 * cannot see the host's client configuration.
 */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = options.env && made.has(options.env) ? options.env : clientEnv(options.env);
    const child = spawn(cmd, args, { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    // A child that exits without reading its input closes the pipe first: that EPIPE is no failure.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Debian's wheels for `python3 -m venv` (python3-setuptools-whl, python3-wheel-whl): the build
 * backend an sdist needs, taken from the disk so that no test depends on a package mirror.
 * Debian patches this setuptools for its own Python (`install_layout`): it builds wheels on
 * DEBIAN_PYTHON only.
 */
export const DEBIAN_WHEELS = "/usr/share/python-wheels";
export const DEBIAN_PYTHON = "/usr/bin/python3";

/**
 * pip with no configured index or find-links, so only the index under test can answer. Building
 * an sdist is the exception: `buildBackend` lets pip find setuptools and wheel in DEBIAN_WHEELS
 * for the isolated build environment.
 */
export function pipEnv(options: { buildBackend?: boolean } = {}): NodeJS.ProcessEnv {
  if (!options.buildBackend) return clientEnv();
  for (const name of ["setuptools", "wheel"]) {
    if (!existsSync(DEBIAN_WHEELS) || !readdirSync(DEBIAN_WHEELS).some((f) => f.startsWith(`${name}-`) && f.endsWith(".whl"))) {
      throw new Error(`${DEBIAN_WHEELS}/${name}-*.whl is missing: install Debian's python3-${name}-whl (.ci/run does)`);
    }
  }
  return clientEnv({ PIP_FIND_LINKS: DEBIAN_WHEELS });
}

export interface Venv {
  dir: string;
  python: string;
  /** `buildBackend`: an sdist may be built (DEBIAN_WHEELS), in a venv of DEBIAN_PYTHON only. */
  pip(args: string[], options?: { buildBackend?: boolean }): Promise<RunResult>;
}

/**
 * One `python -m venv` per interpreter and test process (seeding pip takes seconds); every venv
 * after it is made `--without-pip` and gets the seeded site-packages copied in, which is what
 * seeding would have written. Tests run pip as `python -m pip`, so the console scripts are not needed.
 */
const templates = new Map<string, Promise<string>>();

function pipTemplate(python: string): Promise<string> {
  let template = templates.get(python);
  if (!template) {
    template = (async () => {
      const dir = join(tempDir("venv-template"), "t");
      const made = await run(python, ["-m", "venv", dir]);
      if (made.code !== 0) throw new Error(`${python} -m venv failed: ${made.stderr}`);
      return dir;
    })();
    templates.set(python, template);
  }
  return template;
}

/** The venv's site-packages folder (lib/pythonX.Y/site-packages). */
function sitePackages(dir: string): string {
  const lib = join(dir, "lib");
  const python = readdirSync(lib).find((n) => /^python\d+\.\d+$/.test(n));
  if (!python) throw new Error(`${lib} holds no pythonX.Y folder`);
  return join(lib, python, "site-packages");
}

/** A venv of `python` (python3 on the PATH unless named, e.g. Debian's /usr/bin/python3). */
export async function createVenv(dir: string, python = "python3"): Promise<Venv> {
  const source = sitePackages(await pipTemplate(python));
  const made = await run(python, ["-m", "venv", "--without-pip", dir]);
  if (made.code !== 0) throw new Error(`${python} -m venv --without-pip failed: ${made.stderr}`);
  const target = sitePackages(dir);
  // Everything seeding installed (pip, and on Python 3.11 setuptools with its .pth hook), as hard
  // links: copying pip's thousand files cost more system time than the venv. Safe to share, as
  // pip and Python replace files by rename (a new inode), never by writing into them.
  const linked = await run("cp", ["-al", ...readdirSync(source).map((name) => join(source, name)), target]);
  if (linked.code !== 0) throw new Error(`cp -al into ${target} failed: ${linked.stderr}`);
  return venvAt(dir);
}

/** The virtual environment already made at `dir`. */
export function venvAt(dir: string): Venv {
  const python = join(dir, "bin", "python");
  return {
    dir,
    python,
    pip: async (args, options = {}) => {
      // The venv's base interpreter, as pyvenv.cfg records it (`home = /usr/bin` for DEBIAN_PYTHON).
      const base = /^home\s*=\s*(.*)$/m.exec(readFileSync(join(dir, "pyvenv.cfg"), "utf8"))?.[1]?.trim();
      if (options.buildBackend && base !== dirname(DEBIAN_PYTHON)) {
        throw new Error(`${dir}: Debian's build backend builds on ${DEBIAN_PYTHON} only, and this venv's Python is in ${base ?? "?"}: make it with createVenv(dir, DEBIAN_PYTHON)`);
      }
      return run(python, ["-m", "pip", ...args, "--retries", "0", "--timeout", "10"], { env: pipEnv(options) });
    },
  };
}

/** Installed distributions of a venv: normalised name -> version. */
export async function installed(venv: Venv): Promise<Map<string, string>> {
  const r = await run(venv.python, ["-m", "pip", "list", "--format", "json"], { env: pipEnv() });
  if (r.code !== 0) throw new Error(r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; version: string }[];
  return new Map(list.map((p) => [p.name.toLowerCase().replace(/[-_.]+/g, "-"), p.version]));
}
