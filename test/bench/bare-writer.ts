/**
 * The physical floor for a build's write phase: the same files (paths and bytes, read from a site
 * the build wrote) written into a new folder with nothing else, mkdir then writeFile with many
 * in flight, as the folder publisher does. Its own process, so its peak RSS is its own; it holds
 * every byte in memory, so that figure is a ceiling for a writer that keeps the site in memory.
 * Prints one JSON line.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { mapLimit } from "../../generator/util/pool.js";

const [src, out] = process.argv.slice(2);
if (!src || !out) throw new Error("usage: bare-writer.ts SITE OUT");
const files: [string, Buffer][] = [];
const walk = (dir: string, rel: string): void => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(join(dir, e.name), path);
    else files.push([path, readFileSync(join(dir, e.name))]);
  }
};
walk(src, "");
const t0 = performance.now();
for (const dir of new Set(files.map(([p]) => dirname(join(out, p))))) mkdirSync(dir, { recursive: true });
await mapLimit(files, 64, ([p, bytes]) => writeFile(join(out, p), bytes));
const writeMs = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ files: files.length, writeMs, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
