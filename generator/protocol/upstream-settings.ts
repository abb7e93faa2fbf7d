/**
 * The upstream index the build records inside the site for the request-time code (the local
 * server and the CDN's functions), and how its claimed patterns read: the build warns about the
 * names they leave open, and every host refuses to send a claimed name upstream.
 */

export interface UpstreamSettings {
  /** The upstream's simple root, ending in `/` (e.g. `https://pypi.org/simple/`). */
  url: string;
  /** Glob patterns (`*`, `?`) of names that are ours even when the index does not hold them. */
  claimed: string[];
}

/** Where the build records the upstream inside the site: a dotfile, which the router never serves (nothing in it is secret). */
export const UPSTREAM_SETTINGS_PATH = ".github-pypi-upstream.json";

/** A claimed pattern, normalised as names are (`Acme_*` → `acme-*`), as a test of normalised names. */
export function claimedTest(patterns: readonly string[]): (normalisedName: string) => boolean {
  const regexes = patterns.map((p) => {
    const norm = p.toLowerCase().replace(/[-_.]+/g, "-");
    const body = norm
      .replace(/[\\^$+.()|{}[\]]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    return new RegExp(`^${body}$`);
  });
  return (name) => regexes.some((r) => r.test(name));
}
