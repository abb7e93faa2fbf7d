/**
 * Per-person list pages on the private CDN, with the two Lambda@Edge bundles `pulumi up` uploads
 * (config baked in), loaded the way Lambda loads them. A small front plays CloudFront: it picks the
 * cache behaviour by the viewer's path as the distribution's patterns say, runs the gate on
 * viewer-request, and on the default behaviour the list pages' origin-request function, with only
 * the headers its origin request policy forwards; the origin is the site as the bucket holds it
 * (no static list pages). Real pip goes through it as two people with different grants.
 */
import assert from "node:assert/strict";
import { cpSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, test } from "node:test";
import type { EdgeRequest, EdgeResponse } from "../generator/serving/access/lambda-edge-handler.js";
import type { OriginRequestEvent } from "../generator/serving/access/list-origin-request.js";
import { GENERATED_BODY_MAX_BYTES } from "../generator/serving/access/list-origin-request.js";
import type { ListPages } from "../generator/serving/access/list-pages.js";
import { LIST_PAGE_PATHS } from "../generator/serving/access/list-uri.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { LAMBDA_EDGE_MAX_BYTES, LAMBDA_EDGE_ORIGIN_MAX_BYTES, lambdaEdgeBundle, listPagesEdgeBundle } from "../infra/cdn/lambda-edge-bundle.js";
import { matchesPattern, PRIVATE_PAGE_PATTERNS } from "../infra/cdn/private-behaviours.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { loadLambdaBundle, type Handler } from "./helpers/lambda-bundle.js";
import { tempDir } from "./helpers/paths.js";
import { startPrivateOrg, type PrivateOrg } from "./helpers/private-org.js";
import { createVenv } from "./helpers/python.js";

type ListHandler = (event: OriginRequestEvent) => Promise<EdgeRequest | EdgeResponse>;

const BOB = `ghp_bob_edge${"0".repeat(28)}`;
const DAVE = `ghp_dave_edge${"0".repeat(27)}`;
const LOCAL = ["demo-app", "demo-core", "demo-sdist-only", "demo-zip"];
const SEES = { bob: ["acme-js", ...LOCAL].sort(), dave: ["acme-core", "acme-js", ...LOCAL].sort() };
const CACHED = ["files/*", ...PRIVATE_PAGE_PATTERNS];
const GATE_CONFIG = { gateRepository: "acme/pypi", indexMaxAgeSeconds: 300, positiveTtlSeconds: 300, negativeTtlSeconds: 30, timeoutMs: 2000 };

let org: PrivateOrg;
let origin: RunningServer;
const fronts: http.Server[] = [];
/** What the origin-request function was asked, and what reached the bucket. */
const seen: { listRequests: string[]; bucket: string[] } = { listRequests: [], bucket: [] };

const toNode = (headers: EdgeResponse["headers"]): Record<string, string> => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.map((h) => h.value).join(", ")]));

