import assert from "node:assert/strict";
import { describe, test } from "node:test";
import Negotiator from "negotiator";
import { cacheControlFor } from "../generator/protocol/cache-control.js";
import { PYPI_HTML, PYPI_JSON } from "../generator/protocol/media-types.js";
import { negotiate, route, type RouteRequest, type RouteResult, type SimpleFormat } from "../generator/serving/routing/router.js";

const PIP = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
const UV = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const HTML_UTF8 = "text/html; charset=utf-8";
const SHORT = "public, max-age=300";
const IMMUTABLE = "public, max-age=31536000, immutable";

function get(path: string, accept?: string, query = ""): RouteResult {
  const req: RouteRequest = { method: "GET", path, query, accept };
  return route(req);
}

function negotiatedFile(path: string, contentType: string): RouteResult {
  return { kind: "file", path, contentType, cacheControl: SHORT, vary: "Accept" };
}

describe("negotiate", () => {
  test("real clients", () => {
    assert.equal(negotiate(PIP), "json");
    assert.equal(negotiate(UV), "json");
    assert.equal(negotiate(FIREFOX), "html");
    assert.equal(negotiate(CHROME), "html");
    assert.equal(negotiate("text/html, */*; q=0.01"), "html"); // jQuery
  });

  test("missing, empty or wildcard-only headers give text/html", () => {
    assert.equal(negotiate(undefined), "html");
    assert.equal(negotiate(""), "html");
    assert.equal(negotiate("  ,  "), "html");
    assert.equal(negotiate("*/*"), "html");
    assert.equal(negotiate("*/*;q=0.3"), "html");
    assert.equal(negotiate("application/xml, */*;q=0.1"), "html");
    assert.equal(negotiate("*/*;charset=utf-8"), "html");
  });

  test("explicit PyPI types and the PEP 691 latest aliases", () => {
    assert.equal(negotiate(PYPI_HTML), "v1html");
    assert.equal(negotiate(PYPI_JSON), "json");
    assert.equal(negotiate("application/vnd.pypi.simple.latest+json"), "json");
    assert.equal(negotiate("application/vnd.pypi.simple.latest+html"), "v1html");
    assert.equal(negotiate("text/html"), "html");
  });

  test("nothing acceptable gives null", () => {
    assert.equal(negotiate("application/xml"), null);
    assert.equal(negotiate("application/json"), null);
    assert.equal(negotiate("image/*, text/plain"), null);
    assert.equal(negotiate("*/*;q=0"), null);
  });

  test("q values, q=0 and most-specific match", () => {
    assert.equal(negotiate("application/vnd.pypi.simple.v1+json;q=0.5, text/html"), "html");
    assert.equal(negotiate("application/vnd.pypi.simple.v1+json;q=0, */*"), "html");
    assert.equal(negotiate("text/html;q=0, */*"), "json");
    assert.equal(negotiate("text/html;q=0.5, */*"), "json");
    // The most specific range decides: text/html is excluded although text/* allows it.
    assert.equal(negotiate("text/*, text/html;q=0"), null);
    assert.equal(negotiate("application/*;q=0.5, application/vnd.pypi.simple.v1+json;q=0"), "v1html");
    assert.equal(negotiate("application/*"), "json");
    assert.equal(negotiate("application/*;q=0.9, text/html"), "html");
    // Equal q: an explicitly named type beats one reached through a wildcard.
    assert.equal(negotiate("text/html, */*"), "html");
    assert.equal(negotiate("application/vnd.pypi.simple.v1+html, application/*"), "v1html");
    // Equal q, both explicit: server preference json > v1html > html.
    assert.equal(negotiate("text/html, application/vnd.pypi.simple.v1+html, application/vnd.pypi.simple.v1+json"), "json");
    assert.equal(negotiate("text/html, application/vnd.pypi.simple.v1+html"), "v1html");
  });

  test("parsing: whitespace, case, parameters, quoted strings, malformed elements", () => {
    assert.equal(negotiate("  APPLICATION/VND.PYPI.SIMPLE.V1+JSON ;  Q=0.9 ,\ttext/html ; q=0.8"), "json");
    assert.equal(negotiate("text/html;charset=UTF-8"), "html");
    assert.equal(negotiate("text/html;charset=iso-8859-1"), null);
    assert.equal(negotiate("text/html;level=1"), null);
    assert.equal(negotiate('text/html;foo="a,b;c", application/vnd.pypi.simple.v1+html'), "v1html");
    // Parameters after q are accept-ext, not media type parameters.
    assert.equal(negotiate("text/html;q=0.5;level=1"), "html");
    // Malformed elements are skipped; a header with nothing parseable counts as absent.
    assert.equal(negotiate("garbage, application/vnd.pypi.simple.v1+json"), "json");
    assert.equal(negotiate("garbage"), "html");
    assert.equal(negotiate("*/html"), "html");
    // Out-of-range q values are clamped.
    assert.equal(negotiate("text/html;q=5, application/vnd.pypi.simple.v1+json;q=0.9"), "html");
    assert.equal(negotiate("text/html;q=-1"), null);
    assert.equal(negotiate("text/html;q=abc"), null);
  });

  test("?format= overrides Accept", () => {
    assert.equal(negotiate(FIREFOX, "json"), "json");
    assert.equal(negotiate(PIP, "html"), "html");
    assert.equal(negotiate(PIP, "text/html"), "html");
    assert.equal(negotiate(undefined, PYPI_JSON), "json");
    assert.equal(negotiate(undefined, PYPI_HTML), "v1html");
    assert.equal(negotiate(undefined, "application/vnd.pypi.simple.v1 json"), "json"); // "+" decoded as space
    assert.equal(negotiate(undefined, "application/vnd.pypi.simple.latest+html"), "v1html");
    assert.equal(negotiate("application/xml", "JSON"), "json");
    assert.equal(negotiate(PIP, "xml"), null);
    assert.equal(negotiate(PIP, ""), "json"); // empty means absent
  });
});

