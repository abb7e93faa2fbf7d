/**
 * The private index at the edge: a Lambda@Edge viewer-request function that routes exactly as
 * the local server does (generator/serving/routing/router.ts) and asks the same access gate
 * (generator/serving/access/gate.ts) before any file leaves the cache. It replaces the public CDN's
 * CloudFront Function, since a distribution cannot run both on viewer-request.
 *
 * Lambda@Edge facts this relies on (CloudFront developer guide, "Lambda@Edge event structure",
 * "Restrictions on edge functions"): no environment variables, so the config is baked into the
 * bundle (infra/cdn/lambda-edge-bundle.ts); viewer-request functions get 5 s and 128 MB; a function
 * returns the (possibly rewritten) request to go on, or a response (generator/serving/routing/lambda-edge-response.ts).
 * The module stays warm between requests in one container, and so does the verdict cache.
 */
import { headerValue, textResponse, type EdgeRequest, type EdgeResponse } from "../routing/lambda-edge-response.js";
import { route, type RouteResult } from "../routing/router.js";
import { claimedTest, type UpstreamSettings } from "../../protocol/upstream-settings.js";
import { decideUpstream, UPSTREAM_REDIRECT_STATUS } from "../routing/upstream.js";
import { projectOrder, type AccessMap } from "./access-map.js";
import { isListPage, listUri } from "./list-uri.js";
import { createAccessGate, type AccessGate } from "./gate.js";
import { createGitHubAccess } from "./github-access.js";
import { describeVerdict, refusalFor } from "./responses.js";

export type { EdgeHeaders, EdgeRequest, EdgeResponse } from "../routing/lambda-edge-response.js";

export interface EdgeAccessConfig {
  gateRepository: string;
  /** GitHub's REST API root (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string;
  map: AccessMap;
  indexMaxAgeSeconds: number;
  positiveTtlSeconds: number;
  negativeTtlSeconds: number;
  /** Per GitHub request; who is asked first, then a project's repositories (or, for a list page, the gate, the person's listing and the public set) at once, and the function has 5 s in all. */
  timeoutMs: number;
  /** One index URL: project pages the map does not hold (and no claimed glob covers) redirect here. */
  upstream?: UpstreamSettings;
}

export interface ViewerRequestEvent {
  Records: { cf: { request: EdgeRequest } }[];
}

export interface EdgeHandlerOptions {
  /** One line per gated request (who, never the token); CloudWatch Logs by default. */
  log?: (line: string) => void;
  /** Tests share one gate to read its figures or move its clock. */
  gate?: AccessGate;
}

export function createLambdaEdgeHandler(config: EdgeAccessConfig, options: EdgeHandlerOptions = {}): (event: ViewerRequestEvent) => Promise<EdgeRequest | EdgeResponse> {
  const log = options.log ?? ((line: string) => console.log(line));
  const gate =
    options.gate ??
    createAccessGate({
      gateRepository: config.gateRepository,
      map: config.map,
      github: createGitHubAccess({ apiUrl: config.apiUrl, timeoutMs: config.timeoutMs }),
      positiveTtlSeconds: config.positiveTtlSeconds,
      negativeTtlSeconds: config.negativeTtlSeconds,
    });

  const isClaimed = config.upstream ? claimedTest(config.upstream.claimed) : undefined;
  const order = projectOrder(config.map);
  return async (event) => {
    const request = (event.Records[0] as { cf: { request: EdgeRequest } }).cf.request;
    let result: RouteResult;
    try {
      result = route(
        { method: request.method, path: request.uri, query: request.querystring ?? "", accept: headerValue(request.headers, "accept") },
        { indexMaxAgeSeconds: config.indexMaxAgeSeconds },
      );
    } catch {
      return textResponse(request, 500, "Internal Server Error", {});
    }
    if (result.kind === "redirect") {
      return textResponse(request, 301, `Moved Permanently: ${result.location}`, { location: result.location, "cache-control": `public, max-age=${config.indexMaxAgeSeconds}` });
    }
    if (result.kind === "error") {
      return textResponse(request, result.status, result.message, result.status === 405 ? { allow: "GET, HEAD" } : {});
    }
    if (isListPage(result.path)) {
      // A list page is rendered for this person by the origin-request function (generator/serving/access/list-origin-request.ts),
      // told which projects they may see in the URI; the bucket's own copy is never fetched.
      const listed = await gate.list(headerValue(request.headers, "authorization"), result.path, request.clientIp);
      const refusal = refusalFor(listed, config.gateRepository);
      log(
        JSON.stringify({
          status: refusal ? refusal.status : 200,
          method: request.method,
          uri: request.uri,
          who: describeVerdict(listed),
          ...(listed.kind === "allow" ? { listed: listed.projects.length } : {}),
        }),
      );
      if (refusal || listed.kind !== "allow") return textResponse(request, refusal?.status ?? 500, refusal?.body ?? "Internal Server Error", refusal?.headers ?? {});
      delete request.headers.authorization;
      request.uri = listUri(order, listed.projects, result.path);
      return request;
    }
    // The map knows every project of the index, so a name it lacks is the upstream's (unless claimed).
    const decision = decideUpstream(result.path, (name) => Object.hasOwn(config.map.projects, name), config.upstream, isClaimed);
    // A public name still needs a person who may use the index, or an invented token could tell ours from theirs.
    const checked = decision.kind === "upstream" ? "simple/index.html" : result.path;
    const verdict = await gate.check(headerValue(request.headers, "authorization"), checked, request.clientIp);
    const refusal = refusalFor(verdict, config.gateRepository);
    const status = refusal ? refusal.status : decision.kind === "upstream" ? UPSTREAM_REDIRECT_STATUS : 200;
    log(JSON.stringify({ status, method: request.method, uri: request.uri, who: describeVerdict(verdict) }));
    if (refusal) return textResponse(request, refusal.status, refusal.body, refusal.headers);
    if (decision.kind === "upstream") {
      return textResponse(request, UPSTREAM_REDIRECT_STATUS, `Found: ${decision.location}`, { location: decision.location, "cache-control": `private, max-age=${config.indexMaxAgeSeconds}` });
    }
    // The token goes no further than GitHub's API: not to the origin, not into logs.
    delete request.headers.authorization;
    // The chosen file becomes the URI and so the cache key, as with the public CDN's function.
    request.uri = `/${result.path.split("/").map(encodeURIComponent).join("/")}`;
    return request;
  };
}
