/**
 * URL routing for the built site, shared by the local server (`github-pypi serve`), the public
 * CDN's CloudFront Function (cloudfront-js-2.0, viewer-request; bundled with its adapter by
 * infra/cdn/edge-function.ts) and the Lambda@Edge functions.
 *
 * It runs in CloudFront's ES 5.1 runtime, so it uses no Node APIs, no classes and conservative
 * syntax (plain `for` loops, `indexOf` instead of `startsWith`, no spread or destructuring), and
 * imports only modules that keep the same rules (names/normalize.ts and the contracts in
 * protocol/ it shares with the build); the bundler refuses anything it cannot lower to ES5.
 *
 * Status codes chosen here:
 * - 405 for any method other than GET and HEAD (the caller should add `Allow: GET, HEAD`).
 * - 400 for a path that is not origin-form (does not start with `/`), has bad percent-encoding,
 *   or contains, after decoding, a `.` or `..` segment, a NUL, a backslash or an encoded `/`;
 *   400 also for a `?format=` value with bad percent-encoding.
 * - 404 for empty interior segments (`//`), dotfile segments (`.nojekyll`), anything deeper than
 *   `/simple/<project>/index.{html,json}`, and invalid project names under `/simple/`.
 * - 406 when neither the Accept header nor a `?format=` value selects an available
 *   representation; an unknown `?format=` value is a 406 too (it names a representation we
 *   do not have), with the message listing the available media types.
 * - 301 for `/simple`, `/simple/<name>` and non-normalised project names (also `/project/<name>`,
 *   the catalog page); the query is kept.
 */

import { isValidProjectName, normalizeName as normaliseName } from "../../names/normalize.js";
import { cacheControlFor, indexCacheControl, indexMaxAge } from "../../protocol/cache-control.js";
import { PYPI_HTML, PYPI_JSON, TEXT_HTML, TEXT_HTML_UTF8 } from "../../protocol/media-types.js";
import { NAMESPACE_PREFIX, NAMESPACES_PATH } from "../../protocol/site-paths.js";

export interface RouteRequest {
  method: string;
  /** The raw URL path, percent-encoded as received, starting with `/`. */
  path: string;
  /** The raw query string, with or without the leading `?` (may be empty). */
  query: string;
  accept?: string | undefined;
}

export type RouteResult =
  | { kind: "redirect"; status: 301; location: string }
  | { kind: "file"; path: string; contentType?: string; cacheControl: string; vary?: "Accept" }
  | { kind: "error"; status: 400 | 404 | 405 | 406; message: string };

export interface RouteOptions {
  /** max-age for index pages, the landing page and anything else that can change; protocol/cache-control.ts has the default. */
  indexMaxAgeSeconds?: number;
}

export type SimpleFormat = "json" | "v1html" | "html";

const AVAILABLE_TYPES = PYPI_JSON + ", " + PYPI_HTML + ", " + TEXT_HTML;

// ---------------------------------------------------------------------------------------------
// Content negotiation

interface Candidate {
  format: SimpleFormat;
  type: string;
  subtype: string;
  /** PEP 691 "latest" alias, matched as if it were the versioned subtype. */
  alias: string;
}

/** In server preference order (used to break ties between explicitly requested types). */
const CANDIDATES: Candidate[] = [
  { format: "json", type: "application", subtype: "vnd.pypi.simple.v1+json", alias: "vnd.pypi.simple.latest+json" },
  { format: "v1html", type: "application", subtype: "vnd.pypi.simple.v1+html", alias: "vnd.pypi.simple.latest+html" },
  { format: "html", type: "text", subtype: "html", alias: "" },
];

/** Tie order when the winners were only reached through `*` / `*` (old clients, browsers). */
const WILDCARD_TIE_ORDER: SimpleFormat[] = ["html", "json", "v1html"];
const SERVER_TIE_ORDER: SimpleFormat[] = ["json", "v1html", "html"];

