/**
 * Every pip a user of this kind of machine could run, found at run time rather than listed: the
 * Debian system python3's own `venv` (what Debian's tox, nox and pipenv seed), and every pip wheel
 * on the disk (the ones Python interpreters bundle for ensurepip, and any other, such as a package
 * mirror's), each run by the interpreter that bundles it or else by the newest one found.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tempDir } from "./paths.js";
import { run, venvAt, type Venv } from "./python.js";

/** The oldest Python the matrix runs: the demo needs >=3.8, and 3.7 and older are long past end of life. */
export const OLDEST_PYTHON: readonly [number, number] = [3, 8];
/** Debian's interpreter; its `-m venv` seeds pip from Debian's own wheel, not an ensurepip bundle. */
const SYSTEM_PYTHON = "/usr/bin/python3";

export interface PipCandidate {
  /** pip's version, e.g. `23.0.1`. */
  pip: string;
  python: string;
  pythonVersion: string;
  /** where it came from, for the test's name and the closing report. */
  origin: string;
  /** a wheel to install into a `--without-pip` venv; absent for the system venv, which seeds its own. */
  wheel?: string;
}

export interface PipSearch {
  found: PipCandidate[];
  /** pips on the machine that the matrix does not run, each with the reason. */
  passedOver: string[];
}

const BUNDLED = /^(.*)\/lib\/python(\d+)\.(\d+)\/ensurepip\/_bundled\/pip-([^-]+)-[^/]*\.whl$/;
const ANY_PIP_WHEEL = /\/pip-(\d[^-/]*)-[^/]*\.whl$/;

