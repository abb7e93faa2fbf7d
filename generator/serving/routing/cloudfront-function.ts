/**
 * The public CDN's viewer-request CloudFront Function: CloudFront's event in, the shared router's
 * verdict out, as a rewritten request (the chosen file becomes the URI, and so the cache key) or a
 * generated response. infra/cdn/edge-function.ts bundles it with the router into the function's
 * code; serve and the Lambda@Edge functions have their own adapters of the same router.
 *
 * cloudfront-js-2.0 facts this relies on (CloudFront developer guide, "CloudFront Functions event
 * structure" and "JavaScript runtime 2.0 features"): `event.request.uri` is the path as the viewer
 * sent it (percent-encoded); `querystring` is an object of `{ value, multiValue? }` whose values
 * are left percent-encoded; header names are lower-cased; a function may rewrite `uri` and return
 * the request, or return `{ statusCode, statusDescription, headers: { name: { value } }, body }`.
 * The language is ES 5.1 plus a few later features, so this module keeps to what esbuild can
 * lower to ES5 (no classes, for-of, destructuring or spread); the bundler refuses anything else.
 */
import { STATUS_TEXT } from "./status-text.js";
import { route } from "./router.js";

interface FunctionValue {
  value: string;
  multiValue?: FunctionValue[];
}

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring?: Record<string, FunctionValue>;
  headers?: Record<string, FunctionValue>;
  /** A 2.0 helper: the query string exactly as sent. */
  rawQueryString?: () => string;
}

export interface FunctionResponse {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, { value: string }>;
  body?: { encoding: "text"; data: string };
}

export interface FunctionEvent {
  request: FunctionRequest;
}

/**
 * The raw query string. rawQueryString() gives it exactly as sent; where it is missing, or empty
 * while parameters exist (the console's test harness), rebuild it from the parsed object, whose
 * values CloudFront leaves percent-encoded, so no re-encoding.
 */
function queryOf(request: FunctionRequest): string {
  const raw = typeof request.rawQueryString === "function" ? request.rawQueryString() : undefined;
  if (typeof raw === "string" && raw !== "") return raw;
  const qs = request.querystring || {};
  const parts: string[] = [];
  for (const name in qs) {
    const entry = qs[name] as FunctionValue;
    const values = entry.multiValue || [entry];
    for (let i = 0; i < values.length; i++) parts.push(name + "=" + (values[i] as FunctionValue).value);
  }
  return parts.join("&");
}

/** Repeated Accept headers arrive as multiValue; joined as Node joins them for the local server. */
function acceptOf(headers: FunctionRequest["headers"]): string | undefined {
  const h = headers && headers.accept;
  if (!h) return undefined;
  if (!h.multiValue) return h.value;
  const values: string[] = [];
  for (let i = 0; i < h.multiValue.length; i++) values.push((h.multiValue[i] as FunctionValue).value);
  return values.join(", ");
}

/** Like the local server's sendText: a short plain-text body (none for HEAD), no-store unless set. */
function textResponse(request: FunctionRequest, status: number, text: string, headers: Record<string, { value: string }>): FunctionResponse {
  headers["content-type"] = { value: "text/plain; charset=utf-8" };
  headers["x-content-type-options"] = { value: "nosniff" };
  if (!headers["cache-control"]) headers["cache-control"] = { value: "no-store" };
  const response: FunctionResponse = { statusCode: status, statusDescription: STATUS_TEXT[status] || "Error", headers };
  if (request.method !== "HEAD") response.body = { encoding: "text", data: text + "\n" };
  return response;
}

export function createCloudFrontHandler(options: { indexMaxAgeSeconds: number }): (event: FunctionEvent) => FunctionRequest | FunctionResponse {
  const maxAge = options.indexMaxAgeSeconds;
  return (event) => {
    const request = event.request;
    let result;
    try {
      result = route({ method: request.method, path: request.uri, query: queryOf(request), accept: acceptOf(request.headers) }, { indexMaxAgeSeconds: maxAge });
    } catch (e) {
      return textResponse(request, 500, "Internal Server Error", {});
    }
    if (result.kind === "file") {
      // Segments are re-encoded for S3 keys such as "foo-1.0+local-py3-none-any.whl".
      request.uri = "/" + result.path.split("/").map(encodeURIComponent).join("/");
      return request;
    }
    if (result.kind === "redirect") {
      return textResponse(request, 301, "Moved Permanently: " + result.location, {
        location: { value: result.location },
        "cache-control": { value: "public, max-age=" + maxAge },
      });
    }
    return textResponse(request, result.status, result.message, result.status === 405 ? { allow: { value: "GET, HEAD" } } : {});
  };
}
