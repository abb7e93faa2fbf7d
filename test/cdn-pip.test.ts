/**
 * The CDN path end to end, with real parts wherever the machine has them: the site is synced to
 * a real S3 protocol (moto_server) by the sync provider, a small HTTP front plays CloudFront by
 * running the generated viewer-request function in a VM on every request and fetching the
 * rewritten URI from the bucket, and real pip installs through it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import vm from "node:vm";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { bucketManifest } from "../infra/cdn/bucket-manifest.js";
import { bucketSyncProvider } from "../infra/cdn/bucket-sync-provider.js";
import { viewerRequestFunctionCode } from "../infra/cdn/edge-function.js";
import { MotoServer } from "./helpers/moto-server.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { createVenv, installed } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";

const BUCKET = "acme-index";
const REGION = "us-east-1";

interface EdgeValue {
  value: string;
}
interface EdgeResponse {
  statusCode: number;
  headers: Record<string, EdgeValue>;
  body?: { data: string };
}
interface EdgeRequest {
  method: string;
  uri: string;
  querystring: Record<string, EdgeValue>;
  headers: Record<string, EdgeValue>;
}

let moto: MotoServer;
let front: http.Server;
let frontUrl = "";
const log: string[] = [];

/** CloudFront's side of the request: the event the function sees, the function's verdict, then the origin. */
function edge(code: string, origin: S3Client): http.RequestListener {
  const context = vm.createContext({});
  vm.runInContext(code, context);
  const handler = vm.runInContext("handler", context) as (event: { version: string; request: EdgeRequest }) => EdgeRequest | EdgeResponse;
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://edge");
    const querystring: Record<string, EdgeValue> = {};
    // CloudFront hands query values as sent (still percent-encoded).
    for (const part of url.search.slice(1).split("&").filter(Boolean)) {
      const i = part.indexOf("=");
      querystring[i < 0 ? part : part.slice(0, i)] = { value: i < 0 ? "" : part.slice(i + 1) };
    }
    const headers: Record<string, EdgeValue> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = { value: v };
    const result = handler({ version: "1.0", request: { method: req.method ?? "GET", uri: url.pathname, querystring, headers } });
    if ("statusCode" in result) {
      log.push(`${req.method} ${req.url} -> ${result.statusCode}`);
      res.writeHead(result.statusCode, Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, v.value])));
      res.end(result.body?.data);
      return;
    }
    // The origin request is signed, as Origin Access Control signs it (sigv4).
    const key = result.uri.slice(1).split("/").map(decodeURIComponent).join("/");
    origin.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then(
      async (answer) => {
        log.push(`${req.method} ${req.url} -> ${result.uri} 200 ${answer.ContentType}`);
        const body = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
        // Vary comes from the response headers policy; the rest is the object's own metadata.
        res.writeHead(200, { vary: "Accept", "content-type": answer.ContentType ?? "", "cache-control": answer.CacheControl ?? "", etag: answer.ETag ?? "", "content-length": String(body.length) });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
        const status = e.$metadata?.httpStatusCode ?? 502;
        log.push(`${req.method} ${req.url} -> ${result.uri} ${status}`);
        res.writeHead(status, { "content-type": "application/xml" });
        res.end(`<Error><Code>${e.name}</Code></Error>`);
      },
    );
  };
}

before(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: REGION });
  moto = await MotoServer.start();
  const { s3 } = await moto.createSite(BUCKET, REGION, "cdn-pip-test");
  const siteDir = tempDir("cdn-pip-site");
  await buildTo(siteDir, { from: [demoDists], config: { yanked: { "demo-core": { "1.0.0": "broken" } } } });
  await bucketSyncProvider.create({ bucket: BUCKET, region: REGION, endpoint: moto.motoEndpoint, siteDir, objects: bucketManifest(siteDir, 300) });
  front = http.createServer(edge(viewerRequestFunctionCode({ indexMaxAgeSeconds: 300 }), s3));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

after(async () => {
  front?.closeAllConnections();
  await new Promise((resolve) => front?.close(resolve));
  await moto?.stop();
});

test("pip installs through the edge function and the S3 origin: JSON by negotiation, PEP 658 metadata, Requires-Python and yanks honoured", async () => {
  const venv = await createVenv(join(tempDir("cdn-venv"), "v"));
  const r = await venv.pip(["install", "--index-url", `${frontUrl}/simple/`, "demo-app"]);
  assert.equal(r.code, 0, r.stdout + r.stderr + log.join("\n"));
  const pkgs = await installed(venv);
  assert.equal(pkgs.get("demo-app"), "0.3.0");
  assert.equal(pkgs.get("demo-core"), "1.2.0", "2.0.0 needs Python >= 3.99");
  assert.equal(execFileSync(venv.python, ["-c", "import demo_core; print(demo_core.__version__)"]).toString().trim(), "1.2.0");
  // The function turned pip's directory URL into the JSON file, which S3 serves with the PEP 691 type.
  assert.ok(log.some((l) => l === "GET /simple/demo-app/ -> /simple/demo-app/index.json 200 application/vnd.pypi.simple.v1+json"), log.join("\n"));
  assert.ok(log.some((l) => /demo_app-0\.3\.0-py3-none-any\.whl\.metadata 200/.test(l)), log.join("\n"));
  const yanked = await venv.pip(["install", "--index-url", `${frontUrl}/simple/`, "demo-core==1.0.0"]);
  assert.match(yanked.stdout + yanked.stderr, /yanked.*broken/is);
});

test("a browser gets the HTML page, a non-normalised name a redirect, a dotfile a 404, all from the same function", async () => {
  const html = await fetch(`${frontUrl}/simple/demo-app/`, { headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
  assert.equal(html.status, 200);
  assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await html.text(), /demo_app-0\.3\.0-py3-none-any\.whl/);
  const moved = await fetch(`${frontUrl}/simple/Demo_App/?x=1`, { redirect: "manual" });
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.get("location"), "/simple/demo-app/?x=1");
  assert.equal((await fetch(`${frontUrl}/.nojekyll`)).status, 404);
  const wheel = await fetch(`${frontUrl}/files/demo-core/demo_core-1.2.0-py3-none-any.whl`);
  assert.equal(wheel.status, 200);
  assert.equal(wheel.headers.get("cache-control"), "public, max-age=31536000, immutable");
});