interface MediaRange {
  type: string;
  subtype: string;
  /** Media-type parameters (names lower-cased), excluding `q` and any accept-ext after it. */
  params: string[][];
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Split on `sep` outside double-quoted strings (backslash escapes honoured inside quotes). */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (quoted) {
      cur += c;
      if (c === "\\" && i + 1 < s.length) {
        i++;
        cur += s.charAt(i);
      } else if (c === '"') {
        quoted = false;
      }
    } else if (c === '"') {
      quoted = true;
      cur += c;
    } else if (c === sep) {
      out.push(cur);
      cur = "";
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.charAt(0) === '"' && v.charAt(v.length - 1) === '"') {
    return v.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return v;
}

/** q-value: RFC 9110 allows 0..1 with up to three decimals; be lenient and clamp. */
function parseQ(v: string): number {
  const n = parseFloat(v);
  if (!isFinite(n) || n <= 0) return 0;
  return n > 1 ? 1 : n;
}

/** Parse an Accept header into media ranges; malformed elements are skipped. */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  const elements = splitOutsideQuotes(header, ",");
  for (let i = 0; i < elements.length; i++) {
    const parts = splitOutsideQuotes(elements[i] as string, ";");
    const mediaRange = (parts[0] as string).trim().toLowerCase();
    const slash = mediaRange.indexOf("/");
    if (slash <= 0) continue;
    const type = mediaRange.slice(0, slash);
    const subtype = mediaRange.slice(slash + 1);
    if (!TOKEN.test(type) || !TOKEN.test(subtype)) continue;
    if (type === "*" && subtype !== "*") continue; // "*/html" is not a valid media range
    const params: string[][] = [];
    let q = 1;
    let bad = false;
    for (let j = 1; j < parts.length; j++) {
      const p = (parts[j] as string).trim();
      if (p === "") continue;
      const eq = p.indexOf("=");
      if (eq <= 0) {
        bad = true;
        break;
      }
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = unquote(p.slice(eq + 1).trim());
      if (name === "q") {
        q = parseQ(value);
        break; // anything after the weight is accept-ext, not a media-type parameter
      }
      params.push([name, value]);
    }
    if (bad) continue;
    ranges.push({ type: type, subtype: subtype, params: params, q: q });
  }
  return ranges;
}

/**
 * Specificity of `range` for `c` (type 4 + subtype 2 + parameters 1, as in RFC 9110's
 * "most specific reference has precedence"), or -1 when it does not match. Our
 * representations have no parameters except that all are UTF-8, so a range's parameters
 * match only if they are just `charset=utf-8`.
 */
function specificity(range: MediaRange, c: Candidate): number {
  let s = 0;
  if (range.type === c.type) s += 4;
  else if (range.type !== "*") return -1;
  if (range.subtype === c.subtype || (c.alias !== "" && range.subtype === c.alias)) s += 2;
  else if (range.subtype !== "*") return -1;
  if (range.params.length > 0) {
    for (let i = 0; i < range.params.length; i++) {
      const p = range.params[i] as string[];
      if (p[0] !== "charset" || (p[1] as string).toLowerCase() !== "utf-8") return -1;
    }
    s += 1;
  }
  return s;
}

function formatFromParameter(format: string): SimpleFormat | null {
  // A "+" in a query string may arrive decoded as a space (form encoding); accept both.
  const f = format.trim().toLowerCase().replace(/ /g, "+");
  if (f === "json" || f === PYPI_JSON || f === "application/vnd.pypi.simple.latest+json") return "json";
  if (f === PYPI_HTML || f === "application/vnd.pypi.simple.latest+html") return "v1html";
  if (f === "html" || f === TEXT_HTML) return "html";
  return null;
}

