/**
 * Which pages of a private index list projects, and how the edge's gate tells the renderer whose
 * list to draw. Kept apart from list-pages.ts so the gate's bundle (1 MB at most) carries none
 * of the catalog's rendering.
 */
import { createHash } from "node:crypto";

/** The site paths that list projects: behind the gate, each is rendered for the person asking. */
export const LIST_PAGE_PATHS: readonly string[] = ["index.html", "simple/index.html", "simple/index.json"];

export function isListPage(sitePath: string): boolean {
  return LIST_PAGE_PATHS.includes(sitePath);
}

/**
 * Names the set of projects a file of entries holds, so the edge's two functions (deployed one
 * after the other) can tell they were built from the same index: one that sees another index's
 * entries refuses rather than mislabel them.
 */
export function listFingerprint(names: readonly string[]): string {
  return createHash("sha256")
    .update([...names].sort().join("\n"), "utf8")
    .digest("base64url")
    .slice(0, 22);
}

/**
 * At the edge the gate (viewer-request) hands the person's list to the renderer (origin-request)
 * in the URI, which only the gate writes: `/.list/<fingerprint>/<bits>/<page>`, one bit per
 * project in code-unit order. A viewer cannot send such a URI itself, since the gate routes every
 * request first and the router refuses dot segments.
 */
export const LIST_URI_PREFIX = "/.list/";

export function listUri(order: readonly string[], visible: readonly string[], sitePath: string): string {
  const bits = Buffer.alloc(Math.ceil(order.length / 8));
  const at = new Map(order.map((name, i) => [name, i]));
  for (const name of visible) {
    const i = at.get(name);
    if (i !== undefined) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  }
  return `${LIST_URI_PREFIX}${listFingerprint(order)}/${bits.toString("base64url")}/${sitePath}`;
}

/** The page and the names a list URI stands for; undefined when it is not one, or names another index (fail closed). */
export function readListUri(uri: string, order: readonly string[], fingerprint: string): { sitePath: string; visible: Set<string> } | undefined {
  if (!uri.startsWith(LIST_URI_PREFIX)) return undefined;
  const [fp, encoded, ...rest] = uri.slice(LIST_URI_PREFIX.length).split("/");
  const sitePath = rest.join("/");
  if (fp !== fingerprint || encoded === undefined || !isListPage(sitePath)) return undefined;
  const bits = Buffer.from(encoded, "base64url");
  if (bits.length !== Math.ceil(order.length / 8) || bits.toString("base64url") !== encoded) return undefined;
  const visible = new Set<string>();
  order.forEach((name, i) => {
    if ((((bits[i >> 3] as number) >> (i & 7)) & 1) === 1) visible.add(name);
  });
  return { sitePath, visible };
}
