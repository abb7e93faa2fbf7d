/**
 * `npm run bench`, generation: `github-pypi build` beside dumb-pypi 1.15.0 on the same synthetic
 * JSON-lines lists (10,000, 100,000 and, with BENCH_1M=1, 1,000,000 files in 5,000 projects),
 * with the floors measured in the same run: a bare writer of the files ours wrote, and `node -e 0`.
 * Every process is measured whole by one measurer (measure.py: wall time, peak RSS of the tree),
 * output on tmpfs, RUNS runs each taken in turn, medians and the spread. Every ratio and goal it
 * prints divides figures of this run only. Then ours rebuilds the 100k site unchanged and with one
 * wheel more. Figures only: nothing here passes or fails, and a tool that fails is printed as such.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clientVenv } from "../helpers/client-venvs.js";
import { writeSyntheticList } from "./synthetic-list.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin/github-pypi.js");
const measurer = join(root, "test/bench/measure.py");
const bareWriter = join(root, "test/bench/bare-writer.mjs");
const bareReader = join(root, "test/bench/bare-reader.mjs");
const PACKAGES_URL = "https://files.example.com/pool/";
const PROJECTS = 5_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// The 1M size takes about 12 minutes on a 2-core machine, nearly all of it dumb-pypi's six runs: opt in.
const WITH_1M = process.env.BENCH_1M === "1";
const SIZES = [10_000, 100_000, ...(WITH_1M ? [1_000_000] : [])];
/** Per-file cost counts as flat while a larger list costs at most this much more a file. */
const FLAT = 1.05;

interface Measured {
  seconds: number;
  cpuSeconds: number;
  maxRssKiB: number;
  code: number;
  stderr?: string;
}

interface Tool {
  key: "ours" | "dumb" | "dumbFixed" | "writer" | "reader";
  label: string;
  /** The command for a list and an output folder. */
  argv: (list: string, out: string) => string[];
}

const MiB = 1024 * 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const spread = (xs: number[], f: (x: number) => string): string => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const sec = (s: number): string => s.toFixed(2);
const mib = (kib: number): string => (kib / 1024).toFixed(0);
const int = (n: number): string => n.toLocaleString("en");
const sizeName = (files: number): string => (files >= 1_000_000 ? `${files / 1_000_000}M` : `${files / 1000}k`);
const met = (ok: boolean): string => (ok ? "met" : "NOT met");

/** The bin runs the TypeScript sources when one is newer than dist/: a run so made is flagged. */
function compiledIsCurrent(): boolean {
  const compiled = join(root, "dist/cli/main.js");
  if (!existsSync(compiled)) return false;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : e.name.endsWith(".ts") ? statSync(join(dir, e.name)).mtimeMs : 0)));
  return newest(join(root, "generator")) <= statSync(compiled).mtimeMs;
}

/** Files and bytes under a folder. */
function footprint(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

/** Packs a site's files into one file and its index, for the bare writer (not measured). */
function packSite(site: string, pack: string): void {
  const index: [string, number][] = [];
  const fd = openSync(pack, "w");
  try {
    const walk = (dir: string, rel: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(join(dir, e.name), path);
        else {
          const bytes = readFileSync(join(dir, e.name));
          writeSync(fd, bytes);
          index.push([path, bytes.length]);
        }
      }
    };
    walk(site, "");
  } finally {
    closeSync(fd);
  }
  writeFileSync(`${pack}.json`, JSON.stringify(index));
}

const dumb = await clientVenv("dumb-pypi");
// The pinned interpreter runs the measurer (not a shim that starts another process).
const python = dumb.python;
const pythonVersion = execFileSync(python, ["-c", "import platform; print(platform.python_version())"], { encoding: "utf8" }).trim();

/** One measured run; a command that fails is returned with its code and stderr, not thrown. */
function measure(argv: string[], stdout?: string): Measured {
  const r = spawnSync(python, [measurer, ...(stdout ? ["--stdout", stdout] : []), ...argv], { encoding: "utf8" });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  if (!line.startsWith("{")) throw new Error(`the measurer failed on ${argv.join(" ")}:\n${r.stderr}`);
  return JSON.parse(line) as Measured;
}

/** The line that says why a command failed: its error's first line, not the stack below it. */
const why = (m: Measured): string =>
  (m.stderr ?? "")
    .split("\n")
    .find((l) => /error/i.test(l))
    ?.trim() ?? `exit ${m.code}`;

