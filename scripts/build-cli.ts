/**
 * Compiles the command to plain JavaScript in dist/cli/, so `github-pypi` starts without
 * transpiling TypeScript: one ES module per command, loaded only when that command runs, and one
 * for the folder publisher's page writer thread, with the npm packages left as imports. Also
 * bundles the dynamic providers' runtime into dist/providers/runtime.cjs, the file the serialised
 * provider shells require (infra/providers/runtime-shell.ts): CommonJS, because the host that
 * loads them has no ESM loader, with its npm dependencies inside (Octokit ships only ES modules)
 * except the AWS SDK, which is required from the installed packages. Run by `npm ci` (prepare),
 * `npm test` and `npm run demo`.
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = `${root}dist/cli`;
const providersDir = `${root}dist/providers`;

rmSync(outdir, { recursive: true, force: true });
rmSync(providersDir, { recursive: true, force: true });
const cli = build({
  absWorkingDir: root,
  // The folder publisher's page writer runs as a thread of its own, its entry beside main.js (generator/publish/page-writer.ts).
  entryPoints: { main: "generator/cli/main.ts", "page-writer-worker": "generator/publish/page-writer-worker.ts" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  packages: "external",
  outdir,
  // Chunks beside main.js: modules that find files from the package root (the demo) sit two levels below it, as in generator/cli/.
  chunkNames: "[name]-[hash]",
  sourcemap: "linked",
  logLevel: "warning",
});
const providers = build({
  absWorkingDir: root,
  entryPoints: ["infra/provider-runtime.ts"],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node22",
  external: ["@aws-sdk/*"],
  outfile: `${providersDir}/runtime.cjs`,
  sourcemap: "linked",
  logLevel: "warning",
});
await Promise.all([cli, providers]);
