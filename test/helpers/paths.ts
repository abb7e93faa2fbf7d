import { fileURLToPath } from "node:url";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const demoDists = join(repoRoot, "generator/demo/dists");
export const demoConfig = join(repoRoot, "generator/demo/index-config.yaml");
export const hostileDists = join(repoRoot, "test/fixtures/hostile");
export const cliPath = join(repoRoot, "bin/github-pypi.js");

/**
 * One root per test process and base folder, removed when the process exits. Test folders are made
 * inside it, never directly in the system's temporary folder: what a build writes beside its
 * output (`DIR.access.json`) or a client beside its working folder then lands inside it too.
 */
const roots = new Map<string, string>();
process.on("exit", () => {
  for (const root of roots.values()) rmSync(root, { recursive: true, force: true });
});

function rootIn(base: string): string {
  let root = roots.get(base);
  if (!root) {
    root = mkdtempSync(join(base, "github-pypi-test-"));
    roots.set(base, root);
  }
  return root;
}

/**
 * A fresh temporary folder, removed when the test process exits. `inMemory` puts it on tmpfs where
 * the system has one: for tests that write thousands of files to prove something about the
 * writing, not about the disk.
 */
export function tempDir(prefix: string, options: { inMemory?: boolean } = {}): string {
  const base = options.inMemory && existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  return mkdtempSync(join(rootIn(base), `${prefix}-`));
}

/** A real GitHub build-provenance attestation, in both shapes (its README says where it comes from). */
export const attestationsDir = join(repoRoot, "test/fixtures/attestations");
