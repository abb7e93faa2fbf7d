/**
 * Writes test/clients/requirements.txt from PINS (test/clients/clients.ts): for each client venv,
 * every package it needs at an exact version with the sha256 of every file PyPI has for it, so that
 * `--require-hashes` installs the same bytes on any machine. Resolved by uv (`pip compile
 * --universal --generate-hashes`) for the venv's own Python. The tool venvs (TOOL_PINS) follow, in
 * `# tool` sections of the same form. Run it after changing PINS or TOOL_PINS:
 *
 *     node --import tsx scripts/pin-clients.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PINS, TOOL_PINS } from "../test/clients/clients.js";

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
    "# The `# tool` sections at the end are tools the tests run, not clients: installed the same way, never a matrix row.",
  ];
  const compile = (name: string, python: string, requirements: readonly string[]): string => {
    const input = join(work, `${name}.in`);
    writeFileSync(input, `${requirements.join("\n")}\n`);
    return execFileSync(uv, ["pip", "compile", "--quiet", "--universal", "--generate-hashes", "--no-header", "--no-annotate", "--python-version", python, input], {
      encoding: "utf8",
      env: { ...process.env, UV_CACHE_DIR: join(work, "cache") },
    }).trimEnd();
  };
  for (const pin of PINS) {
    sections.push("", `# venv ${pin.venv} python ${pin.python}`, compile(pin.venv, pin.python, [pin.requirement, ...(pin.alongside ?? [])]));
  }
  // The tools' header names their top-level requirements: a venv holds several, none named after it.
  for (const tool of TOOL_PINS) {
    sections.push("", `# tool ${tool.venv} python ${tool.python}: ${tool.requirements.join(" ")}`, compile(tool.venv, tool.python, tool.requirements));
  }
  writeFileSync(join(root, "test/clients/requirements.txt"), `${sections.join("\n")}\n`);
  console.log(`test/clients/requirements.txt: ${PINS.length} client venvs, ${TOOL_PINS.length} tool venvs`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
