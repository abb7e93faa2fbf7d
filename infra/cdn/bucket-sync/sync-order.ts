/** Which objects a sync writes first, which it compares as equal, and which URL paths it invalidates. */
import type { BucketObject } from "./bucket-sync-types.js";

/** More changed paths than this become wildcards (the first 1,000 paths a month are free; a wildcard counts as one). */
const MAX_INVALIDATION_PATHS = 1000;

/**
 * 0: `files/...` (distributions and their .metadata) and `assets/...` (the catalog's style and
 * script); 1: a project's pages, `simple/<project>/...` and `project/<project>/...`; 2: everything
 * else (the root pages, which link the project pages).
 */
export function stageOf(key: string): number {
  const parts = key.split("/");
  if (parts[0] === "files" || parts[0] === "assets") return 0;
  if ((parts[0] === "simple" || parts[0] === "project") && parts.length >= 3) return 1;
  return 2;
}

/** The keys by stage: uploads go in this order, deletions in the reverse. */
export function byStage(keys: readonly string[]): string[][] {
  const stages: string[][] = [[], [], []];
  for (const key of keys) (stages[stageOf(key)] as string[]).push(key);
  return stages;
}

/** Whether an object needs no write: the same bytes and headers. The size follows from the MD5. */
export function sameObject(a: BucketObject | undefined, b: BucketObject | undefined): boolean {
  return a !== undefined && b !== undefined && a.md5 === b.md5 && a.contentType === b.contentType && a.cacheControl === b.cacheControl;
}

/** A key as a URL path, each segment percent-encoded like the site's own links (`encodeURIComponent`); `*` too, as it means wildcard. */
export function urlPath(key: string): string {
  return (
    "/" +
    key
      .split("/")
      .map((s) => encodeURIComponent(s).replace(/\*/g, "%2A"))
      .join("/")
  );
}

/**
 * The invalidation paths for changed keys. The viewer-request function rewrites `/simple/p/` to
 * `/simple/p/index.json` or `index.html` (and `/` to `/index.html`) before the cache lookup, so the
 * cache key is the object key and invalidating the objects covers the directory URLs. Beyond
 * MAX_INVALIDATION_PATHS, pages collapse to `/simple/*`, files to `/files/*`, root files stay
 * named; if even that is too many, `/*`.
 */
export function invalidationPaths(keys: readonly string[]): string[] {
  const paths = [...new Set(keys)].sort().map(urlPath);
  if (paths.length <= MAX_INVALIDATION_PATHS) return paths;
  const collapsed = new Set<string>();
  for (const key of keys) {
    if (key.startsWith("simple/")) collapsed.add("/simple/*");
    else if (key.startsWith("files/")) collapsed.add("/files/*");
    else collapsed.add(urlPath(key));
  }
  return collapsed.size <= MAX_INVALIDATION_PATHS ? [...collapsed].sort() : ["/*"];
}
