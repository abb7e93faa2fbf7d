/**
 * Compares two JSON values by shape: the same keys at every level, each holding the same kind of
 * value (string, number, boolean, object, list). Values themselves differ between a recording and
 * an emulator (ids, names, dates) and are not compared. `null` stands for any kind, because GitHub
 * documents most fields as nullable (a repository without a description, a license, a homepage).
 */

export interface ShapeOptions {
  /**
   * Field names allowed on one side only, at any depth, each with the reason: fields GitHub added
   * after the recording was made, with the page that documents them.
   */
  oneSided?: Record<string, string>;
}

type Kind = "null" | "string" | "number" | "boolean" | "list" | "object";

function kindOf(value: unknown): Kind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  const t = typeof value;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

/** Every difference in shape between `recorded` and `emulated`, as `path: what`; empty when they agree. */
export function shapeDifferences(recorded: unknown, emulated: unknown, options: ShapeOptions = {}, path = ""): string[] {
  const [a, b] = [kindOf(recorded), kindOf(emulated)];
  const where = path || "(top)";
  if (a === "null" || b === "null") return [];
  if (a !== b) return [`${where}: recorded ${a}, emulated ${b}`];
  if (a === "list") {
    const [x, y] = [recorded as unknown[], emulated as unknown[]];
    // Lists are compared by their first items: every item of one list has one shape.
    return x.length && y.length ? shapeDifferences(x[0], y[0], options, `${path}[]`) : [];
  }
  if (a !== "object") return [];
  const [x, y] = [recorded as Record<string, unknown>, emulated as Record<string, unknown>];
  const out: string[] = [];
  const child = (key: string): string => (path ? `${path}.${key}` : key);
  const allowed = (key: string): boolean => Object.hasOwn(options.oneSided ?? {}, key);
  for (const key of Object.keys(x)) {
    if (!(key in y) && !allowed(key)) out.push(`${child(key)}: recorded, not emulated`);
  }
  for (const key of Object.keys(y)) {
    if (!(key in x) && !allowed(key)) out.push(`${child(key)}: emulated, not recorded`);
    else if (key in x) out.push(...shapeDifferences(x[key], y[key], options, child(key)));
  }
  return out;
}

/** How Octokit handed an answer's body over: the kind of value client code has to deal with. */
export function valueKind(data: unknown): string {
  if (data instanceof ArrayBuffer) return "ArrayBuffer";
  if (typeof ReadableStream !== "undefined" && data instanceof ReadableStream) return "ReadableStream";
  return kindOf(data);
}