/**
 * Choose the representation of a /simple/ page.
 *
 * `format` (the `?format=` value: a media type or `json`/`html`) overrides the Accept header
 * when present; an unknown value gives null. Otherwise each candidate gets the q of the most
 * specific media range that matches it (q=0: not acceptable); the highest q wins. Ties go to
 * the candidate matched more specifically, then to server preference json > v1html > html,
 * except that when the tied winners were only reached through `*` / `*`, plain text/html wins
 * (compatibility: browsers, curl and old clients). A missing or empty header (or one with no
 * parseable media range) means text/html. Returns null when nothing is acceptable.
 */
export function negotiate(accept: string | undefined, format?: string): SimpleFormat | null {
  if (format !== undefined && format !== "") return formatFromParameter(format);
  if (accept === undefined) return "html";
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return "html";

  let bestQ = 0;
  let bestS = -1;
  const scored: { format: SimpleFormat; q: number; s: number }[] = [];
  for (let i = 0; i < CANDIDATES.length; i++) {
    const c = CANDIDATES[i] as Candidate;
    let s = -1;
    let q = 0;
    for (let j = 0; j < ranges.length; j++) {
      const r = ranges[j] as MediaRange;
      const rs = specificity(r, c);
      if (rs > s || (rs === s && rs >= 0 && r.q > q)) {
        s = rs;
        q = r.q;
      }
    }
    if (s < 0 || q <= 0) continue;
    scored.push({ format: c.format, q: q, s: s });
    if (q > bestQ || (q === bestQ && s > bestS)) {
      bestQ = q;
      bestS = s;
    }
  }
  if (scored.length === 0) return null;

  const order = bestS < 4 ? WILDCARD_TIE_ORDER : SERVER_TIE_ORDER;
  for (let i = 0; i < order.length; i++) {
    for (let j = 0; j < scored.length; j++) {
      const sc = scored[j] as { format: SimpleFormat; q: number; s: number };
      if (sc.format === order[i] && sc.q === bestQ && sc.s === bestS) return sc.format;
    }
  }
  return null; // unreachable
}

// ---------------------------------------------------------------------------------------------
// Routing

function error(status: 400 | 404 | 405 | 406, message: string): RouteResult {
  return { kind: "error", status: status, message: message };
}

function redirect(location: string, query: string): RouteResult {
  return { kind: "redirect", status: 301, location: query === "" ? location : location + "?" + query };
}

/** The value of the first `format` parameter in a raw query string; undefined if absent, null if badly encoded. */
function formatParameter(query: string): string | undefined | null {
  const pairs = query.split("&");
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (name !== "format") continue;
    try {
      return decodeURIComponent(eq < 0 ? "" : pair.slice(eq + 1));
    } catch (e) {
      return null;
    }
  }
  return undefined;
}

function negotiated(basePath: string, req: RouteRequest, query: string, maxAge: number): RouteResult {
  const fmt = formatParameter(query);
  if (fmt === null) return error(400, "Bad percent-encoding in the format parameter.");
  const chosen = negotiate(req.accept, fmt);
  if (chosen === null) {
    return error(406, "Not Acceptable. Available media types: " + AVAILABLE_TYPES);
  }
  const cacheControl = indexCacheControl(maxAge);
  if (chosen === "json") {
    return { kind: "file", path: basePath + "index.json", contentType: PYPI_JSON, cacheControl: cacheControl, vary: "Accept" };
  }
  return {
    kind: "file",
    path: basePath + "index.html",
    contentType: chosen === "v1html" ? PYPI_HTML : TEXT_HTML_UTF8,
    cacheControl: cacheControl,
    vary: "Accept",
  };
}

