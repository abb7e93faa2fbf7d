/**
 * The newcomer's first command, end to end: `github-pypi demo` builds the bundled index, serves
 * it, and prints pip lines that work as printed. The demo's settings name PyPI as the upstream;
 * here `--upstream` points it at a plain PEP 503 index holding Debian's own setuptools and wheel
 * wheels (python3-venv brings them), and pip runs in a venv of Debian's python3, so a source
 * distribution finds its build dependencies through the one demo URL.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createServer, type AddressInfo } from "node:net";
import { cliPath, tempDir } from "./helpers/paths.js";
import type { BuiltDist } from "./helpers/python-dists.js";
import { createVenv, installed } from "./helpers/python.js";
import { startUpstreamIndex, writeUpstreamFolder, type UpstreamIndex } from "./helpers/upstream-index.js";

const DEBIAN_WHEELS = "/usr/share/python-wheels";
/** Debian's interpreter: its setuptools wheel is patched for it (install_layout), as a Debian user's would be. */
const DEBIAN_PYTHON = "/usr/bin/python3";
const children: ChildProcess[] = [];
let upstream: UpstreamIndex | undefined;

after(() => {
  for (const c of children) c.kill();
  upstream?.close();
});

/** Debian's wheel of `name` (python3-venv depends on them); the test cannot run without. */
function debianWheel(name: string): Pick<BuiltDist, "filename" | "bytes"> {
  const found = existsSync(DEBIAN_WHEELS) ? readdirSync(DEBIAN_WHEELS).find((f) => f.startsWith(`${name}-`) && f.endsWith(".whl")) : undefined;
  assert.ok(found, `${DEBIAN_WHEELS}/${name}-*.whl is missing: install Debian's python3-venv`);
  return { filename: found, bytes: readFileSync(join(DEBIAN_WHEELS, found)) };
}

/** Starts the demo and resolves with everything it printed up to "Press Ctrl+C". */
async function startDemo(args: string[]): Promise<{ stdout: string; stderr: () => string; url: string }> {
  const child = spawn(process.execPath, [cliPath, "demo", "--port", "0", "--out", join(tempDir("demo"), "site"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const stdout = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`demo exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (line.startsWith("Press Ctrl+C")) resolve(lines.join("\n"));
    });
  });
  const url = /Demo index at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
  assert.ok(url, stdout);
  // A function: stderr is its own pipe, and may still be arriving after stdout's last line.
  return { stdout, stderr: () => stderr, url };
}

test("the demo: one printed URL installs a wheel project, and builds an sdist whose setuptools comes from the upstream through it", async () => {
  const up = await startUpstreamIndex(writeUpstreamFolder({ setuptools: [debianWheel("setuptools")], wheel: [debianWheel("wheel")] }));
  upstream = up;
  const { stdout, stderr } = await startDemo(["--upstream", up.url]);
  assert.equal(stderr(), "", "the embedded demo's own settings raise no warning or notice");
  assert.match(stdout, new RegExp(`Names this index does not hold come from ${up.url.replace(/[.]/g, "\\.")}, and the names demo, demo-\\* stay ours`));
  const printed = [...stdout.matchAll(/pip install (--index-url \S+ [\w-]+)$/gm)].map((m) => (m[1] ?? "").split(" "));
  assert.deepEqual(
    printed.map((p) => p.at(-1)),
    ["demo-app", "demo-sdist-only"],
    stdout,
  );

  const venv = await createVenv(join(tempDir("demo-venv"), "v"), DEBIAN_PYTHON);
  for (const args of printed) {
    const r = await venv.pip(["install", ...args]);
    assert.equal(r.code, 0, `pip install ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  }
  const got = await installed(venv);
  assert.equal(got.get("demo-app"), "0.3.0");
  assert.equal(got.get("demo-core"), "1.2.0");
  assert.equal(got.get("demo-sdist-only"), "0.1.0", "built from its sdist");
  await up.settle();
  const asked = up.requests.map((r) => r.path);
  assert.ok(asked.includes("/simple/setuptools/"), asked.join("\n"));
  assert.deepEqual(
    asked.filter((p) => p.includes("demo")),
    [],
    "the upstream never hears the demo's names",
  );

  // The same demo without its upstream cannot build the sdist: the upstream is what found setuptools.
  const alone = await startDemo(["--no-upstream"]);
  assert.doesNotMatch(alone.stdout, /demo-sdist-only/);
  // `pip wheel` builds the sdist again (the same venv already has it installed, which `install` would accept).
  const failed = await venv.pip(["wheel", "--no-deps", "--no-cache-dir", "-w", tempDir("demo-wheel"), "--index-url", `${alone.url}/simple/`, "demo-sdist-only"]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stdout + failed.stderr, /No matching distribution found for setuptools/);
});

test("the demo on a taken port serves on another and says which, and the port it took answers", async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  try {
    const taken = (holder.address() as AddressInfo).port;
    const { stderr, url } = await startDemo(["--port", String(taken), "--no-upstream"]);
    const port = Number(new URL(url).port);
    assert.notEqual(port, taken);
    for (let i = 0; i < 50 && !stderr().includes("notice:"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(stderr(), new RegExp(`^notice: port ${taken} on 127\\.0\\.0\\.1 is in use, so the demo took port ${port}$`, "m"));
    assert.equal((await fetch(`${url}/simple/demo-app/`)).status, 200);
  } finally {
    holder.close();
  }
});
