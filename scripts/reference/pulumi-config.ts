import { stringify } from "yaml";
import type { SettingRow } from "../../generator/config/setting-rows.js";

const PULUMI_TYPES = new Set(["string", "integer", "boolean"]);
const MARKER = "\nconfig:\n";

/** A one-line summary of an object's keys (the rows right after it, one level down), with each default that is a plain value. */
function keysSummary(rows: readonly SettingRow[], at: number): string {
  const parent = rows[at] as SettingRow;
  const below = rows.slice(at + 1);
  const end = below.findIndex((r) => r.depth <= parent.depth);
  const children = (end < 0 ? below : below.slice(0, end)).filter((r) => r.depth === parent.depth + 1);
  if (!children.length) return "";
  const keys = children.map((c) => {
    const name = c.key.slice(c.key.lastIndexOf(".") + 1);
    return c.default !== undefined && typeof c.default !== "object" ? `${name} (${String(c.default)})` : name;
  });
  const whose = parent.jsonType === "array" ? "Each item's keys" : parent.type.startsWith("map ") ? "Each entry's keys" : "Keys";
  return ` ${whose}: ${keys.join(", ")}.`;
}

/**
 * Pulumi.yaml's `config:` block: every stack key with its description, and the type and default
 * Pulumi can state for a plain value. A key the program must see unset when the stack leaves it
 * so gets no default (Pulumi applies a project default as if the stack had set it).
 */
export function pulumiConfig(rows: readonly SettingRow[], withoutDefault: readonly string[], reference: string): Record<string, Record<string, unknown>> {
  const config: Record<string, Record<string, unknown>> = {};
  for (const [at, row] of rows.entries()) {
    if (row.depth > 0) continue;
    const plain = row.jsonType !== undefined && PULUMI_TYPES.has(row.jsonType);
    const projectDefault = plain && row.default !== undefined && !withoutDefault.includes(row.key);
    // A default the program applies itself is still said, in words.
    const unsetDefault = !projectDefault && plain && row.default !== undefined ? ` Default: ${String(row.default)} (left out here so the program can tell the key unset).` : "";
    config[`github-pypi:${row.key}`] = {
      ...(plain ? { type: row.jsonType } : {}),
      description: `${row.description}${keysSummary(rows, at)}${unsetDefault}${plain ? "" : ` See ${reference}.`}`,
      ...(projectDefault ? { default: row.default } : {}),
    };
  }
  return config;
}

/** Pulumi.yaml with its `config:` block replaced; everything above the block is kept as written. */
export function withPulumiConfig(pulumiYaml: string, config: Record<string, Record<string, unknown>>, note: string): string {
  const at = pulumiYaml.indexOf(MARKER);
  if (at < 0) throw new Error("Pulumi.yaml has no top-level config: block to replace");
  const head = pulumiYaml.slice(0, at).replace(/\n# config: [^\n]*(\n# [^\n]*)*$/, "");
  return `${head}\n${note}\n${stringify({ config }, { lineWidth: 0 })}`;
}
