/**
 * Compares two JSON values by shape: the same keys at every level, each holding the same kind of
 * value (string, number, boolean, object, list). Values themselves differ between a recording and
 * an emulator (ids, names, dates) and are not compared. A recorded `null` says nothing of the
 * field's kind (a repository without a license), so it stands for any kind; an emulated `null`
 * where GitHub sent a value is a difference, unless the field is listed as nullable.
 */

export interface ShapeOptions {
  /**
   * Fields allowed on one side only, each with the reason: fields GitHub added after the recording
   * was made, with the page that documents them. A key is `parent.field`, where parent is the key
   * holding the object (`owner.user_view_type`, `assets.digest`; `.field` at the top level).
   */
  oneSided?: Record<string, string>;
  /** Fields, keyed the same way, that GitHub documents as nullable: an emulated null is fine there. */
  nullable?: Record<string, string>;
}

type Kind = "null" | "string" | "number" | "boolean" | "list" | "object";

function kindOf(value: unknown): Kind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  const t = typeof value;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

/** `parent.field` for a field of the object held under `parent` (`.field` at the top). */
const fieldKey = (parent: string, field: string): string => `${parent}.${field}`;

/** Every difference in shape between `recorded` and `emulated`, as `path: what`; empty when they agree. */
export function shapeDifferences(recorded: unknown, emulated: unknown, options: ShapeOptions = {}): string[] {
  return differences(recorded, emulated, options, "", "", false);
}

function differences(recorded: unknown, emulated: unknown, options: ShapeOptions, path: string, parent: string, nullable: boolean): string[] {
  const [a, b] = [kindOf(recorded), kindOf(emulated)];
  const where = path || "(top)";
  if (a === "null") return [];
  if (b === "null") return nullable ? [] : [`${where}: recorded ${a}, emulated null`];
  if (a !== b) return [`${where}: recorded ${a}, emulated ${b}`];
  if (a === "list") {
    const [x, y] = [recorded as unknown[], emulated as unknown[]];
    // Lists are compared by their first items (every item of one list has one shape); a recorded
    // item must have an emulated one to be compared with.
    if (x.length && !y.length) return [`${where}: recorded items, emulated an empty list`];
    return x.length ? differences(x[0], y[0], options, `${path}[]`, parent, false) : [];
  }
  if (a !== "object") return [];
  const [x, y] = [recorded as Record<string, unknown>, emulated as Record<string, unknown>];
  const out: string[] = [];
  const child = (key: string): string => (path ? `${path}.${key}` : key);
  const listed = (table: Record<string, string> | undefined, key: string): boolean => Object.hasOwn(table ?? {}, fieldKey(parent, key));
  for (const key of Object.keys(x)) {
    if (!(key in y) && !listed(options.oneSided, key)) out.push(`${child(key)}: recorded, not emulated`);
  }
  for (const key of Object.keys(y)) {
    if (!(key in x) && !listed(options.oneSided, key)) out.push(`${child(key)}: emulated, not recorded`);
    else if (key in x) out.push(...differences(x[key], y[key], options, child(key), key, listed(options.nullable, key)));
  }
  return out;
}

/** How Octokit handed an answer's body over: the kind of value client code has to deal with. */
export function valueKind(data: unknown): string {
  if (data instanceof ArrayBuffer) return "ArrayBuffer";
  if (typeof ReadableStream !== "undefined" && data instanceof ReadableStream) return "ReadableStream";
  return kindOf(data);
}
