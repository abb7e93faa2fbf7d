import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Git's object id for file bytes: SHA-1 of `blob <size>\0<bytes>`, the id GitHub's trees list. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * Every file of a built site folder as site-relative path (with `/`) -> git blob id, sorted by path.
 * Comparing these ids with the branch's tree tells which files changed without downloading any.
 */
export function siteManifest(root: string): Record<string, string> {
  const paths: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else if (e.isFile()) paths.push(rel);
    }
  };
  walk(root, "");
  paths.sort();
  return Object.fromEntries(paths.map((p) => [p, gitBlobId(readFileSync(join(root, ...p.split("/"))))]));
}
