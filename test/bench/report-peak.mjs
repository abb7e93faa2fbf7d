// Preloaded (`node --import`) into the compiled command by the benchmark: on exit, writes the
// process's peak RSS to the file named by GITHUB_PYPI_BENCH_PEAK, so the figure is the command's
// own, start-up included, with no TypeScript loader in the process.
import { writeFileSync } from "node:fs";

const target = process.env.GITHUB_PYPI_BENCH_PEAK;
if (target) process.on("exit", () => writeFileSync(target, JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 })));
