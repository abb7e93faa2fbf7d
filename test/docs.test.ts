/**
 * The documentation a newcomer reads: README.md is a front page, every relative link in it, in
 * CONTRIBUTING.md and under docs/ reaches a file that exists (and a heading that exists, for a
 * `#fragment`), and the README's client summary is the client table's rows summarised.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { Lexer, type Token, type Tokens } from "marked";
import GithubSlugger from "github-slugger";
import { repoRoot } from "./helpers/paths.js";
import { between, clientSummary, SUMMARY_HEADER, tableRows } from "./helpers/client-table.js";

/** README.md, CONTRIBUTING.md and every page under docs/, as repository-relative paths. */
function pages(): string[] {
  const docs = readdirSync(join(repoRoot, "docs"), { recursive: true, encoding: "utf8" }).filter((p) => p.endsWith(".md"));
  return ["README.md", "CONTRIBUTING.md", ...docs.map((p) => `docs/${p}`)];
}

/** Every link and image target of a page, as written. */
function targets(markdown: string): string[] {
  const found: string[] = [];
  const walk = (tokens: Token[]): void => {
    for (const token of tokens) {
      if (token.type === "link" || token.type === "image") found.push((token as Tokens.Link | Tokens.Image).href);
      const nested = token as Token & { tokens?: Token[]; items?: Token[]; rows?: { tokens: Token[] }[][]; header?: { tokens: Token[] }[] };
      if (nested.tokens) walk(nested.tokens);
      if (nested.items) walk(nested.items);
      for (const cell of nested.header ?? []) walk(cell.tokens);
      for (const row of nested.rows ?? []) for (const cell of row) walk(cell.tokens);
    }
  };
  walk(new Lexer().lex(markdown));
  return found;
}

/** The anchors GitHub gives a page's headings. */
function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const out = new Set<string>();
  const walk = (tokens: Token[]): void => {
    for (const token of tokens) if (token.type === "heading") out.add(slugger.slug((token as Tokens.Heading).text.replace(/`/g, "")));
  };
  walk(new Lexer().lex(markdown));
  return out;
}

test("every relative link in the README, CONTRIBUTING.md and docs/ reaches a file, and a heading for a #fragment", () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages()) {
    const text = readFileSync(join(repoRoot, page), "utf8");
    for (const href of targets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) continue;
      checked++;
      const [path = "", fragment] = href.split("#", 2);
      const file = path === "" ? join(repoRoot, page) : join(repoRoot, dirname(page), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${page}: ${href} (no ${relative(repoRoot, file)})`);
        continue;
      }
      if (fragment !== undefined && fragment !== "" && file.endsWith(".md") && statSync(file).isFile() && !anchors(readFileSync(file, "utf8")).has(fragment)) {
        broken.push(`${page}: ${href} (no heading #${fragment} in ${relative(repoRoot, file)})`);
      }
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked > 20, `only ${checked} relative links found: the link reader is not reading the pages`);
});

test("the link check finds a broken link, a missing heading and a link inside a table", () => {
  const page = "| a | [x](missing.md) |\n|---|---|\n\nSee [y](#nowhere) and ![z](img.png).\n\n## A `code` heading\n";
  assert.deepEqual(targets(page), ["missing.md", "#nowhere", "img.png"]);
  assert.ok(anchors(page).has("a-code-heading"));
});

test("README.md is a front page: at most 250 lines, linking into docs/", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const lines = readme.split("\n").length;
  assert.ok(lines <= 250, `README.md has ${lines} lines`);
  assert.ok(targets(readme).filter((t) => t.startsWith("docs/")).length >= 10);
});

test("the README's client summary is the client table's rows summarised", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const rows = tableRows();
  assert.ok(rows.length > 20, `the table in docs/clients.md has ${rows.length} rows`);
  const expected = [...SUMMARY_HEADER.split("\n"), ...clientSummary(rows)];
  assert.deepEqual(
    between(readme, "client-summary", "README.md").filter((l) => l !== ""),
    expected,
    "run node --import tsx scripts/client-table.ts",
  );
});

/** Source lines that name a folder above the checkout: `../shared`, or `..` joined with `shared`. */
function pathsAboveCheckout(source: string): string[] {
  return source.split("\n").filter((line) => /\.\.\/shared\b|["']\.\.["']\s*,\s*["']shared["']/.test(line));
}

test("no test, script or module reads data from beside the checkout, as CONTRIBUTING.md says", () => {
  assert.deepEqual(pathsAboveCheckout(`const a = join(repoRoot, "../shared/data");\nconst b = join(root, "..", "shared");\nconst c = "shared";`), [
    `const a = join(repoRoot, "../shared/data");`,
    `const b = join(root, "..", "shared");`,
  ]);
  assert.match(readFileSync(join(repoRoot, "CONTRIBUTING.md"), "utf8"), /No test needs data from beside the checkout/);
  const offenders: string[] = [];
  for (const dir of ["test", "scripts", "generator", "infra", "bin", ".ci"]) {
    for (const p of readdirSync(join(repoRoot, dir), { recursive: true, encoding: "utf8" })) {
      if (!/\.(ts|js|cjs|mjs|sh|py)$|^run$/.test(p) || p.includes("node_modules") || p === "docs.test.ts") continue;
      const full = join(repoRoot, dir, p);
      if (!statSync(full).isFile()) continue;
      for (const line of pathsAboveCheckout(readFileSync(full, "utf8"))) offenders.push(`${dir}/${p}: ${line.trim()}`);
    }
  }
  assert.deepEqual(offenders, [], "a clone of the repository alone must pass the tests: copy such data into test/fixtures/ (with a README)");
});