/** CloudFront for the private index: behaviour by path pattern, viewer-request, origin-request on the default behaviour, then the bucket. */
async function startFront(viewer: Handler, lists: ListHandler): Promise<string> {
  const server = http.createServer((req, res) => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const uri = q < 0 ? raw : raw.slice(0, q);
    const headers: EdgeRequest["headers"] = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const key = req.rawHeaders[i] as string;
      (headers[key.toLowerCase()] ??= []).push({ key, value: req.rawHeaders[i + 1] as string });
    }
    const request: EdgeRequest = { clientIp: "127.0.0.1", method: req.method ?? "GET", uri, querystring: q < 0 ? "" : raw.slice(q + 1), headers };
    // The behaviour is chosen by the viewer's path, before any function runs.
    const listBehaviour = !matchesPattern(CACHED, uri.slice(1));
    void (async () => {
      let result: EdgeRequest | EdgeResponse = await viewer({ Records: [{ cf: { request } }] });
      if (!("status" in result) && listBehaviour) {
        // The origin request policy forwards Accept-Encoding and nothing else of the viewer's.
        const forwarded = result.headers["accept-encoding"];
        const toOrigin: EdgeRequest = { ...result, headers: forwarded ? { "accept-encoding": forwarded } : {} };
        seen.listRequests.push(toOrigin.uri);
        result = await lists({ Records: [{ cf: { request: toOrigin } }] });
      }
      if ("status" in result) {
        const body = result.body === undefined ? undefined : Buffer.from(result.body, result.bodyEncoding === "base64" ? "base64" : "utf8");
        res.writeHead(Number(result.status), toNode(result.headers));
        res.end(body);
        return;
      }
      seen.bucket.push(result.uri);
      const answer = await fetch(`${origin.url}${result.uri}`);
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "", "cache-control": answer.headers.get("cache-control") ?? "" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((e: Error) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  fronts.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw GET (no automatic decompression), for what went over the wire. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

const basic = (token: string): string => `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;
let front = "";

before(async () => {
  org = await startPrivateOrg({
    privateRepos: ["core", "app", "secret"],
    publicRepos: ["js"],
    people: [
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
      { login: "dave", tokens: [DAVE], repositories: ["acme/pypi", "acme/core"] },
    ],
    label: "lists-edge",
  });
  // The bucket holds no static list page (infra/cdn/bucket-manifest.ts).
  const bucket = join(tempDir("lists-edge-bucket"), "site");
  cpSync(org.siteDir, bucket, { recursive: true });
  for (const path of LIST_PAGE_PATHS) rmSync(join(bucket, path));
  origin = await startServer({ root: bucket, port: 0 });
  const viewer = loadLambdaBundle(lambdaEdgeBundle({ ...GATE_CONFIG, apiUrl: org.emu.apiUrl, map: org.map }));
  const lists = loadLambdaBundle<ListHandler>(listPagesEdgeBundle({ lists: org.lists }));
  front = await startFront(viewer, lists);
});

after(async () => {
  for (const f of fronts) {
    f.closeAllConnections();
    await new Promise((resolve) => f.close(resolve));
  }
  await origin?.close();
  await org?.emu.close();
});

test("through the edge, each person's JSON root lists their projects, gzipped when asked, never cached; the bucket is not asked", async () => {
  for (const [token, who] of [
    [BOB, "bob"],
    [DAVE, "dave"],
  ] as const) {
    seen.bucket.length = 0;
    const res = await rawGet(`${front}/simple/`, { authorization: basic(token), accept: "application/vnd.pypi.simple.v1+json", "accept-encoding": "gzip, deflate" });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal(res.headers["content-encoding"], "gzip");
    assert.equal(res.headers["content-type"], "application/vnd.pypi.simple.v1+json");
    assert.equal(res.headers["cache-control"], "private, no-store");
    const doc = JSON.parse(gunzipSync(res.body).toString("utf8")) as { projects: { name: string }[] };
    assert.deepEqual(doc.projects.map((p) => p.name.toLowerCase().replace(/[-_.]+/g, "-")).sort(), SEES[who]);
    assert.deepEqual(seen.bucket, [], "rendered at the edge, not fetched");
  }
  // Without Accept-Encoding, plain text; the landing page and the HTML root too.
  const plain = await rawGet(`${front}/`, { authorization: basic(BOB) });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers["content-encoding"], undefined);
  const page = plain.body.toString("utf8");
  assert.match(page, /A Python package index with 5 projects/);
  for (const hidden of ["acme-core", "acme-app", "acme-secret", "acme_core"]) assert.ok(!page.includes(hidden), hidden);
  const html = await rawGet(`${front}/simple/index.html`, { authorization: basic(DAVE) });
  assert.match(html.body.toString(), /acme-core/);
  // The token went no further than the gate: the renderer saw the list URI, never an Authorization header.
  assert.ok(
    seen.listRequests.every((u) => u.startsWith("/.list/")),
    seen.listRequests.join("\n"),
  );
});

test("real pip through the edge: dave downloads acme-core, bob gets 'not found'", async () => {
  const venv = await createVenv(join(tempDir("lists-edge-venv"), "pip"));
  const index = (token: string) => `${front.replace("://", `://token:${token}@`)}/simple/`;
  const ok = await venv.pip(["download", "--no-deps", "--dest", tempDir("lists-edge-dl"), "--index-url", index(DAVE), "acme-core"]);
  assert.equal(ok.code, 0, ok.stderr);
  const denied = await venv.pip(["download", "--no-deps", "--dest", tempDir("lists-edge-dl"), "--index-url", index(BOB), "acme-core"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /No matching distribution found for acme-core/);
  const versions = await venv.pip(["index", "versions", "--index-url", index(BOB), "acme-core"]);
  assert.notEqual(versions.code, 0);
});

test("a list URI sent by a viewer never reaches the renderer; one from another build's gate is refused, not misread", async () => {
  seen.listRequests.length = 0;
  const forged = await fetch(`${front}/.list/x/AAAA/simple/index.json`, { headers: { authorization: basic(DAVE) } });
  assert.equal(forged.status, 404);
  assert.deepEqual(seen.listRequests, []);

  // Mid-deploy: the gate knows one more project than the renderer (or fewer): a 503, never a list of the wrong names.
  const newer: ListPages = { ...org.lists, projects: [...org.lists.projects, { name: "zz-new", displayName: "zz-new", row: "<li>zz-new</li>\n" }] };
  const viewer = loadLambdaBundle(lambdaEdgeBundle({ ...GATE_CONFIG, apiUrl: org.emu.apiUrl, map: { ...org.map, projects: { ...org.map.projects, "zz-new": ["(gate)"] } } }));
  const mixed = await startFront(viewer, loadLambdaBundle<ListHandler>(listPagesEdgeBundle({ lists: org.lists })));
  const res = await fetch(`${mixed}/simple/`, { headers: { authorization: basic(DAVE) } });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  const settled = await startFront(viewer, loadLambdaBundle<ListHandler>(listPagesEdgeBundle({ lists: newer })));
  assert.match(await (await fetch(`${settled}/simple/`, { headers: { authorization: basic(DAVE) } })).text(), /zz-new/);
});

test("GitHub down: the list page is 503 at the gate, fail closed", async () => {
  org.emu.addFault({ path: /^\/(user|user\/repos|repos\/.*)$/, fault: { kind: "status", status: 503 } });
  try {
    const res = await fetch(`${front}/simple/`, { headers: { authorization: basic(`ghp_new_edge${"0".repeat(28)}`) } });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "10");
  } finally {
    org.emu.clearFaults();
  }
});

test("5,000 projects in 2,000 repositories: both bundles within Lambda@Edge's limits, one view of them all under the 1 MB a function may answer, 23 GitHub calls cold and none warm", async () => {
  const big = await GitHubEmulator.start({ token: `ghs_${"b".repeat(36)}` });
  try {
    const PERSON = `ghp_everything${"0".repeat(26)}`;
    const repos = Array.from({ length: 2000 }, (_, i) => ({ name: `repo-${String(i).padStart(4, "0")}`, private: true }));
    big.setOrg("acme", [{ name: "pypi", private: true }, ...repos]);
    big.setPeople([{ login: "everything", tokens: [PERSON], repositories: ["acme/pypi", ...repos.map((r) => `acme/${r.name}`)] }]);
    const projects: Record<string, string[]> = {};
    const entries: ListPages["projects"] = [];
    for (let i = 0; i < 5000; i++) {
      const name = `team-${i % 40}-service-${String(i).padStart(4, "0")}`;
      const repo = `acme/repo-${String(i % 2000).padStart(4, "0")}`;
      projects[name] = [repo];
      const summary = `Client library ${i} for the ${i % 40} team's service: retries, tracing, typed models and a command line.`;
      entries.push({
        name,
        displayName: name,
        row: `<li class="project" data-name="${name}" data-search="${name} ${summary.toLowerCase()}"><a class="project-name" href="project/${name}/">${name}</a> <span class="version">1.${i % 30}.0</span><p class="summary">${summary}</p><p class="project-meta"><a class="repository" href="https://github.com/${repo}">${repo}</a></p></li>\n`,
      });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    const viewerCode = lambdaEdgeBundle({ ...GATE_CONFIG, apiUrl: big.apiUrl, map: { version: 1, projects, public: [] } });
    const listsCode = listPagesEdgeBundle({ lists: { version: 1, title: "Acme", projects: entries } });
    assert.ok(Buffer.byteLength(viewerCode) < LAMBDA_EDGE_MAX_BYTES, `viewer bundle ${Buffer.byteLength(viewerCode)} bytes`);
    assert.ok(Buffer.byteLength(listsCode) < LAMBDA_EDGE_ORIGIN_MAX_BYTES, `list bundle ${Buffer.byteLength(listsCode)} bytes`);

    const viewer = loadLambdaBundle(viewerCode);
    const lists = loadLambdaBundle<ListHandler>(listsCode);
    const event = (uri: string) => ({
      Records: [
        { cf: { request: { clientIp: "127.0.0.1", method: "GET", uri, querystring: "", headers: { authorization: [{ key: "Authorization", value: basic(PERSON) }] } as EdgeRequest["headers"] } } },
      ],
    });
    const rewritten = await viewer(event("/"));
    assert.ok(!("status" in rewritten), JSON.stringify(rewritten).slice(0, 300));
    assert.ok(rewritten.uri.length < 8192, `the list URI is ${rewritten.uri.length} characters; CloudFront takes 8,192`);
    const calls = big.requests.filter((r) => r.server === "api").length;
    assert.equal(calls, 2 + 21, "who, the gate, and the 2,001 repositories (the gate's too) at 100 a page");

    const page = await lists({ Records: [{ cf: { request: { ...rewritten, headers: { "accept-encoding": [{ key: "Accept-Encoding", value: "gzip" }] } } } }] });
    assert.ok("status" in page && page.body !== undefined);
    const bytes = Buffer.from(page.body, "base64");
    assert.ok(bytes.length < GENERATED_BODY_MAX_BYTES, `${bytes.length} bytes gzipped`);
    const html = gunzipSync(bytes).toString("utf8");
    assert.equal((html.match(/<li class="project"/g) ?? []).length, 5000);

    big.clearRequests();
    const warm = await viewer(event("/simple/"));
    assert.ok(!("status" in warm));
    assert.equal(big.requests.length, 0, "warm: no GitHub call");
  } finally {
    await big.close();
  }
});
