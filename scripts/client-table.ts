/**
 * Copies the client matrix's rows, as the last run of its tests wrote them to
 * test/artifacts/clients/*.md, into README.md between the `client-matrix` markers: uv first, then
 * pip, Poetry, pdm and pipenv. Each matrix test fails while the README's rows for its client differ.
 *
 *     npm test -- test/clients-*.test.ts test/client-matrix.test.ts; node --import tsx scripts/client-table.ts
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TABLE_HEADER } from "../test/helpers/client-table.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const ORDER = ["uv", "pip", "Poetry", "pdm", "pipenv"];
const dir = join(root, "test/artifacts/clients");
const rows = readdirSync(dir)
  .filter((f) => f.endsWith(".md"))
  .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").slice(2).filter((l) => l.startsWith("| ")));
const clientOf = (row: string): string => row.split(" | ")[0]?.slice(2) ?? "";
const rank = (row: string): number => (ORDER.indexOf(clientOf(row)) + ORDER.length + 1) % (ORDER.length + 1);
// Stable: within a client, the rows keep the order the tests added them in.
rows.sort((a, b) => rank(a) - rank(b));

const readme = readFileSync(join(root, "README.md"), "utf8");
const start = "<!-- client-matrix:start -->";
const end = "<!-- client-matrix:end -->";
const i = readme.indexOf(start);
const j = readme.indexOf(end);
if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} section`);
writeFileSync(join(root, "README.md"), `${readme.slice(0, i + start.length)}\n${TABLE_HEADER}\n${rows.join("\n")}\n${readme.slice(j)}`);
console.log(`README.md: ${rows.length} client rows (${[...new Set(rows.map(clientOf))].join(", ")})`);
