import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { cacheControlFor } from "../../generator/routing/router.js";
import { contentTypeFor } from "../../generator/site/content-type.js";
import type { BucketObject } from "./bucket-sync-provider.js";
import { privateCacheControl } from "../../generator/access/responses.js";

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

const CHUNK = 1024 * 1024;

/** MD5 of a file, read in 1 MiB chunks so a large distribution never sits in memory whole. */
function md5OfFile(path: string): { md5: string; size: number } {
  const hash = createHash("md5");
  const buffer = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(path, "r");
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { md5: hash.digest("hex"), size };
}

/**
 * Every object the bucket should hold for a built site folder, keyed by site-relative path (the
 * object key), sorted by key: the MD5 S3 reports as the ETag of a single-part PUT, the size, and
 * the Content-Type and Cache-Control the object is stored with. The headers are the ones
 * `github-pypi serve` sends for the same path (`contentTypeFor`, `cacheControlFor`): PEP 691
 * JSON is `application/vnd.pypi.simple.v1+json`, HTML and `.metadata` are UTF-8 text, files
 * under `files/` are immutable for a year, pages live `indexMaxAgeSeconds`. A private index
 * (`access: github`) stores `private` instead of `public`, as `serve --auth github` sends.
 */
export function bucketManifest(siteDir: string, indexMaxAgeSeconds: number, options: { private?: boolean } = {}): Record<string, BucketObject> {
  const keys: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else if (e.isFile() && !(prefix === "" && PAGES_ONLY_FILES.includes(e.name))) keys.push(rel);
    }
  };
  walk(siteDir, "");
  keys.sort();
  const out: Record<string, BucketObject> = {};
  for (const key of keys) {
    const { md5, size } = md5OfFile(join(siteDir, ...key.split("/")));
    const cacheControl = cacheControlFor(key, indexMaxAgeSeconds);
    out[key] = { md5, size, contentType: contentTypeFor(key), cacheControl: options.private ? privateCacheControl(cacheControl) : cacheControl };
  }
  return out;
}
