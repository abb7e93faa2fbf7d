import assert from "node:assert/strict";
import { describe, test } from "node:test";
import vm from "node:vm";
import ts from "typescript";
import { EDGE_FUNCTION_MAX_BYTES, EDGE_FUNCTION_RUNTIME, viewerRequestFunctionCode } from "../infra/cdn/edge-function.js";
import { PYPI_HTML, PYPI_JSON } from "../generator/protocol/media-types.js";
import { route, type RouteResult } from "../generator/serving/routing/router.js";

const PIP = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
const UV = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const TEXT_PLAIN = "text/plain; charset=utf-8";
const MAX_AGE = 300;

// ---------------------------------------------------------------------------------------------
// cloudfront-js-2.0 shapes (CloudFront developer guide, "CloudFront Functions event structure").

interface CfValue {
  value: string;
  multiValue?: { value: string }[];
}
type CfValues = Record<string, CfValue>;
interface CfRequest {
  method: string;
  uri: string;
  querystring: CfValues;
  headers: CfValues;
  cookies: CfValues;
  rawQueryString?: () => string | undefined;
}
interface CfEvent {
  version: "1.0";
  context: { distributionDomainName: string; distributionId: string; eventType: "viewer-request"; requestId: string };
  viewer: { ip: string };
  request: CfRequest;
}
interface CfResponse {
  statusCode: number;
  statusDescription?: string;
  headers: CfValues;
  body?: { encoding: "text" | "base64"; data: string };
}
type Handler = (event: CfEvent) => CfRequest | CfResponse;

/** Name/value pairs in CloudFront's form: repeated names collapse into one field with multiValue. */
function cfValues(pairs: [string, string][]): CfValues {
  const out: CfValues = {};
  for (const [name, value] of pairs) {
    const field = out[name];
    if (field === undefined) out[name] = { value };
    else (field.multiValue ??= [{ value: field.value }]).push({ value });
  }
  return out;
}

interface EventOptions {
  method?: string;
  accept?: string | string[];
  /** Offer the runtime's rawQueryString() helper (true) or only the parsed object (false). */
  rawQueryString?: boolean;
}

/**
 * The event CloudFront builds for `target` (path and query exactly as on the request line): the
 * uri and the query values stay percent-encoded, header names are lower-case.
 */
function viewerRequest(target: string, options: EventOptions = {}): CfEvent {
  const q = target.indexOf("?");
  const uri = q < 0 ? target : target.slice(0, q);
  const raw = q < 0 ? undefined : target.slice(q + 1);
  const pairs: [string, string][] = (raw ?? "")
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
    });
  const headerPairs: [string, string][] = [
    ["host", "pypi.example.org"],
    ["user-agent", "pip/24.0"],
  ];
  const accepts = options.accept === undefined ? [] : Array.isArray(options.accept) ? options.accept : [options.accept];
  for (const a of accepts) headerPairs.push(["accept", a]);
  const request: CfRequest = {
    method: options.method ?? "GET",
    uri,
    querystring: cfValues(pairs),
    headers: cfValues(headerPairs),
    cookies: {},
  };
  if (options.rawQueryString) request.rawQueryString = () => raw;
  return {
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: "EXAMPLE-request-id",
    },
    viewer: { ip: "198.51.100.11" },
    request,
  };
}

// ---------------------------------------------------------------------------------------------
// The generated code, run as CloudFront runs it.

/**
 * A context with nothing beyond the ECMAScript built-ins: no require, process, Buffer or module.
 * V8 puts a `console` and some later built-ins into every new context; they are shadowed with
 * undefined here, so the code cannot lean on anything the cloudfront-js-2.0 documentation does not
 * list (its console is for logging only, and we do not log).
 */
const HIDDEN_GLOBALS = [
  "console",
  "Symbol",
  "Reflect",
  "Proxy",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "Intl",
  "BigInt",
  "SharedArrayBuffer",
  "Atomics",
  "WebAssembly",
  "eval",
];

function load(code: string): Handler {
  const sandbox: Record<string, unknown> = {};
  for (const name of HIDDEN_GLOBALS) sandbox[name] = undefined;
  // CloudFront runs functions in strict mode.
  vm.runInNewContext(`"use strict";\n${code}`, sandbox, { filename: "edge-function.js" });
  const handler = sandbox.handler;
  assert.equal(typeof handler, "function");
  return handler as Handler;
}

