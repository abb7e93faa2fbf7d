/**
 * A list far longer than a call's argument limit: every source's files are gathered without
 * spreading them into one call. 150,000 lines (the limit on this Node is below 130,000 arguments)
 * in a JSON-lines list, built in memory; the 1,000,000-file list of the benchmark overflowed the
 * stack with `files.push(...list)`.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildSite } from "../generator/build.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { Warnings } from "../generator/diagnostics/warnings.js";
import { tempDir } from "./helpers/paths.js";

const FILES = 150_000;

test("a JSON-lines list of 150,000 files builds: every file is indexed", async () => {
  const list = join(tempDir("large-list"), "list.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const project = `big_${i % 1500}`;
    lines.push(JSON.stringify({ filename: `${project}-1.${Math.floor(i / 1500)}.0-py3-none-any.whl`, hash: `sha256=${i.toString(16).padStart(64, "0")}` }));
  }
  writeFileSync(list, `${lines.join("\n")}\n`);
  const result = await buildSite({ packageListsJson: [list], config: validateIndexConfig({ packagesUrl: "https://files.example.com/pool/" }), warnings: new Warnings() });
  assert.equal(result.files, FILES);
  assert.equal(result.index.projects.length, 1500);
});
