import type { SettingRow } from "../../generator/config/setting-rows.js";
import { code, generatedNote, table } from "./markdown.js";

/** A default as a reader sets it: an empty list or map is "none"; an object's default is its keys' own. */
export function defaultText(row: SettingRow): string {
  if (row.required) return "required";
  const d = row.default;
  if (d === undefined) return "unset";
  if (Array.isArray(d) && d.length === 0) return "none";
  if (typeof d === "object" && d !== null) return Object.keys(d).length === 0 ? "none" : "its keys' defaults";
  return code(d);
}

function rowsTable(rows: readonly SettingRow[]): string {
  return table(
    ["key", "type", "default", "what it sets"],
    rows.map((r) => [`\`${r.key}\``, r.type, defaultText(r), r.description]),
  );
}

/** docs/reference/settings.md: the settings file's keys and the stack's, from the schemas that read them. */
export function settingsPage(shared: readonly SettingRow[], stackOnly: readonly SettingRow[]): string {
  return [
    "# Settings reference",
    "",
    generatedNote("the settings schemas (generator/config/schema.ts, sources-schema.ts, project-file.ts; infra/config/stack-schema.ts)"),
    "",
    "The settings file (`github-pypi build --config FILE`, YAML or JSON) and the Pulumi stack",
    "(`github-pypi:<key>` in `Pulumi.<stack>.yaml`) are read through one schema, so a key means the",
    "same in both. Unknown keys are errors, and every error names its key. Flags given to",
    "`github-pypi build` win over the file. A nested key is written with dots here (`cdn.enabled`);",
    "`[]` stands for each item of a list, `<project>` for each key of a map.",
    "",
    "## Keys of the settings file and the stack",
    "",
    rowsTable(shared),
    "",
    "## Keys only the stack reads",
    "",
    "A settings file that holds one of these is refused with a message that says so.",
    "",
    rowsTable(stackOnly),
    "",
  ].join("\n");
}