describe("route", () => {
  test("landing page and folders", () => {
    assert.deepEqual(get("/"), { kind: "file", path: "index.html", cacheControl: SHORT });
    assert.deepEqual(get("/files/"), { kind: "file", path: "files/index.html", cacheControl: SHORT });
    assert.deepEqual(get("/a/b/"), { kind: "file", path: "a/b/index.html", cacheControl: SHORT });
    assert.deepEqual(get("/robots.txt"), { kind: "file", path: "robots.txt", cacheControl: SHORT });
  });

  test("negotiated root and project pages", () => {
    assert.deepEqual(get("/simple/", PIP), negotiatedFile("simple/index.json", PYPI_JSON));
    assert.deepEqual(get("/simple/", UV), negotiatedFile("simple/index.json", PYPI_JSON));
    assert.deepEqual(get("/simple/"), negotiatedFile("simple/index.html", HTML_UTF8));
    assert.deepEqual(get("/simple/", "*/*"), negotiatedFile("simple/index.html", HTML_UTF8));
    assert.deepEqual(get("/simple/foo-bar/", PIP), negotiatedFile("simple/foo-bar/index.json", PYPI_JSON));
    assert.deepEqual(get("/simple/foo-bar/", FIREFOX), negotiatedFile("simple/foo-bar/index.html", HTML_UTF8));
    assert.deepEqual(get("/simple/foo-bar/", PYPI_HTML), negotiatedFile("simple/foo-bar/index.html", PYPI_HTML));
    assert.deepEqual(get("/simple/foo-bar/"), negotiatedFile("simple/foo-bar/index.html", HTML_UTF8));
  });

  test("406 lists the available media types", () => {
    const r = get("/simple/foo/", "application/xml");
    assert.equal(r.kind, "error");
    assert.equal(r.kind === "error" && r.status, 406);
    for (const t of [PYPI_JSON, PYPI_HTML, "text/html"]) assert.ok(r.kind === "error" && r.message.includes(t), t);
    assert.equal((get("/simple/", "text/html;q=0, application/vnd.pypi.simple.v1+json;q=0, application/*;q=0") as { status: number }).status, 406);
  });

  test("?format= overrides Accept in routes; unknown value is 406, bad encoding 400", () => {
    assert.deepEqual(get("/simple/foo/", FIREFOX, "format=json"), negotiatedFile("simple/foo/index.json", PYPI_JSON));
    assert.deepEqual(get("/simple/foo/", PIP, "?format=text/html"), negotiatedFile("simple/foo/index.html", HTML_UTF8));
    assert.deepEqual(get("/simple/foo/", PIP, "x=1&format=application%2Fvnd.pypi.simple.v1%2Bhtml"), negotiatedFile("simple/foo/index.html", PYPI_HTML));
    assert.deepEqual(get("/simple/", undefined, "format=application/vnd.pypi.simple.v1+json"), negotiatedFile("simple/index.json", PYPI_JSON));
    assert.deepEqual(get("/simple/", PIP, "format="), negotiatedFile("simple/index.json", PYPI_JSON));
    assert.equal((get("/simple/", PIP, "format=yaml") as { status: number }).status, 406);
    assert.equal((get("/simple/", PIP, "format=%zz") as { status: number }).status, 400);
  });

  test("redirects normalise names and keep the query", () => {
    const r301 = (location: string): RouteResult => ({ kind: "redirect", status: 301, location });
    assert.deepEqual(get("/simple"), r301("/simple/"));
    assert.deepEqual(get("/simple", undefined, "format=json"), r301("/simple/?format=json"));
    assert.deepEqual(get("/simple", undefined, "?a=1&b=2"), r301("/simple/?a=1&b=2"));
    assert.deepEqual(get("/simple/Foo_Bar/"), r301("/simple/foo-bar/"));
    assert.deepEqual(get("/simple/Foo_Bar/", undefined, "format=json"), r301("/simple/foo-bar/?format=json"));
    assert.deepEqual(get("/simple/foo-bar"), r301("/simple/foo-bar/"));
    assert.deepEqual(get("/simple/Foo-Bar"), r301("/simple/foo-bar/"));
    assert.deepEqual(get("/simple/zope.interface/"), r301("/simple/zope-interface/"));
    assert.deepEqual(get("/simple/zope.interface"), r301("/simple/zope-interface/"));
    assert.deepEqual(get("/simple/a__b..c--d/"), r301("/simple/a-b-c-d/"));
    assert.deepEqual(get("/simple/Foo_Bar/index.json", undefined, "x=1"), r301("/simple/foo-bar/index.json?x=1"));
    assert.deepEqual(get("/simple/Foo%5FBar/"), r301("/simple/foo-bar/")); // percent-encoded "_"
  });

  test("index files asked for directly are served as-is", () => {
    assert.deepEqual(get("/simple/foo-bar/index.json", FIREFOX), { kind: "file", path: "simple/foo-bar/index.json", cacheControl: SHORT });
    assert.deepEqual(get("/simple/foo-bar/index.html", PIP), { kind: "file", path: "simple/foo-bar/index.html", cacheControl: SHORT });
    assert.deepEqual(get("/simple/index.json"), { kind: "file", path: "simple/index.json", cacheControl: SHORT });
    assert.deepEqual(get("/simple/index.html", PIP), { kind: "file", path: "simple/index.html", cacheControl: SHORT });
  });

  test("deeper or invalid paths under /simple/ are 404", () => {
    for (const p of [
      "/simple/foo/bar",
      "/simple/foo/bar/",
      "/simple/foo/index.json/",
      "/simple/foo/index.xml",
      "/simple/foo/x/index.json",
      "/simple/-foo-/",
      "/simple/foo%20bar/",
      "/simple/%3Cscript%3E/",
      "/simple//",
    ]) {
      const r = get(p);
      assert.equal(r.kind, "error", p);
      assert.equal((r as { status: number }).status, 404, p);
    }
  });

  test("traversal, NUL, backslash and bad encoding are rejected", () => {
    const status = (p: string): number | string => {
      const r = get(p);
      return r.kind === "error" ? r.status : r.kind;
    };
    for (const p of [
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
      "/..%2fpackage.json",
      "/files/a%2fb",
      "/..%5cpackage.json",
      "/files\\..\\x",
      "/index.html%00.txt",
      "/%zz",
      "/%",
      "/%E0%A4%A",
      "/simple/%ff/",
      "index.html",
      "http://example.com/",
      "*",
    ]) {
      assert.equal(status(p), 400, p);
    }
    // Dotfiles and empty segments: 404.
    for (const p of ["/.nojekyll", "/.git/config", "/files/.hidden", "/%2enojekyll", "//", "//evil.example/", "/files//x"]) {
      assert.equal(status(p), 404, p);
    }
  });

  test("decoded paths are returned", () => {
    assert.deepEqual(get("/files/foo/foo-1.0%2Blocal-py3-none-any.whl"), {
      kind: "file",
      path: "files/foo/foo-1.0+local-py3-none-any.whl",
      cacheControl: IMMUTABLE,
    });
    assert.deepEqual(get("/a%20b.txt"), { kind: "file", path: "a b.txt", cacheControl: SHORT });
  });

  test("only GET and HEAD", () => {
    assert.equal(route({ method: "HEAD", path: "/simple/", query: "" }).kind, "file");
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"]) {
      const r = route({ method, path: "/simple/", query: "" });
      assert.deepEqual(r, { kind: "error", status: 405, message: "Method Not Allowed" }, method);
    }
    // 405 takes precedence over a bad path.
    assert.equal((route({ method: "POST", path: "/../x", query: "" }) as { status: number }).status, 405);
  });

  test("cache-control", () => {
    assert.equal(cacheControlFor("files/foo/foo-1.0-py3-none-any.whl"), IMMUTABLE);
    assert.equal(cacheControlFor("files/foo/foo-1.0-py3-none-any.whl.metadata"), IMMUTABLE);
    assert.equal(cacheControlFor("files/foo/foo-1.0.tar.gz"), IMMUTABLE);
    assert.equal(cacheControlFor("/files/foo/foo-1.0.tar.gz"), IMMUTABLE);
    assert.equal(cacheControlFor("files/foo/index.html"), SHORT);
    assert.equal(cacheControlFor("files/index.html"), SHORT);
    assert.equal(cacheControlFor("files/foo"), SHORT);
    assert.equal(cacheControlFor("simple/index.json"), SHORT);
    assert.equal(cacheControlFor("simple/foo/index.html"), SHORT);
    assert.equal(cacheControlFor("index.html"), SHORT);
    assert.equal(cacheControlFor("simple/foo/index.json", 60), "public, max-age=60");
    assert.equal(cacheControlFor("files/foo/x.whl", 60), IMMUTABLE);
    assert.equal(cacheControlFor("index.html", 0), "public, max-age=0");
    assert.equal(cacheControlFor("index.html", -5), SHORT);
    assert.equal(cacheControlFor("index.html", Number.NaN), SHORT);

    assert.equal((get("/files/foo/foo-1.0-py3-none-any.whl.metadata") as { cacheControl: string }).cacheControl, IMMUTABLE);
    const r = route({ method: "GET", path: "/simple/foo/", query: "", accept: PIP }, { indexMaxAgeSeconds: 42 });
    assert.equal((r as { cacheControl: string }).cacheControl, "public, max-age=42");
    const landing = route({ method: "GET", path: "/", query: "" }, { indexMaxAgeSeconds: 42 });
    assert.equal((landing as { cacheControl: string }).cacheControl, "public, max-age=42");
  });
});

