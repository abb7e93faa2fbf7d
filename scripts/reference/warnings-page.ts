import type { WarningDescription } from "../../generator/diagnostics/warning-codes.js";
import { generatedNote, table } from "./markdown.js";

const SECTIONS: { from: WarningDescription["from"]; title: string; intro: string }[] = [
  {
    from: "build",
    title: "The build",
    intro: "Said by `github-pypi build`, `github-pypi demo` and the stack's build alike. `--strict` turns each into an error (nothing is written).",
  },
  { from: "stack", title: "The stack", intro: "Said by `pulumi preview` and `pulumi up`." },
  { from: "serve", title: "`github-pypi serve`", intro: "Said when the server starts." },
];

/** docs/reference/warnings.md: every warning code, what it means and what to do, from the codes' own table. */
export function warningsPage(codes: Readonly<Record<string, WarningDescription>>): string {
  const lines = [
    "# Warning codes",
    "",
    generatedNote("the codes' table (generator/diagnostics/warning-codes.ts)"),
    "",
    "Bad input never disappears silently: it is a hard error, or a warning with a stable code,",
    "printed as `warning[code]: ...` so that a log can be searched for it.",
  ];
  for (const { from, title, intro } of SECTIONS) {
    const rows = Object.entries(codes).filter(([, d]) => d.from === from);
    lines.push(
      "",
      `## ${title}`,
      "",
      intro,
      "",
      table(
        ["code", "what it means", "what to do"],
        rows.map(([c, d]) => [`\`${c}\``, d.means, d.action]),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
