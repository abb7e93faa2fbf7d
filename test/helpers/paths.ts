import { fileURLToPath } from "node:url";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const demoDists = join(repoRoot, "generator/demo/dists");
export const demoConfig = join(repoRoot, "generator/demo/index-config.yaml");
export const hostileDists = join(repoRoot, "test/fixtures/hostile");
export const cliPath = join(repoRoot, "bin/github-pypi.js");

const made: string[] = [];
process.on("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh temporary folder, removed when the test process exits. `inMemory` puts it on tmpfs where
 * the system has one: for tests that write thousands of files to prove something about the
 * writing, not about the disk.
 */
export function tempDir(prefix: string, options: { inMemory?: boolean } = {}): string {
  const base = options.inMemory && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const dir = mkdtempSync(join(base, `github-pypi-${prefix}-`));
  made.push(dir);
  return dir;
}