// -------------------------------------------------------------------------------------------
// Oracle: compare negotiate() against the `negotiator` package.
//
// negotiator ranks each offered type by (q desc, specificity desc, position of the matching
// range in the client's header, position in the offer list). negotiate() uses (q desc,
// specificity desc) and then its own tie rule: server preference json > v1html > html, or
// text/html first when the winners were only reached through */*. So the two may legitimately
// disagree only when two or more acceptable candidates tie on (q, specificity) at the top;
// exactly those cases (which include every "*/* → html" case) are excluded below, and all
// others must agree. A missing or empty header is never generated (negotiator treats "" as
// "nothing acceptable", negotiate() as absent).
//
// Offers are given to negotiator as "<type>;charset=utf-8": all our representations are UTF-8,
// so a range "text/html;charset=UTF-8" matches and "text/html;level=1" or ";charset=latin1"
// does not, in both implementations. PEP 691 "latest" aliases are rewritten to "v1" for
// negotiator, which knows nothing of them.

const OFFERS = [PYPI_JSON, PYPI_HTML, "text/html"];
const NEGOTIATOR_OFFERS = OFFERS.map((t) => `${t};charset=utf-8`);

function oracle(accept: string): SimpleFormat | null {
  const rewritten = accept.replace(/vnd\.pypi\.simple\.latest\+/gi, "vnd.pypi.simple.v1+");
  const best = new Negotiator({ headers: { accept: rewritten } }).mediaTypes(NEGOTIATOR_OFFERS)[0];
  if (best === undefined) return null;
  const i = NEGOTIATOR_OFFERS.indexOf(best);
  return (["json", "v1html", "html"] as const)[i] ?? null;
}

