/**
 * The matrix's clients, and the tools tests run, installed from PyPI exactly as
 * test/clients/requirements.txt pins them (`--require-hashes`), one venv a client or tool, cached
 * under `.cache/clients/` and made at most once: a venv's folder is named for the hash of its
 * section and interpreter, so a changed pin makes a new one. Several test processes may ask at once; a lock folder lets one install while the others
 * wait. Nothing here searches the disk for clients: a client that cannot be installed is an error.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.js";
import { run, type RunResult } from "./python.js";

export const REQUIREMENTS = join(repoRoot, "test/clients/requirements.txt");
export const CLIENT_CACHE = join(repoRoot, ".cache/clients");

export interface PinnedVenv {
  /** A client the matrix proves (`# venv`), or a tool tests run (`# tool`), never a matrix row. */
  kind: "client" | "tool";
  venv: string;
  python: string;
  /** The section: a requirements file of its own. */
  requirements: string;
  /**
   * A client's top-level package (the venv's name without a version, or `pip`) and its pinned
   * version; for a tool, the first of its top-level requirements.
   */
  client: string;
  version: string;
  /** Every top-level requirement: name to exact version. */
  pins: ReadonlyMap<string, string>;
}

/** Every section of requirements.txt, clients and tools, in its order. */
export function pinnedSections(text = readFileSync(REQUIREMENTS, "utf8")): PinnedVenv[] {
  const out: PinnedVenv[] = [];
  const parts = text.split(/^# (?=(?:venv|tool) )/m).slice(1);
  for (const part of parts) {
    const [header = "", ...rest] = part.split("\n");
    const requirements = rest.join("\n").trim();
    const kind = header.startsWith("tool ") ? "tool" : "client";
    let venv: string;
    let python: string;
    /** The top-level names, with the version a tool's header gives each. */
    let tops: [string, string | undefined][];
    if (kind === "client") {
      const m = /^venv (\S+) python (\d+\.\d+)$/.exec(header.trim());
      if (!m) throw new Error(`${REQUIREMENTS}: a section header must read "# venv NAME python X.Y", not "# ${header}"`);
      [, venv = "", python = ""] = m;
      tops = [[venv.startsWith("pip-") ? "pip" : venv, undefined]];
    } else {
      // A tool names its top-level requirements in the header: several, none named after the venv.
      const m = /^tool (\S+) python (\d+\.\d+): (\S.*)$/.exec(header.trim());
      if (!m) throw new Error(`${REQUIREMENTS}: a tool's header must read "# tool NAME python X.Y: NAME==VERSION...", not "# ${header}"`);
      [, venv = "", python = ""] = m;
      tops = (m[3] ?? "").split(/\s+/).map((r) => {
        const exact = /^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$/.exec(r);
        if (!exact?.[1]) throw new Error(`${REQUIREMENTS}: tool ${venv}: "${r}" is not an exact pin`);
        return [exact[1], exact[2]];
      });
    }
    const pins = new Map<string, string>();
    for (const [name, named] of tops) {
      const pinned = new RegExp(`^${name.replace(/\./g, "\\.")}==(\\S+)`, "m").exec(requirements);
      if (!pinned?.[1]) throw new Error(`${REQUIREMENTS}: section ${venv} does not pin ${name}`);
      if (named !== undefined && named !== pinned[1]) throw new Error(`${REQUIREMENTS}: tool ${venv} names ${name}==${named} but its section pins ${name}==${pinned[1]}`);
      pins.set(name, pinned[1]);
    }
    for (const line of requirements.split("\n")) {
      if (/^[A-Za-z0-9]/.test(line) && !/==\S+/.test(line)) throw new Error(`${REQUIREMENTS}: section ${venv}: "${line}" is not an exact pin`);
    }
    const [client = "", version = ""] = [...pins][0] ?? [];
    out.push({ kind, venv, python, requirements: `${requirements}\n`, client, version, pins });
  }
  return out;
}

/** The clients' sections of requirements.txt, in its order: the matrix's rows, without the tools. */
export function pinnedVenvs(text?: string): PinnedVenv[] {
  return pinnedSections(text).filter((p) => p.kind === "client");
}

/** The tools' sections of requirements.txt, in its order. */
export function pinnedTools(text?: string): PinnedVenv[] {
  return pinnedSections(text).filter((p) => p.kind === "tool");
}

/** The interpreter for `major.minor`: pyenv's newest build of it, else `pythonX.Y` on the PATH. */
export async function interpreter(version: string): Promise<string> {
  const pyenv = process.env.PYENV_ROOT ?? join(process.env.HOME ?? "/root", ".pyenv");
  const versions = join(pyenv, "versions");
  if (existsSync(versions)) {
    const builds = readdirSync(versions)
      .filter((v) => v === version || v.startsWith(`${version}.`))
      .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
      .sort((a, b) => Number(b.split(".")[2]) - Number(a.split(".")[2]));
    for (const build of builds) {
      const python = join(versions, build, "bin", `python${version}`);
      if (existsSync(python)) return python;
    }
  }
  const found = await run(`python${version}`, ["-c", "import sys; print(sys.executable)"]).catch(() => undefined);
  const python = found?.code === 0 ? found.stdout.trim() : "";
  if (!python) throw new Error(`Python ${version} is needed for the client matrix and is not installed (neither in ${versions} nor python${version} on the PATH)`);
  return python;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Whether a process runs: EPERM means it does, under another user. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** How long a process waits for another's install before it gives up, naming the lock. */
const LOCK_WAIT_MS = 10 * 60 * 1000;

/**
 * Runs `body` holding `<dir>.lock` (a folder: mkdir is atomic). A lock whose holder has died, or
 * that has had no holder written for a minute (a crash between the two steps), is taken over by
 * renaming it away first, so that of two waiters only one removes it.
 */
export async function withLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(readFileSafe(join(lock, "pid")));
      const age = Date.now() - (statSafe(lock) ?? Date.now());
      if ((holder && !alive(holder)) || (!holder && age > 60_000)) {
        const stale = `${lock}.stale-${process.pid}`;
        try {
          renameSync(lock, stale);
          rmSync(stale, { recursive: true, force: true });
        } catch {
          // Another waiter took it over first.
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} has been held by process ${holder || "?"} for over ${LOCK_WAIT_MS / 60_000} minutes; remove it if no install is running`);
      await sleep(250);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The environment an install runs in: the host's own (its pip configuration, proxy and CA bundle reach PyPI), its temporary files beside the venvs. */
const installEnv = (): NodeJS.ProcessEnv => {
  const tmp = join(CLIENT_CACHE, "tmp");
  mkdirSync(tmp, { recursive: true });
  return { ...process.env, TMPDIR: tmp, PIP_DISABLE_PIP_VERSION_CHECK: "1" };
};

async function spawnChecked(what: string, cmd: string, args: string[]): Promise<RunResult> {
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: installEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve({ code, stdout, stderr }) : reject(new Error(`${what} failed (exit ${code}): ${cmd} ${args.join(" ")}\n${stdout}${stderr}`))));
  });
}

export interface ClientVenv extends PinnedVenv {
  dir: string;
  bin(name: string): string;
  python: string;
}

const made = new Map<string, Promise<ClientVenv>>();

/** The newest pip section of requirements.txt. */
function newestPip(): PinnedVenv {
  const pips = pinnedVenvs().filter((p) => p.client === "pip");
  const newest = pips.sort((a, b) => b.version.localeCompare(a.version, "en", { numeric: true }))[0];
  if (!newest) throw new Error(`${REQUIREMENTS} pins no pip`);
  return newest;
}

/** The venv for `name`, a client's or a tool's, installed if this machine does not have it yet. */
export function clientVenv(name: string): Promise<ClientVenv> {
  let ready = made.get(name);
  if (!ready) {
    ready = makeClientVenv(name);
    made.set(name, ready);
  }
  return ready;
}

async function makeClientVenv(name: string): Promise<ClientVenv> {
  const pin = pinnedSections().find((p) => p.venv === name);
  if (!pin) throw new Error(`${REQUIREMENTS} has no section for ${name}`);
  const base = await interpreter(pin.python);
  // A client other than pip is installed by the newest pinned pip (the interpreter's own may be
  // older: pip 23.2 asks for an unpinned copy of a pinned package wanted with an extra, such as
  // pdm's `hishel[httpx2]`, and --require-hashes refuses it).
  const installer = pin.client === "pip" ? undefined : newestPip();
  const key = createHash("sha256")
    .update(`${base}\n${installer?.requirements ?? ""}\n${pin.requirements}`)
    .digest("hex")
    .slice(0, 12);
  const dir = join(CLIENT_CACHE, `${pin.venv}-${key}`);
  const venv: ClientVenv = { ...pin, dir, python: join(dir, "bin", "python"), bin: (n) => join(dir, "bin", n) };
  const marker = join(dir, ".installed");
  if (existsSync(marker)) return venv;
  mkdirSync(CLIENT_CACHE, { recursive: true });
  await withLock(dir, async () => {
    if (existsSync(marker)) return;
    rmSync(dir, { recursive: true, force: true });
    const requirements = `${dir}.txt`;
    writeFileSync(requirements, pin.requirements);
    try {
      // pip, as the interpreter seeds it, installs every venv: it reads the host's pip configuration
      // (index, proxy, CA bundle), which is how this kind of machine reaches PyPI. The hashes pin the bytes.
      await spawnChecked(`a venv for ${pin.venv}`, base, ["-m", "venv", dir]);
      if (installer) {
        const pipFile = `${dir}.pip.txt`;
        writeFileSync(pipFile, installer.requirements);
        try {
          await spawnChecked(`pip ${installer.version} for ${pin.venv}`, venv.python, ["-m", "pip", "install", "--quiet", "--require-hashes", "--only-binary", ":all:", "-r", pipFile]);
        } finally {
          rmSync(pipFile, { force: true });
        }
      }
      await spawnChecked(`installing ${pin.venv}`, venv.python, ["-m", "pip", "install", "--quiet", "--require-hashes", "--only-binary", ":all:", "-r", requirements]);
      if (pin.kind === "client") {
        const version = await spawnChecked(`${pin.client} --version`, venv.python, ["-m", pin.client === "pipenv" ? "pipenv" : pin.client, "--version"]);
        if (!version.stdout.includes(pin.version) && !version.stderr.includes(pin.version)) throw new Error(`${dir} runs ${version.stdout.trim()}, not ${pin.client} ${pin.version}`);
      } else {
        // A tool's packages need not have a `--version` of their own: the installed metadata says.
        const wanted = Object.fromEntries(pin.pins);
        const script = "import importlib.metadata as m, json, sys; print(json.dumps({n: m.version(n) for n in json.loads(sys.argv[1])}))";
        const found = await spawnChecked(`${pin.venv}'s versions`, venv.python, ["-c", script, JSON.stringify(Object.keys(wanted))]);
        const installed = JSON.parse(found.stdout) as Record<string, string>;
        for (const [name, version] of pin.pins) if (installed[name] !== version) throw new Error(`${dir} has ${name} ${installed[name] ?? "missing"}, not ${version}`);
      }
      writeFileSync(marker, `${[...pin.pins].map(([n, v]) => `${n}==${v}`).join(" ")} on ${base}\n`);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    } finally {
      rmSync(requirements, { force: true });
    }
  });
  return venv;
}

/** Installs every pinned client and tool (two at a time), for the test runner to do before the tests start; resolves with the failures. */
export async function prepareAllClients(log: (line: string) => void): Promise<string[]> {
  const failures: string[] = [];
  const todo = pinnedSections();
  const worker = async (): Promise<void> => {
    for (let pin = todo.shift(); pin; pin = todo.shift()) {
      const { venv: name, kind } = pin;
      await clientVenv(name).then(
        () => log(`${kind} ${name} ready`),
        (e: Error) => failures.push(e.message),
      );
    }
  };
  await Promise.all([worker(), worker()]);
  return failures;
}
