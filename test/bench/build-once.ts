/**
 * One measured build in its own process, so peak memory (maxRSS) belongs to this build alone.
 * Prints one JSON line: timings, files written, peak RSS.
 */
import { buildSite } from "../../generator/build.js";
import { validateIndexConfig } from "../../generator/config/load.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import { writeSiteToFolder } from "../../generator/publish/local-folder.js";

const [list, out] = process.argv.slice(2);
if (!list || !out) throw new Error("usage: build-once.ts LIST OUT");
const t0 = performance.now();
const result = await buildSite({
  packageListsJson: [list],
  config: validateIndexConfig({ packagesUrl: "https://files.example.com/pool/" }),
  warnings: new Warnings(),
});
const t1 = performance.now();
const stats = await writeSiteToFolder(result.site, out);
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    files: result.files,
    projects: result.index.projects.length,
    buildMs: t1 - t0,
    writeMs: t2 - t1,
    totalMs: t2 - t0,
    written: stats.written,
    unchanged: stats.unchanged,
    removed: stats.removed,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