/**
 * Independent, simple computation of the candidates that tie at the top on (q, specificity)
 * for the generated headers (no quoted strings, parameters only before q), used to find the
 * tie cases to exclude from the oracle comparison and to check the tie rule on them.
 */
function topWinners(accept: string): { winners: SimpleFormat[]; specificity: number } {
  const formats = ["json", "v1html", "html"] as const;
  const cands = OFFERS.map((t) => {
    const [type, subtype] = t.split("/") as [string, string];
    return { type, subtype, alias: subtype.replace("v1+", "latest+") };
  });
  const ranges = accept
    .split(",")
    .map((el) => el.split(";").map((s) => s.trim()))
    .map(([mr, ...params]) => {
      const [type, subtype] = (mr ?? "").toLowerCase().split("/");
      let q = 1;
      const other: string[] = [];
      for (const p of params) {
        const [k, v] = p.split("=").map((s) => s.trim().toLowerCase()) as [string, string];
        if (k === "q") q = Number(v);
        else other.push(`${k}=${v}`);
      }
      return { type, subtype, q, other };
    });
  const scores = cands.map((c, i) => {
    let best = { format: formats[i] as SimpleFormat, s: -1, q: 0 };
    for (const r of ranges) {
      let s = 0;
      if (r.type === c.type) s += 4;
      else if (r.type !== "*") continue;
      if (r.subtype === c.subtype || r.subtype === c.alias) s += 2;
      else if (r.subtype !== "*") continue;
      if (r.other.length > 0) {
        if (!r.other.every((p) => p === "charset=utf-8")) continue;
        s += 1;
      }
      if (s > best.s || (s === best.s && r.q > best.q)) best = { format: best.format, s, q: r.q };
    }
    return best;
  });
  const acceptable = scores.filter((x) => x.s >= 0 && x.q > 0);
  if (acceptable.length === 0) return { winners: [], specificity: -1 };
  const qMax = Math.max(...acceptable.map((x) => x.q));
  const atQ = acceptable.filter((x) => x.q === qMax);
  const sMax = Math.max(...atQ.map((x) => x.s));
  return { winners: atQ.filter((x) => x.s === sMax).map((x) => x.format), specificity: sMax };
}

