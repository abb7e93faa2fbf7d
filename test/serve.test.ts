import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { PYPI_HTML, PYPI_JSON } from "../generator/protocol/media-types.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { tempDir } from "./helpers/paths.js";

const PIP = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const HTML_UTF8 = "text/html; charset=utf-8";
const SHORT = "public, max-age=300";
const IMMUTABLE = "public, max-age=31536000, immutable";
const SECRET = "TOP-SECRET-OUTSIDE-ROOT";
const WHEEL = "files/foo-bar/foo_bar-1.0-py3-none-any.whl";
const WHEEL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let tmp: string;
let root: string;
let server: RunningServer;
const logLines: string[] = [];

/** A raw HTTP request: the path is sent exactly as given (no URL normalisation, unlike fetch). */
function request(method: string, rawPath: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, method, path: rawPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const get = (p: string, headers: Record<string, string> = {}) => request("GET", p, headers);

async function write(rel: string, content: string | Buffer): Promise<void> {
  const abs = path.join(root, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
}

before(async () => {
  tmp = tempDir("serve");
  root = path.join(tmp, "site");
  await writeFile(path.join(tmp, "secret.txt"), SECRET);
  await writeFile(path.join(tmp, "package.json"), `{"secret": "${SECRET}"}`);
  await write("index.html", "<!doctype html><title>landing</title>");
  await write(".nojekyll", "nojekyll-marker");
  await write("simple/index.html", '<!doctype html><a href="foo-bar/">foo-bar</a>');
  await write("simple/index.json", JSON.stringify({ meta: { "api-version": "1.1" }, projects: [{ name: "foo-bar" }] }));
  await write("simple/foo-bar/index.html", '<!doctype html><a href="../../files/foo-bar/x.whl">x</a>');
  await write("simple/foo-bar/index.json", JSON.stringify({ meta: { "api-version": "1.1" }, name: "foo-bar", files: [] }));
  await write(WHEEL, WHEEL_BYTES);
  await write(`${WHEEL}.metadata`, "Metadata-Version: 2.1\nName: foo-bar\nVersion: 1.0\n");
  server = await startServer({ root, port: 0, log: (line) => logLines.push(line) });
});

after(async () => {
  await server.close();
});

describe("serve", () => {
  test("url and landing page", async () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    assert.ok(server.port > 0);
    const res = await get("/");
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], HTML_UTF8);
    assert.equal(res.headers["cache-control"], SHORT);
    assert.equal(res.headers["x-content-type-options"], "nosniff");
    assert.match(res.body.toString(), /landing/);
    // Works with fetch too.
    const f = await fetch(`${server.url}/`);
    assert.equal(f.status, 200);
    assert.match(await f.text(), /landing/);
  });

  test("negotiation, content types and Vary", async () => {
    const json = await get("/simple/", { accept: PIP });
    assert.equal(json.status, 200);
    assert.equal(json.headers["content-type"], PYPI_JSON);
    assert.equal(json.headers.vary, "Accept");
    assert.equal(json.headers["cache-control"], SHORT);
    assert.deepEqual((JSON.parse(json.body.toString()) as { projects: unknown }).projects, [{ name: "foo-bar" }]);

    const browser = await get("/simple/foo-bar/", { accept: FIREFOX });
    assert.equal(browser.status, 200);
    assert.equal(browser.headers["content-type"], HTML_UTF8);
    assert.equal(browser.headers.vary, "Accept");
    assert.match(browser.body.toString(), /<!doctype html>/);

    const none = await get("/simple/foo-bar/");
    assert.equal(none.headers["content-type"], HTML_UTF8);
    assert.equal(none.headers.vary, "Accept");

    const v1html = await get("/simple/foo-bar/", { accept: PYPI_HTML });
    assert.equal(v1html.headers["content-type"], PYPI_HTML);
    assert.deepEqual(v1html.body, none.body);

    const projectJson = await get("/simple/foo-bar/", { accept: PIP });
    assert.equal(projectJson.headers["content-type"], PYPI_JSON);
    assert.equal((JSON.parse(projectJson.body.toString()) as { name: unknown }).name, "foo-bar");

    const format = await get("/simple/foo-bar/?format=json", { accept: FIREFOX });
    assert.equal(format.headers["content-type"], PYPI_JSON);

    const direct = await get("/simple/foo-bar/index.json", { accept: FIREFOX });
    assert.equal(direct.status, 200);
    assert.equal(direct.headers["content-type"], PYPI_JSON);
    assert.equal(direct.headers.vary, undefined);
  });

  test("406 lists the available media types", async () => {
    const res = await get("/simple/foo-bar/", { accept: "application/xml" });
    assert.equal(res.status, 406);
    assert.equal(res.headers["content-type"], "text/plain; charset=utf-8");
    for (const t of [PYPI_JSON, PYPI_HTML, "text/html"]) assert.ok(res.body.toString().includes(t), t);
    assert.equal((await get("/simple/?format=yaml")).status, 406);
  });

  test("redirects", async () => {
    const cases: [string, string][] = [
      ["/simple", "/simple/"],
      ["/simple?format=json", "/simple/?format=json"],
      ["/simple/Foo_Bar/", "/simple/foo-bar/"],
      ["/simple/Foo_Bar/?format=json&x=1", "/simple/foo-bar/?format=json&x=1"],
      ["/simple/foo-bar", "/simple/foo-bar/"],
      ["/simple/foo.bar", "/simple/foo-bar/"],
      ["/simple/zope.interface/", "/simple/zope-interface/"],
    ];
    for (const [from, to] of cases) {
      const res = await get(from);
      assert.equal(res.status, 301, from);
      assert.equal(res.headers.location, to, from);
      assert.equal(res.headers["x-content-type-options"], "nosniff");
    }
    // With fetch, redirect: "manual" shows the 301; following it lands on the index.
    const manual = await fetch(`${server.url}/simple/Foo_Bar/`, { redirect: "manual" });
    assert.equal(manual.status, 301);
    assert.equal(manual.headers.get("location"), "/simple/foo-bar/");
    const followed = await fetch(`${server.url}/simple/Foo_Bar`, { headers: { accept: PIP } });
    assert.equal(followed.status, 200);
    assert.equal(followed.url, `${server.url}/simple/foo-bar/`);
    assert.equal(followed.headers.get("content-type"), PYPI_JSON);
  });

  test("unknown project is 404 with a short text body", async () => {
    for (const p of ["/simple/nope/", "/simple/foo-bar/other", "/nope.html", "/files/nope/x.whl"]) {
      const res = await get(p, { accept: PIP });
      assert.equal(res.status, 404, p);
      assert.equal(res.headers["content-type"], "text/plain; charset=utf-8", p);
      assert.equal(res.body.toString(), "Not Found\n", p);
    }
  });

  test("methods other than GET and HEAD are 405", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const res = await request(method, "/simple/");
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, "GET, HEAD", method);
    }
  });

  test("HEAD has headers and no body", async () => {
    const head = await request("HEAD", "/simple/foo-bar/", { accept: PIP });
    const full = await get("/simple/foo-bar/", { accept: PIP });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers["content-type"], PYPI_JSON);
    assert.equal(head.headers["content-length"], String(full.body.length));
    assert.equal(head.headers.etag, full.headers.etag);
    assert.equal(head.headers.vary, "Accept");
    const missing = await request("HEAD", "/simple/nope/");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.length, 0);
  });

  test("ETag and If-None-Match give 304", async () => {
    const first = await get("/simple/foo-bar/", { accept: PIP });
    const etag = first.headers.etag;
    assert.ok(etag);
    assert.ok(first.headers["last-modified"]);
    const second = await get("/simple/foo-bar/", { accept: PIP, "if-none-match": etag });
    assert.equal(second.status, 304);
    assert.equal(second.body.length, 0);
    assert.equal(second.headers.vary, "Accept");
    assert.equal(second.headers["cache-control"], SHORT);
    const stale = await get("/simple/foo-bar/", { accept: PIP, "if-none-match": '"nope"' });
    assert.equal(stale.status, 200);
    const since = await get("/", { "if-modified-since": new Date(Date.now() + 60_000).toUTCString() });
    assert.equal(since.status, 304);
  });

  test("byte ranges: 206 and 416", async () => {
    const res = await get(`/${WHEEL}`, { range: "bytes=0-9" });
    assert.equal(res.status, 206);
    assert.equal(res.headers["content-range"], `bytes 0-9/${WHEEL_BYTES.length}`);
    assert.equal(res.headers["content-length"], "10");
    assert.deepEqual(res.body, WHEEL_BYTES.subarray(0, 10));
    assert.equal(res.headers["accept-ranges"], "bytes");

    const tail = await get(`/${WHEEL}`, { range: "bytes=-6" });
    assert.equal(tail.status, 206);
    assert.deepEqual(tail.body, WHEEL_BYTES.subarray(WHEEL_BYTES.length - 6));

    const bad = await get(`/${WHEEL}`, { range: "bytes=1000-2000" });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers["content-range"], `bytes */${WHEEL_BYTES.length}`);
    assert.equal(bad.headers.etag, undefined);
  });

  test("Cache-Control and content types of files", async () => {
    const wheel = await get(`/${WHEEL}`);
    assert.equal(wheel.status, 200);
    assert.equal(wheel.headers["cache-control"], IMMUTABLE);
    assert.equal(wheel.headers["content-type"], "application/zip");
    assert.equal(wheel.headers.vary, undefined);
    assert.deepEqual(wheel.body, WHEEL_BYTES);

    const metadata = await get(`/${WHEEL}.metadata`);
    assert.equal(metadata.status, 200);
    assert.equal(metadata.headers["cache-control"], IMMUTABLE);
    assert.equal(metadata.headers["content-type"], "text/plain; charset=utf-8");
    assert.match(metadata.body.toString(), /^Metadata-Version: 2\.1/);

    assert.equal((await get("/simple/", { accept: PIP })).headers["cache-control"], SHORT);

    const other = await startServer({ root, port: 0, indexMaxAgeSeconds: 60 });
    try {
      const res = await fetch(`${other.url}/simple/foo-bar/`);
      assert.equal(res.headers.get("cache-control"), "public, max-age=60");
      const whl = await fetch(`${other.url}/${WHEEL}`);
      assert.equal(whl.headers.get("cache-control"), IMMUTABLE);
      await whl.arrayBuffer();
      await res.arrayBuffer();
    } finally {
      await other.close();
    }
  });

  test("no directory listings; a directory without its slash is 404, so no answer tells which folders exist", async () => {
    for (const p of ["/files/", "/files/foo-bar/", "/simple/foo-bar/index.json/"]) {
      const res = await get(p);
      assert.equal(res.status, 404, p);
      assert.ok(!res.body.toString().includes("foo_bar"), p);
    }
    for (const p of ["/files", "/files/foo-bar?x=1", "/files/no-such-project"]) {
      const res = await get(p);
      assert.equal(res.status, 404, p);
      assert.equal(res.headers.location, undefined, p);
    }
  });

  test("dotfiles are not served", async () => {
    for (const p of ["/.nojekyll", "/%2enojekyll", "/.nojekyll/"]) {
      const res = await get(p);
      assert.equal(res.status, 404, p);
      assert.ok(!res.body.toString().includes("nojekyll-marker"), p);
    }
  });

  test("traversal attempts never return files outside root", async () => {
    const paths = [
      "/../secret.txt",
      "/../package.json",
      "/%2e%2e/secret.txt",
      "/%2e%2e/package.json",
      "/%2E%2E/secret.txt",
      "/files/../../secret.txt",
      "/files/%2e%2e/%2e%2e/secret.txt",
      "/simple/../../secret.txt",
      "/simple/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "//../secret.txt",
      "/./../secret.txt",
      "/secret.txt%00",
      "/%zz/../secret.txt",
      "http://127.0.0.1/../secret.txt",
    ];
    for (const p of paths) {
      const res = await get(p);
      assert.ok(res.status >= 400 && res.status < 500, `${p}: ${res.status}`);
      assert.ok(!res.body.toString().includes(SECRET), p);
    }
    assert.equal((await get("/../secret.txt")).status, 400);
    assert.equal((await get("/%zz")).status, 400);
  });

  test("one log line per request", async () => {
    logLines.length = 0;
    await get("/simple/foo-bar/");
    await get("/simple/nope/");
    await request("POST", "/simple/");
    await get("/simple");
    assert.deepEqual(logLines, ["GET /simple/foo-bar/ 200", "GET /simple/nope/ 404", "POST /simple/ 405", "GET /simple 301"]);
  });
});
