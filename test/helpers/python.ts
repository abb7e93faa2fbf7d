import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./paths.js";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing output (never throws on a non-zero exit). */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
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
 * pip with every configured index and find-links removed, so only the index under test can
 * answer. Build dependencies of an sdist are the exception: `withMirror` keeps the machine's pip
 * configuration for the isolated build environment.
 */
export function pipEnv(withMirror = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (withMirror || !k.startsWith("PIP_")) env[k] = v;
  }
  if (!withMirror) env.PIP_CONFIG_FILE = "/dev/null";
  env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  env.PIP_NO_INPUT = "1";
  return env;
}

export interface Venv {
  dir: string;
  python: string;
  pip(args: string[], options?: { withMirror?: boolean }): Promise<RunResult>;
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
    pip: (args, options = {}) =>
      run(python, ["-m", "pip", ...args, "--retries", "0", "--timeout", "10"], { env: pipEnv(options.withMirror ?? false) }),
  };
}

/** Installed distributions of a venv: normalised name -> version. */
export async function installed(venv: Venv): Promise<Map<string, string>> {
  const r = await run(venv.python, ["-m", "pip", "list", "--format", "json"], { env: pipEnv() });
  if (r.code !== 0) throw new Error(r.stderr);
  const list = JSON.parse(r.stdout) as { name: string; version: string }[];
  return new Map(list.map((p) => [p.name.toLowerCase().replace(/[-_.]+/g, "-"), p.version]));
}
