import type { SiteObjects } from "../../generator/site/site-objects.js";

/**
 * Every file of the site as site-relative path -> git blob id, sorted by path. Comparing these ids
 * with the branch's tree tells which files changed without downloading any.
 */
export function siteManifest(objects: SiteObjects): Record<string, string> {
  return Object.fromEntries(
    Object.keys(objects)
      .sort()
      .map((path) => [path, (objects[path] as SiteObjects[string]).gitBlob]),
  );
}
