/**
 * Start-up benchmark: whole-process wall time and peak RSS (medians of RUNS) of `github-pypi
 * --help` and of a demo-sized build (the 12 demo files), against the floor measured in the same
 * run, a bare `node -e 0`. Also the same two through the TypeScript sources (tsx), which is what
 * the bin falls back to without dist/. Figures only.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const RUNS = 7;
const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin/github-pypi.js");
const sources = join(root, "generator/cli/main.ts");
const work = mkdtempSync(join(tmpdir(), "github-pypi-startup-"));

/** Wall seconds and peak RSS of one run, from GNU time (the process's own peak, not this one's). */
function once(args: string[]): { seconds: number; rssMiB: number } {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, ...args], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  const [seconds = "NaN", kib = "NaN"] = (r.stderr.trim().split("\n").at(-1) ?? "").split(" ");
  return { seconds: Number(seconds), rssMiB: Number(kib) / 1024 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function measure(args: () => string[]): { seconds: number; rssMiB: number } {
  const runs = Array.from({ length: RUNS }, () => once(args()));
  return { seconds: median(runs.map((r) => r.seconds)), rssMiB: median(runs.map((r) => r.rssMiB)) };
}

try {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  let n = 0;
  const demoBuild = (entry: string[]) => () => [...entry, "build", "--from", join(root, "generator/demo/dists"), "--out", join(work, `site-${n++}`), "--quiet"];
  const floor = measure(() => ["-e", "0"]);
  const rows: [string, { seconds: number; rssMiB: number }][] = [
    ["node -e 0 (the floor)", floor],
    ["github-pypi --help", measure(() => [bin, "--help"])],
    ["github-pypi build (demo, 12 files)", measure(demoBuild([bin]))],
    ["--help through tsx (no dist/)", measure(() => ["--import", "tsx", sources, "--help"])],
    ["build (demo) through tsx", measure(demoBuild(["--import", "tsx", sources]))],
  ];
  console.log(`\nStart-up (${RUNS} runs each, medians; whole process)`);
  for (const [what, m] of rows) {
    console.log(`${what.padEnd(36)} ${m.seconds.toFixed(2)} s  ${(m.seconds / floor.seconds).toFixed(1)}x the floor  ${m.rssMiB.toFixed(0)} MiB peak`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
