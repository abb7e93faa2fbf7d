import { z } from "zod";

/**
 * A settings schema read as rows, one per key and nested key (`cdn.enabled`, `teams[].name`,
 * `status.<project>.reason`), with the type, default and description the schema itself states:
 * what the settings reference and Pulumi.yaml's `config:` block are generated from, and how the
 * stack knows which of its keys Pulumi hands over as plain strings.
 */
export interface SettingRow {
  /** Dotted path; `[]` for a list's items, `<title>` for a map's keys. */
  key: string;
  depth: number;
  /** For people: "integer, 0 to 31,536,000", "list of strings", "`link` or `mirror`". */
  type: string;
  /** The JSON type of the value, when it has one ("string" for an enum of strings). */
  jsonType?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  /** The value taken when the key is left out, as the schema states it. */
  default?: unknown;
  required: boolean;
  description: string;
  /** Nested keys' names, for a one-line summary of an object. */
  children: string[];
}

/** The part of JSON Schema that zod's `toJSONSchema` writes for our schemas. */
interface Node {
  type?: SettingRow["jsonType"] | "null";
  description?: string;
  title?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  minimum?: number;
  maximum?: number;
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  propertyNames?: Node;
}

const number = (n: number): string => n.toLocaleString("en");
const code = (v: unknown): string => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;

function typeOf(node: Node): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.const !== undefined) return code(node.const);
  if (node.enum) return node.enum.map(code).join(" or ");
  switch (node.type) {
    case "integer":
    case "number": {
      // A bound zod adds on its own (the safe integers) says nothing about the setting.
      const stated = (n: number | undefined): n is number => n !== undefined && Math.abs(n) !== Number.MAX_SAFE_INTEGER;
      const range = stated(node.minimum) && stated(node.maximum) ? `, ${number(node.minimum)} to ${number(node.maximum)}` : "";
      return `${node.type}${range}`;
    }
    case "array":
      return `list of ${node.items ? plural(typeOf(node.items)) : "values"}`;
    case "object":
      if (node.properties) return "object";
      if (typeof node.additionalProperties === "object") return `map of ${node.propertyNames?.title ?? "name"} to ${typeOf(node.additionalProperties)}`;
      return "object";
    default:
      return node.type ?? "any";
  }
}

function plural(type: string): string {
  return type === "string" || type === "object" || type === "boolean" ? `${type}s` : type;
}

function walk(properties: Record<string, Node>, required: readonly string[], prefix: string, depth: number, rows: SettingRow[]): void {
  for (const [name, node] of Object.entries(properties)) {
    const key = prefix + name;
    if (!node.description) throw new Error(`the setting ${key} has no description: add .describe() to its schema`);
    const row: SettingRow = {
      key,
      depth,
      type: typeOf(node),
      ...(node.type && node.type !== "null" ? { jsonType: node.type } : node.enum?.every((v) => typeof v === "string") ? { jsonType: "string" as const } : {}),
      ...(node.default !== undefined ? { default: node.default } : {}),
      required: required.includes(name) && node.default === undefined,
      description: node.description,
      children: [],
    };
    rows.push(row);
    // What is nested: an object's keys, a list's items' keys, a map's values' keys.
    const map = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
    const nested = node.properties
      ? { node, path: `${key}.` }
      : node.items?.properties
        ? { node: node.items, path: `${key}[].` }
        : map?.properties
          ? { node: map, path: `${key}.<${node.propertyNames?.title ?? "name"}>.` }
          : undefined;
    if (nested?.node.properties) {
      row.children = Object.keys(nested.node.properties);
      walk(nested.node.properties, nested.node.required ?? [], nested.path, depth + 1, rows);
    }
  }
}

/** Every key of an object schema, in the schema's order, each followed by its nested keys. */
export function settingRows(schema: z.ZodObject): SettingRow[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
  const rows: SettingRow[] = [];
  walk(json.properties ?? {}, json.required ?? [], "", 0, rows);
  return rows;
}
