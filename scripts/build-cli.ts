/**
 * Compiles the command to plain JavaScript in dist/cli/, so `github-pypi` starts without
 * transpiling TypeScript: one ES module per command, loaded only when that command runs, with the
 * npm packages left as imports. Run by `npm ci` (prepare), `npm test` and `npm run demo`.
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = `${root}dist/cli`;

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["generator/cli/main.ts"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  outdir,
  // Chunks beside main.js: modules that find files from the package root (the demo) sit two levels below it, as in generator/cli/.
  chunkNames: "[name]-[hash]",
  sourcemap: "linked",
  logLevel: "warning",
});
