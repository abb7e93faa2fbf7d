import type { SiteObjects } from "../../generator/site/site-objects.js";
import type { BucketObject } from "./bucket-sync-provider.js";
import { privateCacheControl } from "../../generator/serving/access/responses.js";
import { isListPage } from "../../generator/serving/access/list-uri.js";

export type { BucketObject } from "./bucket-sync-provider.js";

/**
 * Files of the built site that exist only for GitHub Pages and never go to the bucket:
 * - `.nojekyll` switches off Pages' Jekyll step; S3 has no such step, and the shared router
 *   answers 404 for any dotfile segment, so the object could never be served anyway.
 * - `CNAME` holds the Pages custom domain; the CDN's domain is the distribution's alias, and a
 *   `/CNAME` object would only be a stray public file.
 * Both are skipped at the site root only; a project or file of that name elsewhere is content.
 */
export const PAGES_ONLY_FILES: readonly string[] = [".nojekyll", "CNAME"];

/**
 * Every object the bucket should hold for a site, keyed by site-relative path (the object key),
 * sorted by key: the MD5 S3 reports as the ETag of a single-part PUT, the size, and the
 * Content-Type and Cache-Control the site renders each file with, the same headers
 * `github-pypi serve` sends. A private index (`access: github`) stores `private` instead of
 * `public`, as `serve --auth github` sends, and leaves out the static list pages (the landing
 * page and `/simple/`), which list every project: there they are rendered per person, and a copy
 * nobody may fetch is one that cannot leak.
 */
export function bucketManifest(objects: SiteObjects, options: { private?: boolean } = {}): Record<string, BucketObject> {
  const out: Record<string, BucketObject> = {};
  for (const key of Object.keys(objects).sort()) {
    if (PAGES_ONLY_FILES.includes(key) || (options.private && isListPage(key))) continue;
    const { md5, size, contentType, cacheControl } = objects[key] as SiteObjects[string];
    out[key] = { md5, size, contentType, cacheControl: options.private ? privateCacheControl(cacheControl) : cacheControl };
  }
  return out;
}