function topTie(accept: string): boolean {
  return topWinners(accept).winners.length >= 2;
}

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateHeaders(count: number, seed: number): string[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const types = [
    PYPI_JSON,
    PYPI_HTML,
    "text/html",
    "application/vnd.pypi.simple.latest+json",
    "application/vnd.pypi.simple.latest+html",
    "*/*",
    "application/*",
    "text/*",
    "application/xml",
    "application/json",
    "application/xhtml+xml",
    "image/webp",
    "text/plain",
  ];
  const params = ["", "", "", "", ";charset=utf-8", ";charset=UTF-8", ";charset=latin1", ";level=1"];
  const qs = () => {
    const r = rand();
    if (r < 0.3) return "";
    if (r < 0.4) return ";q=0";
    if (r < 0.5) return ";q=1";
    if (r < 0.65) return `;q=${pick(["0.1", "0.5", "0.9", "0.01"])}`;
    return `;q=${(Math.floor(rand() * 1000) / 1000).toFixed(Math.floor(rand() * 3) + 1)}`;
  };
  const randomCase = (s: string) => (rand() < 0.15 ? s.toUpperCase() : s);
  const sep = () => pick([",", ", ", " ,", " , ", ",\t"]);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const size = 1 + Math.floor(rand() * 5);
    const parts: string[] = [];
    for (let k = 0; k < size; k++) {
      const ws = rand() < 0.2 ? " " : "";
      parts.push(randomCase(pick(types)) + pick(params).replace(";", `${ws};${ws}`) + qs().replace(";", `${ws};${ws}`));
    }
    out.push(parts.reduce((acc, p, i) => (i === 0 ? p : acc + sep() + p), ""));
  }
  return out;
}

