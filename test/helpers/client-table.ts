/**
 * The client table (docs/clients.md) is the client matrix's output. Each matrix test records the rows
 * it proved (client, version, Python, host, result, the configuration it used); at the end of its
 * file the rows are written to test/artifacts/clients/<client>.md and compared with the table's rows
 * for the same client, between the `client-matrix` markers. A difference fails the test, with the
 * rows to paste: the docs cannot claim what the matrix did not show. The README's summary of it is
 * derived from the same rows (clientSummary), and checked against them.
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

export const TABLE_HEADER = "| Client | Version | Python | Host | Works | Configuration tested |\n|---|---|---|---|---|---|";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
export const formatRow = (r: ClientRow): string => `| ${[r.client, r.version, r.python, r.host, r.result, r.configuration].map(cell).join(" | ")} |`;

/** The page that holds the client table. */
export const CLIENT_TABLE_PAGE = "docs/clients.md";

/** The lines of `text` between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function between(text: string, name: string, page: string): string[] {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  assert.ok(i >= 0 && j > i, `${page} has no ${start} ... ${end} section`);
  return text.slice(i + start.length, j).split("\n");
}

/** The table's rows whose first cell is `client` (every row without one). */
export function tableRows(client?: string, page = readFileSync(join(repoRoot, CLIENT_TABLE_PAGE), "utf8")): string[] {
  return between(page, "client-matrix", CLIENT_TABLE_PAGE).filter((line) => line.startsWith(client === undefined ? "| " : `| ${client} |`) && !line.startsWith("| Client |"));
}

export const CLIENT_ORDER = ["uv", "pip", "Poetry", "pdm", "pipenv"];
export const SUMMARY_HEADER = "| Client | Versions tested | Python | Configurations that work, of those tested |\n|---|---|---|---|";

/** The README's summary of the table: a line a client, in CLIENT_ORDER, from the rows alone. */
export function clientSummary(rows: readonly string[]): string[] {
  const cells = rows.map((row) => row.slice(2, -2).split(" | "));
  const numeric = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });
  return CLIENT_ORDER.filter((client) => cells.some((c) => c[0] === client)).map((client) => {
    const mine = cells.filter((c) => c[0] === client);
    const versions = [...new Set(mine.map((c) => c[1] ?? ""))].sort(numeric);
    const pythons = [...new Set(mine.map((c) => (c[2] ?? "").replace(/ \(.*\)$/, "")))].sort(numeric);
    const works = mine.filter((c) => (c[4] ?? "").startsWith("yes")).length;
    const range = (xs: string[]): string => (xs.length > 2 ? `${xs[0]} to ${xs.at(-1)} (${xs.length})` : xs.join(", "));
    return `| ${client} | ${range(versions)} | ${range(pythons)} | ${works} of ${mine.length} |`;
  });
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
      assert.deepEqual(
        tableRows(client),
        mine,
        `${CLIENT_TABLE_PAGE}'s client table differs from what the matrix showed for ${client}; the rows it showed are in test/artifacts/clients/${file}.md (node --import tsx scripts/client-table.ts copies them)`,
      );
    },
  };
}
