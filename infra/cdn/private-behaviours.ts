/**
 * The private CDN's cache behaviours by path. The default behaviour (whatever no pattern claims:
 * the landing page and `/simple/` in every spelling) renders list pages per person and caches
 * nothing; these patterns name what is the same for everyone who may read it, cached as the
 * public index's pages are. CloudFront's `*` matches any run of characters, slashes included, and
 * no pattern can name `/` alone, hence this way round. Shared with the tests' CloudFront stand-in.
 */
export const PRIVATE_PAGE_PATTERNS = ["simple/*/*", "project/*", "assets/*"];

/** Whether a site path (no leading slash) falls to one of `patterns`, as CloudFront matches them. */
export function matchesPattern(patterns: readonly string[], sitePath: string): boolean {
  return patterns.some((p) =>
    new RegExp(
      `^${p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(sitePath),
  );
}