const CODE = viewerRequestFunctionCode({ indexMaxAgeSeconds: MAX_AGE });
const handler = load(CODE);

/** Objects from the VM have the VM's prototypes; compare plain copies. */
function plain<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function isResponse(out: CfRequest | CfResponse): out is CfResponse {
  return "statusCode" in out;
}

function run(target: string, options: EventOptions = {}): CfRequest | CfResponse {
  return handler(viewerRequest(target, options));
}

function rewritten(target: string, options: EventOptions = {}): string {
  const out = run(target, options);
  assert.ok(!isResponse(out), `${target}: expected the request to continue, got ${JSON.stringify(out)}`);
  return out.uri;
}

function response(target: string, options: EventOptions = {}): CfResponse {
  const out = run(target, options);
  assert.ok(isResponse(out), `${target}: expected a response, got ${JSON.stringify(out)}`);
  return plain(out);
}

function header(res: CfResponse, name: string): string | undefined {
  return res.headers[name]?.value;
}

// ---------------------------------------------------------------------------------------------

describe("edge function: real clients", () => {
  test("pip and uv get the JSON index files", () => {
    for (const accept of [PIP, UV]) {
      assert.equal(rewritten("/simple/", { accept }), "/simple/index.json");
      assert.equal(rewritten("/simple/foo-bar/", { accept }), "/simple/foo-bar/index.json");
    }
  });

  test("a browser, and a client sending no Accept, get the HTML index files", () => {
    assert.equal(rewritten("/simple/", { accept: FIREFOX }), "/simple/index.html");
    assert.equal(rewritten("/simple/foo-bar/", { accept: FIREFOX }), "/simple/foo-bar/index.html");
    assert.equal(rewritten("/simple/foo-bar/", { accept: CHROME }), "/simple/foo-bar/index.html");
    assert.equal(rewritten("/simple/"), "/simple/index.html");
    assert.equal(rewritten("/simple/foo-bar/"), "/simple/foo-bar/index.html");
    // v1+html is served from the same file (see the report on its Content-Type).
    assert.equal(rewritten("/simple/foo-bar/", { accept: PYPI_HTML }), "/simple/foo-bar/index.html");
  });

  test("?format= as a real client sends it (percent-encoded) overrides Accept", () => {
    for (const rawQueryString of [false, true]) {
      const target = "/simple/foo-bar/?format=application%2Fvnd.pypi.simple.v1%2Bjson";
      const event = viewerRequest(target, { accept: FIREFOX, rawQueryString });
      // CloudFront hands the value over still encoded.
      assert.equal(event.request.querystring.format?.value, "application%2Fvnd.pypi.simple.v1%2Bjson");
      const out = handler(event);
      assert.ok(!isResponse(out));
      assert.equal(out.uri, "/simple/foo-bar/index.json");
      assert.equal(rewritten("/simple/?format=json", { accept: FIREFOX, rawQueryString }), "/simple/index.json");
      assert.equal(rewritten("/simple/?format=text%2Fhtml", { accept: PIP, rawQueryString }), "/simple/index.html");
      assert.equal(rewritten(`/simple/?format=${encodeURIComponent(PYPI_HTML)}`, { accept: PIP, rawQueryString }), "/simple/index.html");
    }
  });

  test("repeated Accept headers (multiValue) are joined as the local server sees them", () => {
    assert.equal(rewritten("/simple/", { accept: ["application/xml", PYPI_JSON] }), "/simple/index.json");
    assert.equal(rewritten("/simple/", { accept: ["text/html;q=0.5", "application/vnd.pypi.simple.v1+json"] }), "/simple/index.json");
  });

  test("406 when nothing acceptable, listing the media types", () => {
    const res = response("/simple/foo-bar/", { accept: "application/xml" });
    assert.equal(res.statusCode, 406);
    assert.equal(res.statusDescription, "Not Acceptable");
    assert.equal(header(res, "content-type"), TEXT_PLAIN);
    assert.equal(header(res, "cache-control"), "no-store");
    assert.equal(res.body?.encoding, "text");
    for (const t of [PYPI_JSON, PYPI_HTML, "text/html"]) assert.ok(res.body?.data.includes(t), t);
    assert.equal(response("/simple/?format=yaml", { accept: PIP }).statusCode, 406);
    assert.equal(response("/simple/?format=%zz", { accept: PIP }).statusCode, 400);
  });
});