const REAL_HEADERS = [
  PIP,
  UV,
  FIREFOX,
  CHROME,
  "*/*",
  "text/html, */*; q=0.01",
  "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "application/vnd.pypi.simple.v1+json",
  "application/vnd.pypi.simple.v1+html",
  "application/vnd.pypi.simple.latest+json",
  "text/html",
  "application/json, text/plain, */*",
  "application/xml",
  "application/vnd.pypi.simple.v1+json, text/html;q=0.5",
  "text/html;q=0.9, application/vnd.pypi.simple.v1+html;q=0.8",
  "application/*;q=0.5, text/html;q=0.4",
];

test("negotiate agrees with the negotiator package (outside tie-breaking cases)", () => {
  const headers = [...REAL_HEADERS, ...generateHeaders(600, 0x5eed)];
  let compared = 0;
  let excluded = 0;
  const disagreements: string[] = [];
  for (const accept of headers) {
    if (topTie(accept)) {
      excluded++;
      continue;
    }
    compared++;
    const ours = negotiate(accept);
    const theirs = oracle(accept);
    if (ours !== theirs) disagreements.push(`${JSON.stringify(accept)}: negotiate=${ours} negotiator=${theirs}`);
  }
  assert.deepEqual(disagreements, []);
  // Make sure the oracle actually compared a meaningful number of headers.
  assert.ok(compared >= 300, `compared only ${compared} (excluded ${excluded})`);
  // And every real client header that is not a tie was compared.
  for (const h of [PIP, UV, FIREFOX, CHROME]) assert.equal(topTie(h), false, h);
});

test("the tie cases excluded from the oracle follow the documented tie rule", () => {
  const ties = [...REAL_HEADERS, ...generateHeaders(600, 0x5eed)].filter(topTie);
  assert.ok(ties.length >= 50, `only ${ties.length} tie cases`);
  let wildcard = 0;
  for (const accept of ties) {
    const { winners, specificity } = topWinners(accept);
    const ours = negotiate(accept);
    assert.ok(ours !== null && winners.includes(ours), `${accept}: ${ours} not among ${winners.join(",")}`);
    // Winners reached only through */*: text/html (when it is among them); otherwise server
    // preference json > v1html > html.
    const order: SimpleFormat[] = specificity < 4 ? ["html", "json", "v1html"] : ["json", "v1html", "html"];
    assert.equal(
      ours,
      order.find((f) => winners.includes(f)),
      accept,
    );
    if (specificity < 4) wildcard++;
  }
  assert.ok(wildcard > 0, "no */*-only tie was generated");
});
