/**
 * The CloudFront Function (viewer-request) that routes requests at the edge exactly as the local
 * server does: its code is generated from the one shared router, generator/routing/router.ts,
 * plus a small `handler` that adapts CloudFront's event to a RouteRequest and the RouteResult
 * back to CloudFront (a rewritten request, or a generated response).
 *
 * cloudfront-js-2.0 facts this relies on (CloudFront developer guide, "CloudFront Functions event
 * structure" and "JavaScript runtime 2.0 features"):
 * - the code is a plain script (no import/export/require of our own) with a top-level
 *   `function handler(event)`, run in strict mode, at most 10 KB;
 * - the language is ES 5.1 plus a few later features (const/let, arrow functions, template
 *   literals, ...), so we emit ES5 with const/let and let esbuild refuse anything else;
 * - `event.request.uri` is the path as the viewer sent it (percent-encoded); `querystring` is an
 *   object of `{ value, multiValue? }` whose values are left percent-encoded (AWS's own examples
 *   rebuild query strings by plain concatenation); header names are lower-cased; a function may
 *   rewrite `uri` and return the request, or return a response
 *   `{ statusCode, statusDescription, headers: { name: { value } }, body: { encoding, data } }`.
 */
import { readFileSync } from "node:fs";
import { transformSync, type TransformOptions } from "esbuild";

/** The CloudFront Functions runtime the generated code is written for. */
export const EDGE_FUNCTION_RUNTIME = "cloudfront-js-2.0";
/** CloudFront's size limit for a function's code, in bytes. */
export const EDGE_FUNCTION_MAX_BYTES = 10_240;

const ROUTER_SOURCE = new URL("../../generator/routing/router.ts", import.meta.url);
/** The router's exports live on this one global (an IIFE), since the runtime has no modules. */
const ROUTER_GLOBAL = "githubPypiRouter";

/**
 * ES5 plus const/let, a conservative subset of what 2.0 documents: esbuild lowers what it can (arrow functions,
 * template literals, shorthand properties, `?.`, `??`) and fails the build on what it cannot
 * (classes, for-of, destructuring, spread/rest, default parameters, generators, async), so a
 * router change the runtime could not run breaks `pulumi up` here rather than at the edge.
 */
const SYNTAX: TransformOptions = { target: "es5", supported: { "const-and-let": true }, legalComments: "none" };

/**
 * The adapter between CloudFront's event and the router, in plain ES5. Kept as source text (not a
 * function's toString()) so that no loader can add helpers to it.
 */
function handlerSource(indexMaxAgeSeconds: number): string {
  return `
var MAX_AGE = ${indexMaxAgeSeconds};
var STATUS_TEXT = { 301: "Moved Permanently", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 500: "Internal Server Error" };

// The raw query string. rawQueryString() (a 2.0 helper) gives it exactly as sent; where it is
// missing, or empty while parameters exist (the console's test harness), rebuild it from the
// parsed object, whose values CloudFront leaves percent-encoded, so no re-encoding.
function queryOf(request) {
  var raw = typeof request.rawQueryString === "function" ? request.rawQueryString() : undefined;
  if (typeof raw === "string" && raw !== "") return raw;
  var qs = request.querystring || {};
  var parts = [];
  for (var name in qs) {
    var values = qs[name].multiValue || [qs[name]];
    for (var i = 0; i < values.length; i++) parts.push(name + "=" + values[i].value);
  }
  return parts.join("&");
}

// Repeated Accept headers arrive as multiValue; join them as Node does for the local server.
function acceptOf(headers) {
  var h = headers && headers.accept;
  if (!h) return undefined;
  if (!h.multiValue) return h.value;
  var values = [];
  for (var i = 0; i < h.multiValue.length; i++) values.push(h.multiValue[i].value);
  return values.join(", ");
}

// Like the local server's sendText: a short plain-text body (none for HEAD), no-store unless set.
function textResponse(request, status, text, headers) {
  headers["content-type"] = { value: "text/plain; charset=utf-8" };
  headers["x-content-type-options"] = { value: "nosniff" };
  if (!headers["cache-control"]) headers["cache-control"] = { value: "no-store" };
  var response = { statusCode: status, statusDescription: STATUS_TEXT[status], headers: headers };
  if (request.method !== "HEAD") response.body = { encoding: "text", data: text + "\\n" };
  return response;
}

function handler(event) {
  var request = event.request;
  var result;
  try {
    result = ${ROUTER_GLOBAL}.route(
      { method: request.method, path: request.uri, query: queryOf(request), accept: acceptOf(request.headers) },
      { indexMaxAgeSeconds: MAX_AGE }
    );
  } catch (e) {
    return textResponse(request, 500, "Internal Server Error", {});
  }
  if (result.kind === "file") {
    // The chosen file becomes the URI, and so the cache key: one cached object per
    // representation without keying on Accept. Segments are re-encoded for S3 keys such as
    // "foo-1.0+local-py3-none-any.whl".
    request.uri = "/" + result.path.split("/").map(encodeURIComponent).join("/");
    return request;
  }
  if (result.kind === "redirect") {
    return textResponse(request, 301, "Moved Permanently: " + result.location, {
      location: { value: result.location },
      "cache-control": { value: "public, max-age=" + MAX_AGE }
    });
  }
  return textResponse(request, result.status, result.message, result.status === 405 ? { allow: { value: "GET, HEAD" } } : {});
}
`;
}

/**
 * The code of the viewer-request function (runtime cloudfront-js-2.0) for an index whose pages
 * may be cached for `indexMaxAgeSeconds`. Deterministic: the same router and options give the
 * same bytes, so an unchanged function is not republished.
 */
export function viewerRequestFunctionCode(options: { indexMaxAgeSeconds: number }): string {
  const maxAge: unknown = options.indexMaxAgeSeconds;
  if (typeof maxAge !== "number" || !Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new Error(`indexMaxAgeSeconds must be a non-negative integer, got ${String(maxAge)}`);
  }
  // The router's exports become properties of one global object; no module syntax survives.
  const router = transformSync(readFileSync(ROUTER_SOURCE, "utf8"), {
    ...SYNTAX,
    loader: "ts",
    format: "iife",
    globalName: ROUTER_GLOBAL,
    sourcefile: "generator/routing/router.ts",
  }).code;
  // One minifying pass over router + handler: no format, so the top-level `handler` keeps its name.
  const code =
    "// github-pypi edge routing, generated from generator/routing/router.ts; do not edit.\n" +
    transformSync(router + handlerSource(maxAge), { ...SYNTAX, loader: "js", minify: true, sourcefile: "edge-function.js" }).code;
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > EDGE_FUNCTION_MAX_BYTES) {
    throw new Error(`The edge function is ${bytes} bytes; CloudFront Functions allow ${EDGE_FUNCTION_MAX_BYTES}.`);
  }
  return code;
}
