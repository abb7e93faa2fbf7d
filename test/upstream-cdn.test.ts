/**
 * One index URL on the public CDN, with real pip: the site is synced to a real S3 protocol
 * (moto_server), a front plays CloudFront by running the generated viewer-request CloudFront
 * Function in a VM and the bundled origin-response Lambda@Edge function on the bucket's answer,
 * and the upstream is a plain PEP 503 index served by Python that logs every request.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bucketManifest } from "../infra/cdn/bucket-manifest.js";
import { bucketSyncProvider } from "../infra/cdn/bucket-sync-provider.js";
import { viewerRequestFunctionCode } from "../infra/cdn/edge-function.js";
import { upstreamEdgeBundle } from "../infra/cdn/lambda-edge-bundle.js";
import type { OriginResponseEvent } from "../generator/serving/routing/upstream-origin-response.js";
import type { EdgeResponse } from "../generator/serving/routing/lambda-edge-response.js";
import { readUpstreamRecord } from "../generator/site/upstream-record.js";
import { startCloudFrontFront, type CloudFrontFront } from "./helpers/cloudfront-front.js";
import { loadLambdaBundle } from "./helpers/lambda-bundle.js";
import { MotoServer } from "./helpers/moto-server.js";
import { tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { createVenv, installed } from "./helpers/python.js";
import { buildTo, folderObjects } from "./helpers/site.js";
import { startUpstreamIndex, writeUpstreamFolder, type UpstreamIndex } from "./helpers/upstream-index.js";

const BUCKET = "acme-upstream-index";
const REGION = "us-east-1";
type OriginResponse = (event: OriginResponseEvent) => Promise<EdgeResponse>;

let moto: MotoServer;
let upstream: UpstreamIndex;
let front: CloudFrontFront;
let originResponse: OriginResponse;

before(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: REGION });
  upstream = await startUpstreamIndex(
    writeUpstreamFolder({
      "public-dep": [makeWheel({ name: "public-dep", version: "1.0.0" })],
      "acme-cdnapp": [makeWheel({ name: "acme-cdnapp", version: "99.0.0" })],
      "acme-removed": [makeWheel({ name: "acme-removed", version: "2.0.0" })],
    }),
  );
  const dists = tempDir("upstream-cdn-ours");
  const app = makeWheel({ name: "acme-cdnapp", version: "1.0.0", requiresDist: ["public-dep>=1.0"] });
  writeFileSync(join(dists, app.filename), app.bytes);
  const site = join(tempDir("upstream-cdn-site"), "site");
  const built = await buildTo(site, { from: [dists], config: { upstream: { url: upstream.url, claimed: ["acme-*"] } } });
  const recorded = await readUpstreamRecord(site);
  assert.ok(recorded);

  moto = await MotoServer.start();
  const { s3 } = await moto.createSite(BUCKET, REGION, "upstream-cdn-test");
  await bucketSyncProvider.create({ bucket: BUCKET, region: REGION, endpoint: moto.motoEndpoint, siteDir: site, objects: bucketManifest(await folderObjects(site, 300)) });
  // What the stack deploys: the bundle with the recorded upstream baked in, loaded as Lambda loads it.
  originResponse = loadLambdaBundle<OriginResponse>(upstreamEdgeBundle({ upstream: recorded, indexMaxAgeSeconds: 300, held: built.index.projects.map((p) => p.name) }));
  front = await startCloudFrontFront({ viewerRequest: viewerRequestFunctionCode({ indexMaxAgeSeconds: 300 }), bucket: BUCKET, s3, originResponse });
});

after(async () => {
  upstream?.close();
  await front?.close();
  await moto?.stop();
});

test("through the CDN, one --index-url installs our project and its public dependency; the squatter never wins; the upstream never hears our names", async () => {
  const venv = await createVenv(join(tempDir("upstream-cdn-venv"), "v"));
  await upstream.settle();
  upstream.requests.length = 0;
  const r = await venv.pip(["install", "--index-url", `${front.url}/simple/`, "acme-cdnapp"]);
  assert.equal(r.code, 0, r.stdout + r.stderr + front.log.join("\n"));
  const got = await installed(venv);
  assert.equal(got.get("acme-cdnapp"), "1.0.0", "ours, not the squatter's 99.0.0");
  assert.equal(got.get("public-dep"), "1.0.0", "from the upstream");
  // The bucket had no page for public-dep; the origin-response function turned its 404 into the redirect.
  assert.ok(front.log.includes("GET /simple/public-dep/ -> /simple/public-dep/index.json 302"), front.log.join("\n"));
  await upstream.settle();
  assert.ok(
    upstream.requests.some((q) => q.path === "/simple/public-dep/"),
    JSON.stringify(upstream.requests),
  );
  assert.deepEqual(
    upstream.requests.filter((q) => /acme/.test(q.path)),
    [],
    "the upstream never sees a claimed name",
  );

  const pinned = await venv.pip(["download", "--no-deps", "--dest", tempDir("upstream-cdn-dl"), "--index-url", `${front.url}/simple/`, "acme-cdnapp==99.0.0", "acme-removed"]);
  assert.notEqual(pinned.code, 0);
  assert.match(pinned.stderr, /No matching distribution found for acme-cdnapp==99\.0\.0/);
  await upstream.settle();
  assert.deepEqual(
    upstream.requests.filter((q) => /acme/.test(q.path)),
    [],
  );
});

test("through the CDN, a claimed name stays the bucket's 404; each representation of a public name is a cacheable redirect", async () => {
  for (const name of ["acme-removed", "acme-never-was"]) {
    const r = await fetch(`${front.url}/simple/${name}/`, { redirect: "manual" });
    assert.equal(r.status, 404, name);
  }
  for (const accept of ["application/vnd.pypi.simple.v1+json", "text/html"]) {
    const r = await fetch(`${front.url}/simple/Public.Dep/`, { headers: { accept } });
    assert.equal(r.url, `${upstream.url}public-dep/`, "the front's 301 to the normalised name, then the 302 upstream");
    assert.equal(r.status, 200);
    const moved = await fetch(`${front.url}/simple/public-dep/`, { redirect: "manual", headers: { accept } });
    assert.equal(moved.status, 302, accept);
    assert.equal(moved.headers.get("location"), `${upstream.url}public-dep/`);
    assert.equal(moved.headers.get("cache-control"), "public, max-age=300", "CloudFront caches it one max-age");
  }
  const head = await fetch(`${front.url}/simple/public-dep/`, { method: "HEAD", redirect: "manual" });
  assert.equal(head.status, 302);
  // Files, catalog pages and the root are never sent upstream.
  for (const path of ["/files/public-dep/public_dep-1.0.0-py3-none-any.whl", "/project/public-dep/"]) {
    assert.equal((await fetch(`${front.url}${path}`, { redirect: "manual" })).status, 404, path);
  }
  const root = (await (await fetch(`${front.url}/simple/`, { headers: { accept: "application/vnd.pypi.simple.v1+json" } })).json()) as { projects: { name: string }[] };
  assert.deepEqual(
    root.projects.map((p) => p.name),
    ["acme-cdnapp"],
  );
});

test("only the bucket's 404 for a name the index does not hold goes upstream: a 403 or a 5xx passes through, and a held name's missing page stays 404", async () => {
  const response = (status: string): EdgeResponse => ({ status, statusDescription: "", headers: { "content-type": [{ key: "Content-Type", value: "application/xml" }] } });
  const request = { method: "GET", uri: "/simple/public-dep/index.json", querystring: "", headers: {} };
  for (const status of ["403", "500", "503"]) {
    const given = response(status);
    assert.equal(await originResponse({ Records: [{ cf: { request, response: given } }] }), given, status);
  }
  // The redirect is the bucket's response changed in place: CloudFront's read-only headers survive it.
  const given = response("404");
  given.headers["transfer-encoding"] = [{ key: "Transfer-Encoding", value: "chunked" }];
  given.headers.via = [{ key: "Via", value: "1.1 abc.cloudfront.net (CloudFront)" }];
  const ok = await originResponse({ Records: [{ cf: { request, response: given } }] });
  assert.equal(ok.status, "302");
  assert.equal(ok.headers["transfer-encoding"]?.[0]?.value, "chunked");
  assert.equal(ok.headers.via?.[0]?.value, "1.1 abc.cloudfront.net (CloudFront)");
  assert.equal(ok.headers["content-type"]?.[0]?.value, "text/plain; charset=utf-8", "not the bucket's XML type");
  // A name the index holds is never sent upstream, even while its page is missing from the bucket (first deploy, a sync cut short).
  const held = response("404");
  assert.equal(await originResponse({ Records: [{ cf: { request: { ...request, uri: "/simple/acme-cdnapp/index.json" }, response: held } }] }), held);
  assert.equal(held.status, "404");
  // A URI no viewer function would produce (bad percent-encoding) is left alone.
  const bad = response("404");
  assert.equal(await originResponse({ Records: [{ cf: { request: { ...request, uri: "/simple/%E0%A4%A/index.json" }, response: bad } }] }), bad);
});