const ours = (list: string, out: string): string[] => [process.execPath, bin, "build", "--package-list-json", list, "--packages-url", PACKAGES_URL, "--out", out, "--quiet"];
const tools: Tool[] = [
  { key: "ours", label: "github-pypi build", argv: ours },
  {
    key: "dumb",
    label: "dumb-pypi --no-per-release-json",
    argv: (list, out) => [dumb.bin("dumb-pypi"), "--package-list-json", list, "--packages-url", PACKAGES_URL, "--output-dir", out, "--no-per-release-json"],
  },
  {
    key: "dumbFixed",
    label: "  the same, --no-generate-timestamp",
    argv: (list, out) => [dumb.bin("dumb-pypi"), "--package-list-json", list, "--packages-url", PACKAGES_URL, "--output-dir", out, "--no-per-release-json", "--no-generate-timestamp"],
  },
  // `list` is the pack of ours' files here.
  { key: "writer", label: "bare writer of ours' files", argv: (pack, out) => [process.execPath, bareWriter, pack, out] },
  { key: "reader", label: "bare reader of the list", argv: (list) => [process.execPath, bareReader, list] },
];

execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
const shm = existsSync("/dev/shm") ? "/dev/shm" : undefined;
const work = mkdtempSync(join(shm ?? tmpdir(), "github-pypi-bench-"));
let fromSources = false;
const started = new Date();
const t0 = performance.now();
try {
  console.log(`github-pypi build beside dumb-pypi ${dumb.pins.get("dumb-pypi")}: ${started.toISOString().slice(0, 16).replace("T", " ")} UTC`);
  console.log(`node ${process.version}, Python ${pythonVersion}, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)} at the start`);
  console.log(`Each tool reads the same JSON-lines list (${int(PROJECTS)} projects) and writes to ${shm ? "tmpfs (/dev/shm)" : `${tmpdir()} (no /dev/shm here)`};`);
  console.log(`every process measured whole by test/bench/measure.py; ${RUNS} runs each, taken in turn: median (min–max).`);
  console.log("  ours:        node bin/github-pypi.js build --package-list-json LIST --packages-url URL --out OUT --quiet");
  console.log("  dumb-pypi:   dumb-pypi --package-list-json LIST --packages-url URL --output-dir OUT --no-per-release-json [--no-generate-timestamp]");
  console.log("  bare writer: node test/bench/bare-writer.mjs PACK OUT (the files ours wrote, packed into one file first)");
  console.log("  bare reader: node test/bench/bare-reader.mjs LIST (the list streamed and each line JSON.parse'd, nothing kept)");
  console.log("  start-up:    node -e 0");

  const floorRuns = Array.from({ length: RUNS }, () => measure([process.execPath, "-e", "0"]));
  console.log(
    `\nstart-up floor, node -e 0: ${spread(
      floorRuns.map((r) => r.seconds),
      sec,
    )} s, ${spread(
      floorRuns.map((r) => r.maxRssKiB),
      mib,
    )} MiB`,
  );

  type Row = Record<Tool["key"], Measured[]>;
  const rows = new Map<number, Row>();
  /** Why a tool has no figure at a size: it failed (its other runs are then skipped). */
  const failed = new Map<string, string>();
  const isOk = (files: number, key: Tool["key"]): boolean => !failed.has(`${files} ${key}`);
  for (const files of SIZES) {
    const s0 = performance.now();
    const list = join(work, `list-${files}.jsonl`);
    // No `size` on the lines: dumb-pypi refuses a key it does not know.
    writeSyntheticList(list, { files, projects: PROJECTS, size: false });
    const pack = join(work, `pack-${files}`);
    const row: Row = { ours: [], dumb: [], dumbFixed: [], writer: [], reader: [] };
    const wrote = new Map<Tool["key"], { files: number; bytes: number }>();
    let sources = false;
    for (let i = 0; i < RUNS; i++) {
      for (const tool of tools) {
        if (!isOk(files, tool.key)) continue;
        if (tool.key === "writer" && !isOk(files, "ours")) {
          failed.set(`${files} writer`, "no site to copy: ours failed");
          continue;
        }
        const out = join(work, `${tool.key}-${files}-${i}`);
        if (tool.key === "ours" && !compiledIsCurrent()) sources = fromSources = true;
        const m = measure(tool.argv(tool.key === "writer" ? pack : list, out));
        if (m.code !== 0) failed.set(`${files} ${tool.key}`, `failed after ${sec(m.seconds)} s at ${mib(m.maxRssKiB)} MiB: ${why(m)}`);
        else {
          row[tool.key].push(m);
          if (i === 0 && tool.key !== "reader") wrote.set(tool.key, footprint(out));
          if (i === 0 && tool.key === "ours") packSite(out, pack);
        }
        rmSync(out, { recursive: true, force: true });
      }
    }
    rows.set(files, row);
    console.log(`\n${int(files)} files (${((performance.now() - s0) / 1000).toFixed(0)} s for this size, list included)`);
    console.log(`  ${"".padEnd(36)} ${"time s".padEnd(19)} ${"peak RSS MiB".padEnd(16)} ${"cpu s".padEnd(6)} ${"per file".padEnd(17)} wrote`);
    for (const tool of tools) {
      const label = `${tool.label}${tool.key === "ours" && sources ? " *" : ""}`.padEnd(36);
      const failure = failed.get(`${files} ${tool.key}`);
      if (failure) {
        console.log(`  ${label} ${failure}`);
        continue;
      }
      const runs = row[tool.key];
      const s = median(runs.map((r) => r.seconds));
      const kib = median(runs.map((r) => r.maxRssKiB));
      const w = wrote.get(tool.key);
      const perFile = tool.key === "writer" || tool.key === "reader" ? "" : `${((s / files) * 1e6).toFixed(0)} µs ${(kib / files).toFixed(2)} KiB`;
      console.log(
        `  ${label} ${spread(
          runs.map((r) => r.seconds),
          sec,
        ).padEnd(19)} ${spread(
          runs.map((r) => r.maxRssKiB),
          mib,
        ).padEnd(16)} ${sec(median(runs.map((r) => r.cpuSeconds))).padEnd(6)} ${perFile.padEnd(17)} ${w ? `${int(w.files)} files, ${(w.bytes / MiB).toFixed(0)} MiB` : ""}`,
      );
    }
    if (sources) console.log("  * a generator source was newer than dist/ (edited during the run): the bin ran the TypeScript sources");
    rmSync(pack, { force: true });
    rmSync(`${pack}.json`, { force: true });
    rmSync(list, { force: true });
  }

  // Incremental: the last size's list, an unchanged rebuild and one wheel more, as CI would append after an upload.
  const incremental = SIZES.includes(100_000) ? 100_000 : (SIZES[0] ?? 10_000);
  {
    const list = join(work, "list-incremental.jsonl");
    writeSyntheticList(list, { files: incremental, projects: PROJECTS, size: false });
    const out = join(work, "incremental");
    measure(ours(list, out));
    const counted = (argv: string[]): { m: Measured; summary: string } => {
      const stdout = join(work, "summary.txt");
      const m = measure(
        argv.filter((a) => a !== "--quiet"),
        stdout,
      );
      const text = readFileSync(stdout, "utf8");
      const found = /\((\d+) written, (\d+) unchanged/.exec(text);
      return { m, summary: found ? `wrote ${found[1]} files (${int(Number(found[2]))} unchanged)` : "(no summary line)" };
    };
    const unchanged = Array.from({ length: RUNS }, () => counted(ours(list, out)));
    appendFileSync(list, `${JSON.stringify({ filename: "acme_data_0-99.0.0-py3-none-any.whl", hash: `sha256=${"e".repeat(64)}` })}\n`);
    const added = counted(ours(list, out));
    console.log(`\nours, incremental, ${int(incremental)} files (same measurer, the folder of a cold build):`);
    console.log(
      `  unchanged rebuild: ${spread(
        unchanged.map((u) => u.m.seconds),
        sec,
      )} s, ${unchanged[0]?.summary}`,
    );
    console.log(`  one wheel added:   ${sec(added.m.seconds)} s (1 run), ${added.summary}`);
    rmSync(out, { recursive: true, force: true });
  }

  // Ratios and goals, from the medians above; a failed tool has none (NaN prints as "—").
  const med = (files: number, key: Tool["key"], f: (m: Measured) => number): number => median(rows.get(files)?.[key].map(f) ?? []);
  const time = (files: number, key: Tool["key"]): number => med(files, key, (m) => m.seconds);
  const rss = (files: number, key: Tool["key"]): number => med(files, key, (m) => m.maxRssKiB);
  const x = (r: number, digits: number): string => (Number.isFinite(r) ? `${r.toFixed(digits)}x` : "—");
  console.log("\nRatios, medians of this run (faster: their time / ours; memory: ours / theirs, peak RSS):");
  for (const files of SIZES) {
    const vs = (key: "dumb" | "dumbFixed"): string => `${x(time(files, key) / time(files, "ours"), 1)} faster at ${x(rss(files, "ours") / rss(files, key), 2)} the memory`;
    console.log(
      `  ${sizeName(files).padEnd(4)} vs dumb-pypi ${vs("dumb")}; vs --no-generate-timestamp ${vs("dumbFixed")}; ${x(time(files, "ours") / time(files, "writer"), 1)} the bare writer's time`,
    );
  }

  // How cost grows: a straight line through the smallest and the largest size's medians splits
  // each tool's cost into what it pays once and what each file adds.
  console.log("\nCost as a fixed part plus a part a file (the line through the smallest and largest size's medians):");
  for (const tool of tools.slice(0, 3)) {
    const measured = SIZES.filter((n) => isOk(n, tool.key));
    const small = measured[0] ?? NaN;
    const large = measured.at(-1) ?? NaN;
    const perFile = (f: (n: number) => number): number => (f(large) - f(small)) / (large - small);
    const t = perFile((n) => time(n, tool.key));
    const m = perFile((n) => rss(n, tool.key));
    const line =
      measured.length < 2
        ? "fewer than two sizes measured"
        : `${sec(time(small, tool.key) - t * small)} s + ${(t * 1e6).toFixed(1)} µs a file; ${mib(rss(small, tool.key) - m * small)} MiB + ${(m * 1024).toFixed(0)} bytes a file (${sizeName(small)} to ${sizeName(large)})`;
    console.log(`  ${tool.label.trim().padEnd(36)} ${line}`);
  }

  console.log("\nGoals (issue 28), judged on this run:");
  const goal = (files: number, times: number): void => {
    if (!rows.has(files)) return;
    for (const [key, name] of [
      ["dumb", "dumb-pypi"],
      ["dumbFixed", "dumb-pypi --no-generate-timestamp"],
    ] as const) {
      const speed = time(files, key) / time(files, "ours");
      const memory = rss(files, "ours") / rss(files, key);
      console.log(`  ${sizeName(files)}: ${times}x faster than ${name} at no more memory: ${x(speed, 1)} at ${x(memory, 2)} -> ${met(speed >= times && memory <= 1)}`);
    }
  };
  goal(100_000, 5);
  goal(10_000, 3);
  if (rows.has(100_000)) {
    const floor = time(100_000, "ours") / time(100_000, "writer");
    console.log(`  100k: within 2x of the bare writer: ${x(floor, 1)} -> ${met(floor <= 2)}`);
    // What no build in Node can go below: start once, read and parse the list, write the files.
    const start = median(floorRuns.map((r) => r.seconds));
    const bare = time(100_000, "reader") + time(100_000, "writer") - start;
    console.log(`        (the bare reader and writer together, one start-up: ${sec(bare)} s; ours takes ${x(time(100_000, "ours") / bare, 1)} that)`);
  }
  const ahead = SIZES.every((f) => (["dumb", "dumbFixed"] as const).every((k) => time(f, "ours") < time(f, k) && rss(f, "ours") <= rss(f, k)));
  console.log(`  ahead of dumb-pypi on time and memory at every size measured (${SIZES.map(sizeName).join(", ")}): ${met(ahead)}`);
  for (const [what, f] of [
    ["time", (n: number) => time(n, "ours") / n],
    ["memory", (n: number) => rss(n, "ours") / n],
  ] as const) {
    const steps = SIZES.slice(1).map((n, i) => f(n) / f(SIZES[i] ?? n));
    console.log(
      `  ours' ${what} per file flat or falling (each size at most ${FLAT}x the smaller's): ${steps.map((r) => x(r, 2)).join(", ")} -> ${met(steps.every((r) => r <= FLAT))}${WITH_1M ? "" : " (up to 100k only)"}`,
    );
  }
  for (const [at, reason] of failed)
    console.log(`  no figure for ${at.replace(/^(\d+) (\w+)$/, (_, n: string, k: string) => `${tools.find((t) => t.key === k)?.label.trim()} at ${sizeName(Number(n))}`)}: ${reason}`);
  if (!WITH_1M) console.log("\n1M files skipped: BENCH_1M=1 runs it (about 12 minutes more on 2 cores, nearly all of it dumb-pypi's six runs).");
  if (fromSources) console.log("\nA generator source changed during the run: some of ours' runs went through the TypeScript sources, not dist/.");
  console.log(`\nload average ${loadavg()[0]?.toFixed(2)} at the end; ${((performance.now() - t0) / 1000).toFixed(0)} s in all.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