function routeSimple(segs: string[], trailingSlash: boolean, req: RouteRequest, query: string, maxAge: number): RouteResult {
  // segs[0] === "simple"
  if (segs.length === 1) {
    return trailingSlash ? negotiated("simple/", req, query, maxAge) : redirect("/simple/", query);
  }
  const name = segs[1] as string;
  if (segs.length === 2 && !trailingSlash && (name === "index.html" || name === "index.json")) {
    return { kind: "file", path: "simple/" + name, cacheControl: cacheControlFor("simple/" + name, maxAge) };
  }
  // PEP 752: /simple/namespaces and /simple/namespace/<name>, without a trailing slash (with one, a project page).
  if (segs.length === 2 && !trailingSlash && name === "namespaces") {
    return { kind: "file", path: NAMESPACES_PATH, contentType: PYPI_JSON, cacheControl: cacheControlFor(NAMESPACES_PATH, maxAge) };
  }
  if (segs.length === 3 && !trailingSlash && name === "namespace") {
    const grant = segs[2] as string;
    if (!isValidProjectName(grant)) return error(404, "Not Found");
    const normGrant = normaliseName(grant);
    if (grant !== normGrant) return redirect("/" + NAMESPACE_PREFIX + normGrant, query);
    return { kind: "file", path: NAMESPACE_PREFIX + normGrant, contentType: PYPI_JSON, cacheControl: cacheControlFor(NAMESPACE_PREFIX + normGrant, maxAge) };
  }
  if (!isValidProjectName(name)) return error(404, "Not Found");
  const norm = normaliseName(name);
  if (segs.length === 2) {
    if (!trailingSlash || name !== norm) return redirect("/simple/" + norm + "/", query);
    return negotiated("simple/" + norm + "/", req, query, maxAge);
  }
  const file = segs[2] as string;
  if (segs.length === 3 && !trailingSlash && (file === "index.html" || file === "index.json")) {
    if (name !== norm) return redirect("/simple/" + norm + "/" + file, query);
    const p = "simple/" + norm + "/" + file;
    return { kind: "file", path: p, cacheControl: cacheControlFor(p, maxAge) };
  }
  return error(404, "Not Found");
}

/**
 * Map a request to a file of the built site (site-relative, decoded, no leading slash), a
 * redirect or an error. See the module comment for the status codes.
 */
export function route(req: RouteRequest, options?: RouteOptions): RouteResult {
  const maxAge = indexMaxAge(options ? options.indexMaxAgeSeconds : undefined);
  if (req.method !== "GET" && req.method !== "HEAD") return error(405, "Method Not Allowed");

  const raw = req.path;
  if (raw.charAt(0) !== "/") return error(400, "Bad Request");
  const query = req.query.charAt(0) === "?" ? req.query.slice(1) : req.query;

  const trailingSlash = raw.charAt(raw.length - 1) === "/";
  const segs: string[] = [];
  if (raw !== "/") {
    const rawSegs = raw.slice(1, trailingSlash ? -1 : undefined).split("/");
    for (let i = 0; i < rawSegs.length; i++) {
      let seg: string;
      try {
        seg = decodeURIComponent(rawSegs[i] as string);
      } catch (e) {
        return error(400, "Bad percent-encoding in the path.");
      }
      if (seg === "." || seg === ".." || seg.indexOf("\0") >= 0 || seg.indexOf("\\") >= 0 || seg.indexOf("/") >= 0) {
        return error(400, "Bad Request");
      }
      segs.push(seg);
    }
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i] as string;
      if (seg === "" || seg.charAt(0) === ".") return error(404, "Not Found");
    }
  }

  if (segs.length === 0) {
    return { kind: "file", path: "index.html", cacheControl: cacheControlFor("index.html", maxAge) };
  }
  if (segs[0] === "simple") return routeSimple(segs, trailingSlash, req, query, maxAge);
  if (segs[0] === "project" && segs.length === 2) {
    // A catalog page: other spellings redirect for any valid name, so no redirect tells which projects exist.
    const name = segs[1] as string;
    if (!isValidProjectName(name)) return error(404, "Not Found");
    const norm = normaliseName(name);
    if (!trailingSlash || name !== norm) return redirect("/project/" + norm + "/", query);
  }

  const p = segs.join("/") + (trailingSlash ? "/index.html" : "");
  return { kind: "file", path: p, cacheControl: cacheControlFor(p, maxAge) };
}