describe("edge function: redirects", () => {
  test("non-normalised names and missing slashes, query kept", () => {
    const cases: [string, string][] = [
      ["/simple/Foo_Bar/", "/simple/foo-bar/"],
      ["/simple/Foo_Bar/?format=json&x=1", "/simple/foo-bar/?format=json&x=1"],
      ["/simple/zope.interface/", "/simple/zope-interface/"],
      ["/simple/foo", "/simple/foo/"],
      ["/simple/foo?x=1", "/simple/foo/?x=1"],
      ["/simple", "/simple/"],
      ["/simple?format=application%2Fvnd.pypi.simple.v1%2Bjson", "/simple/?format=application%2Fvnd.pypi.simple.v1%2Bjson"],
      ["/simple/Foo_Bar/index.json?x=1", "/simple/foo-bar/index.json?x=1"],
    ];
    for (const rawQueryString of [false, true]) {
      for (const [from, to] of cases) {
        const res = response(from, { accept: PIP, rawQueryString });
        assert.equal(res.statusCode, 301, from);
        assert.equal(res.statusDescription, "Moved Permanently");
        assert.equal(header(res, "location"), to, from);
        assert.equal(header(res, "cache-control"), `public, max-age=${MAX_AGE}`, from);
        assert.equal(header(res, "content-type"), TEXT_PLAIN);
        assert.equal(res.body?.data, `Moved Permanently: ${to}\n`);
      }
    }
  });

  test("rawQueryString() keeps the query byte for byte; without it the parsed pairs are rebuilt", () => {
    const target = "/simple/Foo/?b=2&a=1&b=3&flag";
    assert.equal(header(response(target, { rawQueryString: true }), "location"), "/simple/foo/?b=2&a=1&b=3&flag");
    // Same parameters and values; repeated names grouped, a bare name gets "=".
    assert.equal(header(response(target, { rawQueryString: false }), "location"), "/simple/foo/?b=2&b=3&a=1&flag=");
    // The console's test harness: rawQueryString() gives "" although there are parameters.
    const event = viewerRequest("/simple?format=json");
    event.request.rawQueryString = () => "";
    const res = plain(handler(event));
    assert.ok(isResponse(res));
    assert.equal(header(res, "location"), "/simple/?format=json");
  });
});

describe("edge function: files", () => {
  test("the landing page and /simple/ are rewritten to their index files", () => {
    assert.equal(rewritten("/"), "/index.html");
    assert.equal(rewritten("/", { accept: PIP }), "/index.html");
    assert.equal(rewritten("/simple/"), "/simple/index.html");
    assert.equal(rewritten("/simple/", { accept: PIP }), "/simple/index.json");
    assert.equal(rewritten("/files/"), "/files/index.html");
    assert.equal(rewritten("/simple/foo-bar/index.json", { accept: FIREFOX }), "/simple/foo-bar/index.json");
  });

  test("distribution files and .metadata pass through, the request otherwise untouched", () => {
    const wheel = "/files/foo/foo-1.0-py3-none-any.whl";
    const event = viewerRequest(`${wheel}?x=1`, { accept: PIP });
    const before = plain(event.request);
    const out = handler(event);
    assert.ok(!isResponse(out));
    assert.equal(out, event.request); // the same request object continues
    assert.deepEqual(plain(out), { ...before, uri: wheel });
    assert.equal(rewritten(`${wheel}.metadata`), `${wheel}.metadata`);
    assert.equal(rewritten("/files/foo/foo-1.0.tar.gz"), "/files/foo/foo-1.0.tar.gz");
  });

  test("paths are decoded by the router and re-encoded per segment for S3", () => {
    // "+" of a local version: a literal plus in the key, unambiguous once encoded.
    assert.equal(rewritten("/files/foo/foo-1.0%2Blocal-py3-none-any.whl"), "/files/foo/foo-1.0%2Blocal-py3-none-any.whl");
    assert.equal(rewritten("/files/foo/foo-1.0+local-py3-none-any.whl"), "/files/foo/foo-1.0%2Blocal-py3-none-any.whl");
    assert.equal(rewritten("/a%20b.txt"), "/a%20b.txt");
    assert.equal(rewritten("/files/foo/%e5%ae%b6-1.0.tar.gz"), "/files/foo/%E5%AE%B6-1.0.tar.gz");
    assert.equal(rewritten("/files/foo/foo_bar-1.0~rc1.tar.gz"), "/files/foo/foo_bar-1.0~rc1.tar.gz");
  });
});

