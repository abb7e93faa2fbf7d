/**
 * One index URL for everything: a project the index holds is answered from the site (it is
 * claimed), a name matching a `claimed` pattern that the index does not hold is 404 (a removed or
 * renamed project cannot be squatted), and every other project page sends the client to the same
 * normalised name on the upstream index (PyPI by default).
 *
 * Why a redirect and not a proxy: the upstream's own pages reach the client untouched (its hashes,
 * its file URLs, its PEP 691 JSON, since clients send their Accept header again after a
 * redirect), no upstream traffic passes through the index, and credentials stay home: pip, uv and
 * browsers drop `Authorization` when a redirect leaves the host. pip has followed redirects since
 * its first versions (through requests), uv and Poetry too.
 *
 * Shared by `serve`, the public CDN's origin-response function and the private index's
 * Lambda@Edge function, so every host answers the same.
 */
import { normalizeName } from "../../names/normalize.js";
import { claimedTest, type UpstreamSettings } from "../../protocol/upstream-settings.js";

/** A temporary redirect: a name the index starts holding later must take over at once, not stay cached as moved. */
export const UPSTREAM_REDIRECT_STATUS = 302;

/** The project a `/simple/<name>/` page belongs to, from the router's file path; undefined for any other path. */
export function simplePageProject(sitePath: string): string | undefined {
  const m = /^simple\/([^/]+)\/index\.(?:html|json)$/.exec(sitePath);
  return m?.[1];
}

export type UpstreamDecision =
  /** Not a project page, or a project the index holds: the site answers. */
  | { kind: "site" }
  /** A claimed name the index does not hold: 404, never the upstream. */
  | { kind: "claimed" }
  | { kind: "upstream"; location: string };

/**
 * What a request for `sitePath` gets, given whether the index holds the project. Without an
 * upstream, everything is the site's (a missing project is the site's 404).
 */
export function decideUpstream(sitePath: string, holds: (normalisedName: string) => boolean, upstream: UpstreamSettings | undefined, isClaimed?: (name: string) => boolean): UpstreamDecision {
  const project = simplePageProject(sitePath);
  if (project === undefined || upstream === undefined || holds(project)) return { kind: "site" };
  if ((isClaimed ?? claimedTest(upstream.claimed))(project)) return { kind: "claimed" };
  return { kind: "upstream", location: `${upstream.url}${encodeURIComponent(normalizeName(project))}/` };
}
