/**
 * `npm run bench` (serving, beside pypiserver): the same distributions served by `github-pypi
 * serve` (the compiled command, its own process) and by pypiserver (its pinned venv, waitress, as
 * its `--server auto` picks), measured in the same run:
 * - requests per second for a project page and for a file, `wrk` with 50 connections for 10 s;
 * - the wall time of a cold `pip install` of 20 projects through each (the newest pinned pip,
 *   no cache, no build isolation needed: wheels only);
 * - `serve --auth github` warm (the verdict cached) under the same load: the gate's cost.
 * Ratios are printed with both sides from this run. Figures only; nothing fails.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clientVenv } from "../helpers/client-venvs.js";
import { GitHubEmulator } from "../helpers/github-emulator.js";
import { makeWheel } from "../helpers/python-dists.js";
import { clientEnv } from "../helpers/python.js";
import { freePort } from "../helpers/static-host.js";

const PROJECTS = 20;
const VERSIONS = 5;
const CONNECTIONS = 50;
const SECONDS = 10;
const RUNS = 3;
const command = fileURLToPath(new URL("../../bin/github-pypi.js", import.meta.url));
const TOKEN = `ghp_${"b".repeat(36)}`;

async function waitFor(url: string, headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url, { headers }).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

/** A server in its own process; `quiet` drops its stderr (waitress logs a line per queued task under load). */
function start(cmd: string, args: string[], quiet = false): ChildProcess {
  return spawn(cmd, args, { stdio: ["ignore", "ignore", quiet ? "ignore" : "inherit"] });
}

/** wrk's requests per second for one URL (median of RUNS). */
function requestsPerSecond(url: string, headers: Record<string, string> = {}): { median: number; min: number; max: number } {
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const args = ["-t2", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]), url];
    const out = execFileSync("wrk", args, { encoding: "utf8" });
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
    if (non2xx) throw new Error(`${url}: ${non2xx[1]} answers were not 2xx/3xx:\n${out}`);
    rates.push(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN));
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** Wall time of a cold pip install of every project through `index` (median of RUNS). */
async function pipInstall(index: string, names: string[], work: string): Promise<number> {
  const pip = await clientVenv("pip-26.2.1");
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const target = join(work, `target-${i}-${Math.random().toString(36).slice(2)}`);
    const t0 = performance.now();
    execFileSync(pip.bin("pip"), ["install", "--quiet", "--no-cache-dir", "--disable-pip-version-check", "--index-url", index, "--target", target, ...names], {
      env: clientEnv(),
      stdio: ["ignore", "ignore", "inherit"],
    });
    times.push(performance.now() - t0);
    rmSync(target, { recursive: true, force: true });
  }
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

const fmtRate = (r: { median: number; min: number; max: number }): string =>
  `${Math.round(r.median).toLocaleString("en")} req/s (${Math.round(r.min).toLocaleString("en")}–${Math.round(r.max).toLocaleString("en")})`;

if (!existsSync("/usr/bin/wrk")) {
  console.log("serving: skipped, wrk is not installed (apt-get install wrk)");
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), "github-pypi-bench-serve-"));
const children: ChildProcess[] = [];
const emu = await GitHubEmulator.start({ token: `ghs_${"c".repeat(36)}` });
try {
  const dists = join(work, "dists");
  mkdirSync(dists);
  const names: string[] = [];
  for (let p = 0; p < PROJECTS; p++) {
    const name = `serve-bench-${p}`;
    names.push(name);
    for (let v = 0; v < VERSIONS; v++) {
      const wheel = makeWheel({ name, version: `1.${v}.0`, requiresPython: ">=3.9" });
      writeFileSync(join(dists, wheel.filename), wheel.bytes);
    }
  }
  const site = join(work, "site");
  execFileSync(process.execPath, [command, "build", "--from", dists, "--out", site, "--quiet"], { stdio: ["ignore", "ignore", "inherit"] });
  const ours = await freePort();
  const theirs = await freePort();
  const gated = await freePort();
  children.push(start(process.execPath, [command, "serve", site, "--port", String(ours), "--quiet", "--no-upstream"]));
  const pypiserver = await clientVenv("pypiserver");
  children.push(start(pypiserver.bin("pypi-server"), ["run", "-p", String(theirs), "-i", "127.0.0.1", "-a", ".", "-P", ".", "--log-stream", "none", dists], true));
  emu.setOrg("acme", [{ name: "pypi", private: true }]);
  emu.setPeople([{ login: "bench", tokens: [TOKEN], repositories: ["acme/pypi"] }]);
  children.push(
    start(process.execPath, [command, "serve", site, "--port", String(gated), "--quiet", "--no-upstream", "--auth", "github", "--gate-repository", "acme/pypi", "--github-api-url", emu.apiUrl]),
  );
  const auth = { authorization: `Basic ${Buffer.from(`bench:${TOKEN}`).toString("base64")}` };
  await Promise.all([waitFor(`http://127.0.0.1:${ours}/simple/`), waitFor(`http://127.0.0.1:${theirs}/simple/`), waitFor(`http://127.0.0.1:${gated}/simple/`, auth)]);

  const project = names[0] as string;
  const file = `${project.replace(/-/g, "_")}-1.0.0-py3-none-any.whl`;
  console.log(`Serving, beside pypiserver 2.4.2 (waitress): ${PROJECTS} projects x ${VERSIONS} wheels; wrk, ${CONNECTIONS} connections, ${SECONDS} s, ${RUNS} runs, medians (min–max)`);
  const page = { ours: requestsPerSecond(`http://127.0.0.1:${ours}/simple/${project}/`), theirs: requestsPerSecond(`http://127.0.0.1:${theirs}/simple/${project}/`) };
  console.log(`  project page:  github-pypi serve ${fmtRate(page.ours)}; pypiserver ${fmtRate(page.theirs)} -> ${(page.ours.median / page.theirs.median).toFixed(1)}x`);
  const files = { ours: requestsPerSecond(`http://127.0.0.1:${ours}/files/${project}/${file}`), theirs: requestsPerSecond(`http://127.0.0.1:${theirs}/packages/${file}`) };
  console.log(`  file:          github-pypi serve ${fmtRate(files.ours)}; pypiserver ${fmtRate(files.theirs)} -> ${(files.ours.median / files.theirs.median).toFixed(1)}x`);
  const gate = { page: requestsPerSecond(`http://127.0.0.1:${gated}/simple/${project}/`, auth), file: requestsPerSecond(`http://127.0.0.1:${gated}/files/${project}/${file}`, auth) };
  console.log(
    `  --auth github, warm: project page ${fmtRate(gate.page)} (${((gate.page.median / page.ours.median) * 100).toFixed(0)}% of serve), file ${fmtRate(gate.file)} (${((gate.file.median / files.ours.median) * 100).toFixed(0)}% of serve)`,
  );
  const pipOurs = await pipInstall(`http://127.0.0.1:${ours}/simple/`, names, work);
  const pipTheirs = await pipInstall(`http://127.0.0.1:${theirs}/simple/`, names, work);
  console.log(
    `  cold pip install of ${PROJECTS} projects (pip 26.2.1, no cache): through github-pypi serve ${(pipOurs / 1000).toFixed(2)} s, through pypiserver ${(pipTheirs / 1000).toFixed(2)} s -> ${(pipTheirs / pipOurs).toFixed(2)}x`,
  );
} finally {
  for (const c of children) c.kill();
  await emu.close();
  rmSync(work, { recursive: true, force: true });
}