async function pythonVersion(python: string): Promise<[number, number] | undefined> {
  const r = await run(python, ["-c", "import sys; sys.stdout.write('%d %d' % sys.version_info[:2])"]).catch(() => undefined);
  const m = r?.code === 0 ? /^(\d+) (\d+)$/.exec(r.stdout.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const atLeast = (v: readonly [number, number], floor: readonly [number, number]): boolean => v[0] > floor[0] || (v[0] === floor[0] && v[1] >= floor[1]);
const compareVersions = (a: string, b: string): number => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/**
 * Every `pip-*.whl` on the machine's disks, skipping virtual and mounted file systems and temporary
 * files (this run's, and other runs' when the suite runs in a folder of its own under /tmp).
 */
async function pipWheelsOnDisk(): Promise<string[]> {
  const prune = ["/proc", "/sys", "/dev", "/run", "/mnt", "/media", "/tmp", "/var/tmp", tmpdir()].flatMap((p) => ["-path", p, "-o"]);
  const r = await run("find", ["/", "(", ...prune, "-name", "node_modules", "-o", "-name", ".git", ")", "-prune", "-o", "-type", "f", "-name", "pip-*.whl", "-print"]);
  // find exits 1 when some folder is unreadable; what it printed is still right.
  return r.stdout.split("\n").filter((line) => ANY_PIP_WHEEL.test(line)).sort();
}

/** The pips to test, one per pip version, and what was passed over. */
export async function findPips(): Promise<PipSearch> {
  const passedOver: string[] = [];
  const candidates: (PipCandidate & { rank: number; py: [number, number] })[] = [];

  if (existsSync(SYSTEM_PYTHON)) {
    // ensurepip.version() is the pip that `-m venv` seeds (Debian's python3-venv takes it from its own wheel).
    const probe = await run(SYSTEM_PYTHON, ["-c", "import ensurepip; print(ensurepip.version())"]);
    const py = await pythonVersion(SYSTEM_PYTHON);
    const pip = probe.stdout.trim();
    if (py && probe.code === 0 && /^\d+(\.\d+)*$/.test(pip)) candidates.push({ pip, python: SYSTEM_PYTHON, pythonVersion: py.join("."), origin: "Debian's python3 -m venv", rank: 0, py });
    else passedOver.push(`${SYSTEM_PYTHON}: cannot make a venv with pip (install python3-venv): ${probe.stderr.trim().split("\n").pop() ?? ""}`);
  }

  const wheels = await pipWheelsOnDisk();
  const others: string[] = [];
  for (const wheel of wheels) {
    const m = BUNDLED.exec(wheel);
    if (!m) {
      others.push(wheel);
      continue;
    }
    const [, prefix, major, minor, pip] = m as unknown as [string, string, string, string, string];
    const python = join(prefix, "bin", `python${major}.${minor}`);
    const py = await pythonVersion(python);
    if (!py) {
      passedOver.push(`pip ${pip} at ${wheel}: its interpreter ${python} does not run`);
      continue;
    }
    if (!atLeast(py, OLDEST_PYTHON)) {
      passedOver.push(`pip ${pip} (bundled with Python ${py.join(".")} at ${prefix}): Python older than ${OLDEST_PYTHON.join(".")}`);
      continue;
    }
    candidates.push({ pip, python, pythonVersion: py.join("."), origin: `bundled with Python ${py.join(".")} at ${prefix}`, wheel, rank: 1, py });
  }
  const interpreters = candidates.filter((c) => c.rank === 1).sort((a, b) => b.py[0] - a.py[0] || b.py[1] - a.py[1]);
  const newest = interpreters[0];
  for (const wheel of others) {
    const pip = (ANY_PIP_WHEEL.exec(wheel) as RegExpExecArray)[1] as string;
    if (!newest) {
      passedOver.push(`pip ${pip} at ${wheel}: no interpreter found to run it`);
      continue;
    }
    candidates.push({ pip, python: newest.python, pythonVersion: newest.pythonVersion, origin: `${wheel} on Python ${newest.pythonVersion}`, wheel, rank: 2, py: newest.py });
  }

  // One row per pip version: the system venv first, then the bundling interpreter (the newest of several).
  candidates.sort((a, b) => a.rank - b.rank || b.py[0] - a.py[0] || b.py[1] - a.py[1]);
  const byVersion = new Map<string, PipCandidate>();
  for (const { rank: _rank, py: _py, ...c } of candidates) {
    if (byVersion.has(c.pip)) passedOver.push(`pip ${c.pip} ${c.origin}: the same version is tested ${byVersion.get(c.pip)?.origin}`);
    else byVersion.set(c.pip, c);
  }
  return { found: [...byVersion.values()].sort((a, b) => compareVersions(a.pip, b.pip)), passedOver };
}

/**
 * A virtual environment running exactly this pip: the system venv as Debian makes it, or a venv
 * without pip into which the wheel installs itself (a wheel can run pip from inside it).
 */
export async function venvWithPip(candidate: PipCandidate, dir: string): Promise<Venv> {
  const made = await run(candidate.python, ["-m", "venv", ...(candidate.wheel ? ["--without-pip"] : []), dir]);
  if (made.code !== 0) throw new Error(`${candidate.python} -m venv failed: ${made.stderr}`);
  const venv = venvAt(dir);
  if (candidate.wheel) {
    // pip run from its wheel extracts certifi's CA bundle to a temporary file that older pips
    // (22.0) never remove: give it a folder of this test process's, removed at exit.
    const r = await run(venv.python, [join(candidate.wheel, "pip"), "install", "--quiet", "--no-index", "--no-deps", candidate.wheel], { env: { TMPDIR: tempDir("pip-from-wheel") } });
    if (r.code !== 0) throw new Error(`installing ${candidate.wheel} failed: ${r.stdout}${r.stderr}`);
  }
  const version = await run(venv.python, ["-m", "pip", "--version"]);
  const got = /^pip (\S+) /.exec(version.stdout)?.[1];
  if (got !== candidate.pip) throw new Error(`${dir} runs pip ${got ?? "?"} (${version.stderr.trim()}), expected ${candidate.pip}`);
  return venv;
}
