#!/usr/bin/env node
// Runs the compiled command (dist/cli/, built by `npm ci` through the prepare script). It runs the
// TypeScript sources through tsx instead, slower to start, when there is no dist/ (installed with
// --ignore-scripts), when a source file is newer than the build (a checkout edited or pulled since),
// or when GITHUB_PYPI_FROM_SOURCES=1.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("../dist/cli/main.js", import.meta.url);

/** The newest modification time of the command's sources (a few hundred stat calls, about a millisecond). */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const fromSources = process.env.GITHUB_PYPI_FROM_SOURCES === "1" || !existsSync(compiled) || newestSource(fileURLToPath(new URL("../generator", import.meta.url))) > statSync(compiled).mtimeMs;

if (fromSources) {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../generator/cli/main.ts");
} else {
  process.setSourceMapsEnabled(true);
  await import(compiled.href);
}
