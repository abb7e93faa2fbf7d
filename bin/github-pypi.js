#!/usr/bin/env node
// Runs the compiled command (dist/cli/, built by `npm ci` through the prepare script). A checkout
// installed without scripts has no dist/: then the TypeScript sources run through tsx, slower to start.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(compiled)) {
  process.setSourceMapsEnabled(true);
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../generator/cli/main.ts");
}
