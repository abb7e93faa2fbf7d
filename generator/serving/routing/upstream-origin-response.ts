/**
 * One index URL on the public CDN: a Lambda@Edge origin-response function that turns the
 * bucket's 404 for a project page into the upstream redirect, exactly as `serve` does.
 *
 * Why origin-response and not the viewer-request CloudFront Function: that function has 10 KB for
 * the router and everything it knows, so it cannot hold the index's names; the bucket can. The
 * viewer-request function has already normalised the name and chosen `index.html` or
 * `index.json`; the index's own names are baked in too, so a name it holds is never sent away even
 * when its page is missing from the bucket (first deploy, a sync cut short). Only a 404 counts:
 * a 403 or 5xx from the bucket passes through unchanged (fail closed: a name we hold is never
 * sent upstream because the origin was unwell). CloudFront caches what this function returns, so
 * a public name costs the function one run per edge and representation per max-age.
 */
import { textResponse, type EdgeRequest, type EdgeResponse } from "./lambda-edge-response.js";
import { claimedTest, type UpstreamSettings } from "../../protocol/upstream-settings.js";
import { decideUpstream, UPSTREAM_REDIRECT_STATUS } from "./upstream.js";

export interface UpstreamEdgeConfig {
  upstream: UpstreamSettings;
  indexMaxAgeSeconds: number;
  /**
   * The normalised names the index holds. A held name is never sent upstream, even when its page
   * is missing from the bucket (a first deploy before the sync, a sync that stopped halfway).
   */
  held: string[];
}

/**
 * Headers CloudFront does not let an origin-response function remove or change (Lambda@Edge
 * restrictions, "Read-only headers"); the redirect is made on the bucket's own response so they stay.
 */
const READ_ONLY = new Set(["transfer-encoding", "via"]);

export interface OriginResponseEvent {
  Records: { cf: { request: EdgeRequest; response: EdgeResponse } }[];
}

/** The site path of a request URI the viewer function rewrote (`/simple/a-b/index.json`); undefined if not decodable. */
function sitePathOf(uri: string): string | undefined {
  try {
    return uri.replace(/^\//, "").split("/").map(decodeURIComponent).join("/");
  } catch {
    return undefined;
  }
}

export function createUpstreamOriginResponseHandler(config: UpstreamEdgeConfig): (event: OriginResponseEvent) => Promise<EdgeResponse> {
  const isClaimed = claimedTest(config.upstream.claimed);
  const held = new Set(config.held);
  return async (event) => {
    const { request, response } = (event.Records[0] as OriginResponseEvent["Records"][number]).cf;
    if (response.status !== "404") return response;
    const path = sitePathOf(request.uri);
    if (path === undefined) return response;
    // The bucket said the index does not hold it; claimed names keep the bucket's 404.
    const decision = decideUpstream(path, (name) => held.has(name), config.upstream, isClaimed);
    if (decision.kind !== "upstream") return response;
    const redirect = textResponse(request, UPSTREAM_REDIRECT_STATUS, `Found: ${decision.location}`, {
      location: decision.location,
      "cache-control": `public, max-age=${config.indexMaxAgeSeconds}`,
    });
    // The bucket's response, changed in place: its read-only headers kept, everything else the redirect's.
    for (const name of Object.keys(response.headers)) if (!READ_ONLY.has(name)) delete response.headers[name];
    Object.assign(response.headers, redirect.headers);
    response.status = redirect.status;
    response.statusDescription = redirect.statusDescription;
    if (redirect.body !== undefined) {
      response.body = redirect.body;
      response.bodyEncoding = "text";
    } else {
      delete response.body;
      delete response.bodyEncoding;
    }
    return response;
  };
}
