/**
 * The README's client table is the client matrix's output. Each matrix test records the rows it
 * proved (client, version, Python, host, result, the configuration it used); at the end of its file
 * the rows are written to test/artifacts/clients/<client>.md and compared with the README's rows for
 * the same client, between the `client-matrix` markers. A difference fails the test, with the rows
 * to paste: the README cannot claim what the matrix did not show.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

export interface ClientRow {
  /** `uv`, `pip`, `Poetry`, ... as the table names it. */
  client: string;
  version: string;
  python: string;
  host: "serve (JSON)" | "static (HTML)" | "serve --auth github" | "all three";
  /** `yes`, or `no: <why>`. */
  result: string;
  configuration: string;
}

const START = "<!-- client-matrix:start -->";
const END = "<!-- client-matrix:end -->";
export const TABLE_HEADER = "| Client | Version | Python | Host | Works | Configuration tested |\n|---|---|---|---|---|---|";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
export const formatRow = (r: ClientRow): string => `| ${[r.client, r.version, r.python, r.host, r.result, r.configuration].map(cell).join(" | ")} |`;

/** The README's table rows whose first cell is `client`. */
export function readmeRows(client: string, readme = readFileSync(join(repoRoot, "README.md"), "utf8")): string[] {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, `README.md has no ${START} ... ${END} section`);
  return readme
    .slice(start + START.length, end)
    .split("\n")
    .filter((line) => line.startsWith(`| ${client} |`));
}

/** Collects one test file's rows; `check()` writes them out and compares them with the README. */
export function clientTable(file: string): { add(row: ClientRow): void; check(client: string): void } {
  const rows: ClientRow[] = [];
  return {
    add: (row) => void rows.push(row),
    check: (client) => {
      // Tests may run side by side: rows are ordered by version, Python, host, then as added.
      const HOSTS = ["serve (JSON)", "static (HTML)", "serve --auth github", "all three"];
      rows.sort((a, b) => a.version.localeCompare(b.version, "en", { numeric: true }) || a.python.localeCompare(b.python, "en", { numeric: true }) || HOSTS.indexOf(a.host) - HOSTS.indexOf(b.host));
      const mine = rows.filter((r) => r.client === client).map(formatRow);
      const dir = join(repoRoot, "test/artifacts/clients");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${file}.md`), `${TABLE_HEADER}\n${rows.map(formatRow).join("\n")}\n`);
      assert.deepEqual(readmeRows(client), mine, `README.md's client table differs from what the matrix showed for ${client}; the rows it showed are in test/artifacts/clients/${file}.md`);
    },
  };
}
