/**
 * Copies the client matrix's rows, as the last run of its tests wrote them to
 * test/artifacts/clients/*.md, into docs/clients.md between the `client-matrix` markers (uv first,
 * then pip, Poetry, pdm and pipenv), and their summary into README.md between the `client-summary`
 * markers. Each matrix test fails while the table's rows for its client differ, and
 * test/docs.test.ts while the summary differs from the table.
 *
 *     npm test -- test/clients-*.test.ts test/client-matrix.test.ts; node --import tsx scripts/client-table.ts
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENT_ORDER, CLIENT_TABLE_PAGE, clientSummary, SUMMARY_HEADER, TABLE_HEADER } from "../test/helpers/client-table.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = join(root, "test/artifacts/clients");
const rows = readdirSync(dir)
  .filter((f) => f.endsWith(".md"))
  .flatMap((f) =>
    readFileSync(join(dir, f), "utf8")
      .split("\n")
      .slice(2)
      .filter((l) => l.startsWith("| ")),
  );
const clientOf = (row: string): string => row.split(" | ")[0]?.slice(2) ?? "";
const rank = (row: string): number => (CLIENT_ORDER.indexOf(clientOf(row)) + CLIENT_ORDER.length + 1) % (CLIENT_ORDER.length + 1);
// Stable: within a client, the rows keep the order the tests added them in.
rows.sort((a, b) => rank(a) - rank(b));

/** Replaces what lies between a page's `NAME` markers. */
function writeBetween(page: string, name: string, lines: string): void {
  const text = readFileSync(join(root, page), "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${page} has no ${start} ... ${end} section`);
  writeFileSync(join(root, page), `${text.slice(0, i + start.length)}\n${lines}\n${text.slice(j)}`);
}

writeBetween(CLIENT_TABLE_PAGE, "client-matrix", `${TABLE_HEADER}\n${rows.join("\n")}`);
writeBetween("README.md", "client-summary", `${SUMMARY_HEADER}\n${clientSummary(rows).join("\n")}`);
console.log(`${CLIENT_TABLE_PAGE}: ${rows.length} client rows (${[...new Set(rows.map(clientOf))].join(", ")}); README.md: their summary`);
