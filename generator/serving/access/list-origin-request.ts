/**
 * A private index's list pages at the edge: a Lambda@Edge origin-request function on the CDN's
 * default behaviour, which CloudFront never caches. The gate (viewer-request,
 * lambda-edge-handler.ts) has checked the person and written the projects they may see into the
 * URI (list-uri.ts); this function renders the page from the entries baked into its bundle and
 * answers without asking the bucket. Any other request goes on to the bucket unchanged.
 *
 * Why two functions: a viewer-request function's package is 1 MB at most and its generated
 * response 40 KB, too small for the entries and the landing page of thousands of projects; an
 * origin-request function has 50 MB and 1 MB, and the page is sent gzipped when the viewer takes
 * gzip (the default behaviour's origin request policy forwards Accept-Encoding).
 */
import { gzipSync } from "node:zlib";
import type { EdgeRequest, EdgeResponse } from "../routing/lambda-edge-response.js";
import { headerValue, textResponse } from "../routing/lambda-edge-response.js";
import { PYPI_JSON, TEXT_HTML_UTF8 } from "../../protocol/media-types.js";
import { renderListPage, type ListPages } from "./list-pages.js";
import { listFingerprint, readListUri } from "./list-uri.js";
import { LIST_PAGE_CACHE_CONTROL, PRIVATE_CONTENT_SECURITY_POLICY } from "./responses.js";

export interface ListEdgeConfig {
  lists: ListPages;
}

export interface OriginRequestEvent {
  Records: { cf: { request: EdgeRequest } }[];
}

/** Lambda@Edge's limit for a response an origin-request function generates (headers and body), less room for the headers. */
export const GENERATED_BODY_MAX_BYTES = 1_000_000;

export function createListOriginRequestHandler(config: ListEdgeConfig, options: { log?: (line: string) => void } = {}): (event: OriginRequestEvent) => Promise<EdgeRequest | EdgeResponse> {
  const log = options.log ?? ((line: string) => console.log(line));
  const order = config.lists.projects.map((p) => p.name).sort();
  const fingerprint = listFingerprint(order);
  return async (event) => {
    const request = (event.Records[0] as OriginRequestEvent["Records"][number]).cf.request;
    if (!request.uri.startsWith("/.list/")) return request;
    const list = readListUri(request.uri, order, fingerprint);
    if (!list) {
      // Another build's gate (mid-deploy) or a URI the gate did not write: no list rather than a wrong one.
      log(JSON.stringify({ status: 503, uri: request.uri.slice(0, 40), why: "list URI from another build or not the gate's" }));
      return textResponse(request, 503, "Service Unavailable: the index is being updated; try again shortly.", { "retry-after": "5" });
    }
    const text = renderListPage(config.lists, list.sitePath, list.visible);
    // The site's own types for these paths (protocol/content-type.ts), spelled out: its MIME table would triple the bundle.
    const type = list.sitePath.endsWith(".json") ? PYPI_JSON : TEXT_HTML_UTF8;
    const headers: Record<string, string> = {
      "content-type": type,
      "cache-control": LIST_PAGE_CACHE_CONTROL,
      vary: list.sitePath === "index.html" ? "Authorization" : "Accept, Authorization",
      "content-security-policy": PRIVATE_CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
    };
    const gzip = /\bgzip\b/i.test(headerValue(request.headers, "accept-encoding") ?? "");
    const body = gzip ? gzipSync(Buffer.from(text, "utf8")) : Buffer.from(text, "utf8");
    if (gzip) headers["content-encoding"] = "gzip";
    if (body.length > GENERATED_BODY_MAX_BYTES) {
      log(JSON.stringify({ status: 500, page: list.sitePath, bytes: body.length, why: "larger than Lambda@Edge lets a function answer" }));
      return gzip
        ? textResponse(request, 500, "Internal Server Error: this list is too large to send.", {})
        : textResponse(request, 406, "Not Acceptable: this list is large; ask for it gzipped (Accept-Encoding: gzip).", {});
    }
    const response: EdgeResponse = {
      status: "200",
      statusDescription: "OK",
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [{ key: k, value: v }]])),
    };
    if (request.method !== "HEAD") {
      response.body = body.toString("base64");
      response.bodyEncoding = "base64";
    }
    return response;
  };
}
