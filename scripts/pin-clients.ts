/**
 * Writes test/clients/requirements.txt from PINS (test/clients/clients.ts): for each client venv,
 * every package it needs at an exact version with the sha256 of every file PyPI has for it, so that
 * `--require-hashes` installs the same bytes on any machine. Resolved by uv (`pip compile
 * --universal --generate-hashes`) for the venv's own Python. Run it after changing PINS:
 *
 *     node --import tsx scripts/pin-clients.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PINS } from "../test/clients/clients.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const uvPin = PINS.find((p) => p.venv === "uv")?.requirement;
if (!uvPin) throw new Error("PINS has no uv row: the pins are compiled by uv");

const work = mkdtempSync(join(tmpdir(), "pin-clients-"));
try {
  // uv to compile with, at the pinned version (not hash-checked: it only resolves, it installs nothing the tests run).
  execFileSync("python3", ["-m", "pip", "install", "--quiet", "--target", join(work, "uv"), uvPin], { stdio: "inherit" });
  const uv = join(work, "uv", "bin", "uv");
  const sections: string[] = [
    "# The clients the matrix installs, one venv a section, every file hash-pinned (pip --require-hashes).",
    "# Written by scripts/pin-clients.ts from test/clients/clients.ts: do not edit by hand.",
  ];
  for (const pin of PINS) {
    const input = join(work, `${pin.venv}.in`);
    writeFileSync(input, `${[pin.requirement, ...(pin.alongside ?? [])].join("\n")}\n`);
    const compiled = execFileSync(uv, ["pip", "compile", "--quiet", "--universal", "--generate-hashes", "--no-header", "--no-annotate", "--python-version", pin.python, input], {
      encoding: "utf8",
      env: { ...process.env, UV_CACHE_DIR: join(work, "cache") },
    });
    sections.push("", `# venv ${pin.venv} python ${pin.python}`, compiled.trimEnd());
  }
  writeFileSync(join(root, "test/clients/requirements.txt"), `${sections.join("\n")}\n`);
  console.log(`test/clients/requirements.txt: ${PINS.length} venvs`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