describe("edge function: errors", () => {
  test("404 for dotfiles, 400 for traversal, with a text body", () => {
    for (const p of ["/.nojekyll", "/%2enojekyll", "/.git/config", "/files/.hidden", "/simple/nope/x"]) {
      const res = response(p);
      assert.equal(res.statusCode, 404, p);
      assert.equal(res.body?.data, "Not Found\n", p);
      assert.equal(header(res, "content-type"), TEXT_PLAIN);
    }
    for (const p of ["/simple/%2e%2e/x", "/../package.json", "/files/%2e%2e/%2e%2e/etc/passwd", "/..%2fx", "/%zz"]) {
      const res = response(p);
      assert.equal(res.statusCode, 400, p);
      assert.equal(res.statusDescription, "Bad Request", p);
    }
  });

  test("405 for POST and friends, with Allow", () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const res = response("/simple/", { method });
      assert.equal(res.statusCode, 405, method);
      assert.equal(res.statusDescription, "Method Not Allowed");
      assert.equal(header(res, "allow"), "GET, HEAD", method);
      assert.equal(res.body?.data, "Method Not Allowed\n");
    }
    assert.equal(header(response("/simple/nope/x"), "allow"), undefined);
  });

  test("a request the router cannot take is a 500, as on the local server, not a function error", () => {
    const event = viewerRequest("/");
    (event.request as { uri?: string }).uri = undefined;
    const res = plain(handler(event));
    assert.ok(isResponse(res));
    assert.equal(res.statusCode, 500);
    assert.equal(res.body?.data, "Internal Server Error\n");
  });

  test("HEAD: same status and headers, no body", () => {
    assert.equal(rewritten("/simple/", { method: "HEAD", accept: PIP }), "/simple/index.json");
    const res = response("/.nojekyll", { method: "HEAD" });
    assert.equal(res.statusCode, 404);
    assert.equal(res.body, undefined);
    assert.equal(header(res, "content-type"), TEXT_PLAIN);
    assert.equal(response("/simple", { method: "HEAD" }).body, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// One routing source for both hosts: for every case the edge decides exactly what route() decides.

type Decision = { kind: "file"; uri: string; path: string } | { kind: "redirect"; location: string } | { kind: "error"; status: number; body: string };

/** What the local server would send, as a decision; HEAD responses carry no body on either host. */
function routerDecision(r: RouteResult, method: string): Decision {
  switch (r.kind) {
    case "file":
      return { kind: "file", uri: "/" + r.path.split("/").map(encodeURIComponent).join("/"), path: r.path };
    case "redirect":
      return { kind: "redirect", location: r.location };
    case "error":
      return { kind: "error", status: r.status, body: method === "HEAD" ? "(none)" : r.message + "\n" };
  }
}

function edgeDecision(out: CfRequest | CfResponse): Decision {
  if (!isResponse(out)) {
    return { kind: "file", uri: out.uri, path: out.uri.slice(1).split("/").map(decodeURIComponent).join("/") };
  }
  if (out.statusCode === 301) return { kind: "redirect", location: header(out, "location") ?? "(none)" };
  return { kind: "error", status: out.statusCode, body: out.body?.data ?? "(none)" };
}

const PATHS = [
  "/",
  "/index.html",
  "/robots.txt",
  "/files/",
  "/files",
  "/a/b/",
  "/a%20b.txt",
  "/files/foo/foo-1.0-py3-none-any.whl",
  "/files/foo/foo-1.0-py3-none-any.whl.metadata",
  "/files/foo/foo-1.0%2Blocal-py3-none-any.whl",
  "/files/foo/foo-1.0+local-py3-none-any.whl",
  "/files/foo/%E5%AE%B6-1.0.tar.gz",
  "/simple/",
  "/simple",
  "/simple/foo-bar/",
  "/simple/foo-bar",
  "/simple/Foo_Bar/",
  "/simple/Foo-Bar",
  "/simple/zope.interface/",
  "/simple/zope.interface",
  "/simple/a__b..c--d/",
  "/simple/Foo%5FBar/",
  "/simple/Foo_Bar/index.json",
  "/simple/foo-bar/index.json",
  "/simple/foo-bar/index.html",
  "/simple/index.json",
  "/simple/index.html",
  "/simple/foo/bar",
  "/simple/foo/bar/",
  "/simple/foo/index.json/",
  "/simple/foo/index.xml",
  "/simple/foo/x/index.json",
  "/simple/-foo-/",
  "/simple/foo%20bar/",
  "/simple/%3Cscript%3E/",
  "/simple//",
  "/../package.json",
  "/%2e%2e/package.json",
  "/%2E%2E/package.json",
  "/files/../../etc/passwd",
  "/files/%2e%2e/%2e%2e/etc/passwd",
  "/./index.html",
  "/%2e/index.html",
  "/..",
  "/simple/../../x",
  "/simple/%2e%2e/",
  "/simple/%2e%2e/x",
  "/..%2fpackage.json",
  "/files/a%2fb",
  "/..%5cpackage.json",
  "/files\\..\\x",
  "/index.html%00.txt",
  "/%zz",
  "/%",
  "/%E0%A4%A",
  "/simple/%ff/",
  "/.nojekyll",
  "/.nojekyll/",
  "/.git/config",
  "/files/.hidden",
  "/%2enojekyll",
  "//",
  "//evil.example/",
  "/files//x",
];
const ACCEPTS: (string | undefined)[] = [
  undefined,
  PIP,
  UV,
  FIREFOX,
  CHROME,
  "*/*",
  "",
  PYPI_HTML,
  PYPI_JSON,
  "application/vnd.pypi.simple.latest+json",
  "text/html",
  "application/xml",
  "text/html;q=0, application/vnd.pypi.simple.v1+json;q=0, application/*;q=0",
];
// Canonical queries (every name has "=", no interleaved repeats), so the rebuilt form is exact.
const QUERIES = [
  "",
  "format=json",
  "format=html",
  "format=application%2Fvnd.pypi.simple.v1%2Bjson",
  "format=application/vnd.pypi.simple.v1+json",
  "format=application%2Fvnd.pypi.simple.v1%2Bhtml",
  "x=1&format=text%2Fhtml",
  "format=yaml",
  "format=%zz",
  "format=",
  "a=1&b=2",
  "x=%E5%AE%B6",
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"];

function compareAll(code: string, indexMaxAgeSeconds: number): number {
  const edge = load(code);
  const mismatches: string[] = [];
  let compared = 0;
  const check = (method: string, path: string, query: string, accept: string | undefined): void => {
    const expected = routerDecision(route({ method, path, query, accept }, { indexMaxAgeSeconds }), method);
    for (const rawQueryString of [false, true]) {
      const target = query === "" ? path : `${path}?${query}`;
      const actual = edgeDecision(plain(edge(viewerRequest(target, { method, accept, rawQueryString }))));
      compared++;
      try {
        assert.deepEqual(actual, expected);
      } catch {
        mismatches.push(`${method} ${target} accept=${JSON.stringify(accept)} raw=${rawQueryString}: edge ${JSON.stringify(actual)} router ${JSON.stringify(expected)}`);
      }
    }
  };
  for (const path of PATHS) for (const query of QUERIES) for (const accept of ACCEPTS) check("GET", path, query, accept);
  for (const method of METHODS) {
    for (const path of ["/", "/simple/", "/simple/Foo_Bar", "/files/foo/foo-1.0.tar.gz", "/../x", "/.nojekyll"]) {
      for (const query of ["", "format=json"]) check(method, path, query, PIP);
    }
  }
  assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} of ${compared} differ`);
  return compared;
}

describe("edge function: the same decisions as route()", () => {
  test("table of paths x queries x Accept headers x methods", () => {
    const compared = compareAll(CODE, MAX_AGE);
    assert.ok(compared >= 20_000, `compared only ${compared}`);
  });

  test("with another max-age the decisions still agree, and redirects carry it", () => {
    const code = viewerRequestFunctionCode({ indexMaxAgeSeconds: 60 });
    compareAll(code, 60);
    const res = plain(load(code)(viewerRequest("/simple")));
    assert.ok(isResponse(res));
    assert.equal(header(res, "cache-control"), "public, max-age=60");
    const zero = plain(load(viewerRequestFunctionCode({ indexMaxAgeSeconds: 0 }))(viewerRequest("/simple")));
    assert.ok(isResponse(zero));
    assert.equal(header(zero, "cache-control"), "public, max-age=0");
  });
});

// ---------------------------------------------------------------------------------------------
// The code itself.

/** Syntax beyond ES5 + const/let (the documented cloudfront-js-2.0 subset we target), or modules. */
function unsupportedSyntax(code: string): string[] {
  const file = ts.createSourceFile("edge-function.js", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const forbidden = new Set<ts.SyntaxKind>([
    ts.SyntaxKind.ImportDeclaration,
    ts.SyntaxKind.ImportEqualsDeclaration,
    ts.SyntaxKind.ExportDeclaration,
    ts.SyntaxKind.ExportAssignment,
    ts.SyntaxKind.ImportKeyword,
    ts.SyntaxKind.MetaProperty,
    ts.SyntaxKind.ClassDeclaration,
    ts.SyntaxKind.ClassExpression,
    ts.SyntaxKind.ArrowFunction,
    ts.SyntaxKind.TemplateExpression,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral,
    ts.SyntaxKind.TaggedTemplateExpression,
    ts.SyntaxKind.SpreadElement,
    ts.SyntaxKind.SpreadAssignment,
    ts.SyntaxKind.ObjectBindingPattern,
    ts.SyntaxKind.ArrayBindingPattern,
    ts.SyntaxKind.ForOfStatement,
    ts.SyntaxKind.ShorthandPropertyAssignment,
    ts.SyntaxKind.ComputedPropertyName,
    ts.SyntaxKind.MethodDeclaration,
    ts.SyntaxKind.YieldExpression,
    ts.SyntaxKind.AwaitExpression,
    ts.SyntaxKind.QuestionDotToken,
    ts.SyntaxKind.QuestionQuestionToken,
    ts.SyntaxKind.BigIntLiteral,
  ]);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const where = `${ts.SyntaxKind[node.kind]} at ${node.getStart(file)}`;
    if (forbidden.has(node.kind)) found.push(where);
    if (ts.isParameter(node) && (node.initializer !== undefined || node.dotDotDotToken !== undefined)) found.push(where);
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && (node.asteriskToken || ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Async)) {
      found.push(where);
    }
    if (ts.isRegularExpressionLiteral(node) && !/\/[gim]*$/.test(node.text)) found.push(`${where}: ${node.text}`);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require") found.push(where);
    if (ts.isIdentifier(node) && (HIDDEN_GLOBALS.includes(node.text) || ["require", "process", "Buffer", "module", "exports", "getOwnPropertySymbols"].includes(node.text))) {
      found.push(`${where}: ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("edge function code", () => {
  test("fits CloudFront's size limit with room to spare", () => {
    assert.equal(EDGE_FUNCTION_RUNTIME, "cloudfront-js-2.0");
    assert.equal(EDGE_FUNCTION_MAX_BYTES, 10_240);
    const bytes = Buffer.byteLength(CODE, "utf8");
    assert.ok(bytes < 0.85 * EDGE_FUNCTION_MAX_BYTES, `${bytes} bytes`);
  });

  test("a plain script: no modules, a top-level handler, nothing past ES5 + const/let", () => {
    assert.doesNotMatch(CODE, /\bimport\b/);
    assert.doesNotMatch(CODE, /\bexport\b/);
    assert.doesNotMatch(CODE, /\brequire\s*\(/);
    assert.match(CODE, /(^|[;}\n])function handler\(\w+\)\{/);
    assert.deepEqual(unsupportedSyntax(CODE), []);
    // The check itself catches what it should.
    assert.equal(unsupportedSyntax("const f = (a) => `${a}`; for (const x of [...y]) {}").length, 4);
    new vm.Script(`"use strict";\n${CODE}`); // parses as a strict-mode script
  });

  test("deterministic: the same options give the same bytes", () => {
    assert.equal(viewerRequestFunctionCode({ indexMaxAgeSeconds: MAX_AGE }), CODE);
    const other = viewerRequestFunctionCode({ indexMaxAgeSeconds: 60 });
    assert.notEqual(other, CODE);
    assert.equal(other, viewerRequestFunctionCode({ indexMaxAgeSeconds: 60 }));
  });

  test("indexMaxAgeSeconds must be a non-negative integer", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, "300" as unknown as number, undefined as unknown as number]) {
      assert.throws(() => viewerRequestFunctionCode({ indexMaxAgeSeconds: bad }), /indexMaxAgeSeconds/, String(bad));
    }
    assert.doesNotThrow(() => viewerRequestFunctionCode({ indexMaxAgeSeconds: 0 }));
  });
});
