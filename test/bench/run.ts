/**
 * `npm run bench`: builds synthetic dumb-pypi JSON-lines lists of 10,000 and 100,000 files
 * (5,000 projects) and prints wall time, files per second, peak memory and how many files an
 * incremental rebuild writes. Each build runs in its own process so its peak RSS is its own.
 * Figures only; nothing here passes or fails.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { syntheticLines } from "./synthetic-list.js";

interface Run {
  files: number;
  projects: number;
  totalMs: number;
  buildMs: number;
  writeMs: number;
  written: number;
  unchanged: number;
  removed: number;
  maxRssMiB: number;
  wallMs: number;
}

const buildOnce = fileURLToPath(new URL("./build-once.ts", import.meta.url));
const GOAL_MS = 2000;
const RUNS = 3;

function measure(list: string, out: string): Run {
  const t0 = performance.now();
  const stdout = execFileSync(process.execPath, ["--import", "tsx", buildOnce, list, out], { encoding: "utf8" });
  const wallMs = performance.now() - t0;
  return { ...(JSON.parse(stdout) as Omit<Run, "wallMs">), wallMs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const work = mkdtempSync(join(tmpdir(), "github-pypi-bench-"));
try {
  console.log(`github-pypi build benchmark (${RUNS} runs each, medians; node ${process.version})\n`);
  for (const files of [10_000, 100_000]) {
    const list = join(work, `list-${files}.jsonl`);
    writeFileSync(list, `${syntheticLines({ files, projects: 5_000 }).join("\n")}\n`);
    const cold: Run[] = [];
    const warm: Run[] = [];
    let added: Run | undefined;
    for (let i = 0; i < RUNS; i++) {
      const out = join(work, `site-${files}-${i}`);
      cold.push(measure(list, out));
      warm.push(measure(list, out));
      if (i === RUNS - 1) {
        // One more release of an existing project, as CI would append after an upload.
        appendFileSync(list, `${JSON.stringify({ filename: "acme_data_0-99.0.0-py3-none-any.whl", hash: `sha256=${"e".repeat(64)}`, size: 1234 })}\n`);
        added = measure(list, out);
      }
      rmSync(out, { recursive: true, force: true });
    }
    const c = median(cold.map((r) => r.totalMs));
    console.log(`${files.toLocaleString("en")} files, ${cold[0]?.projects.toLocaleString("en")} projects -> ${cold[0]?.written.toLocaleString("en")} site files`);
    console.log(`  cold build:        ${fmt(c)} (read+render ${fmt(median(cold.map((r) => r.buildMs)))}, write ${fmt(median(cold.map((r) => r.writeMs)))}); whole command incl. start-up ${fmt(median(cold.map((r) => r.wallMs)))}`);
    console.log(`  throughput:        ${Math.round(files / (c / 1000)).toLocaleString("en")} files/s`);
    console.log(`  peak memory (RSS): ${median(cold.map((r) => r.maxRssMiB)).toFixed(0)} MiB`);
    console.log(`  unchanged rebuild: ${fmt(median(warm.map((r) => r.totalMs)))}, wrote ${warm[0]?.written} files (${warm[0]?.unchanged.toLocaleString("en")} unchanged)`);
    // The added wheel starts a new project: its two pages, the two root pages and the landing page change.
    if (added) console.log(`  one file added:    ${fmt(added.totalMs)}, wrote ${added.written} files (${added.unchanged.toLocaleString("en")} unchanged)`);
    if (files === 100_000) {
      // The write phase is mostly the disk's metadata speed; a memory file system shows the generator alone.
      if (existsSync("/dev/shm")) {
        const shm = mkdtempSync("/dev/shm/github-pypi-bench-");
        const inMemory: Run[] = [];
        for (let i = 0; i < RUNS; i++) {
          inMemory.push(measure(list, join(shm, `site-${i}`)));
          rmSync(join(shm, `site-${i}`), { recursive: true, force: true });
        }
        rmSync(shm, { recursive: true, force: true });
        const m = median(inMemory.map((r) => r.totalMs));
        console.log(`  site in memory:    ${fmt(m)} (write ${fmt(median(inMemory.map((r) => r.writeMs)))}) on tmpfs -> ${Math.round(files / (m / 1000)).toLocaleString("en")} files/s`);
      }
      console.log(`  vs goal (< 2 s):   ${(c / GOAL_MS).toFixed(2)}x of the budget`);
      console.log(`  vs dumb-pypi:      ~14 s for this list (figure from the project's issue, measured elsewhere) -> ${(14_000 / c).toFixed(1)}x faster`);
    }
    console.log("");
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
