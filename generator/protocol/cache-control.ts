/**
 * How long a client, a proxy or the CDN may keep each file of the site: the build uploads every
 * file with it, and the local server and the edge answer with the same. ES 5.1 syntax and methods
 * only: the CloudFront Function's router imports this.
 */

/** Index pages, the landing page and anything else that can change: five minutes unless the settings say otherwise. */
export const DEFAULT_INDEX_MAX_AGE_SECONDS = 300;
/** A published distribution keeps its bytes, as on PyPI: a year, and no revalidation. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** The max-age of pages that can change: `seconds` as a whole number, the default for anything that is not a number of seconds. */
export function indexMaxAge(seconds: number | undefined): number {
  if (typeof seconds !== "number" || !isFinite(seconds) || seconds < 0) return DEFAULT_INDEX_MAX_AGE_SECONDS;
  return Math.floor(seconds);
}

/** Cache-Control of a page that can change. */
export function indexCacheControl(indexMaxAgeSeconds?: number): string {
  return "public, max-age=" + indexMaxAge(indexMaxAgeSeconds);
}

/**
 * Cache-Control for a site-relative path: distribution files and their `.metadata` under
 * `files/` never change once published, so they are immutable for a year; everything else
 * (index pages, JSON, the landing page) gets a short max-age.
 */
export function cacheControlFor(sitePath: string, indexMaxAgeSeconds?: number): string {
  const p = sitePath.charAt(0) === "/" ? sitePath.slice(1) : sitePath;
  if (p.indexOf("files/") === 0) {
    const last = p.slice(p.lastIndexOf("/") + 1);
    // files/<project>/<file>: a distribution or its .metadata; not a folder, not an HTML page.
    if (last !== "" && p.split("/").length >= 3 && !/\.html?$/i.test(last)) return IMMUTABLE;
  }
  return indexCacheControl(indexMaxAgeSeconds);
}
