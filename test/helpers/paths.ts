import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const demoDists = join(repoRoot, "generator/demo/dists");
export const demoConfig = join(repoRoot, "generator/demo/index-config.yaml");
export const hostileDists = join(repoRoot, "test/fixtures/hostile");
export const cliPath = join(repoRoot, "bin/github-pypi.js");

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `github-pypi-${prefix}-`));
}
