/**
 * The CDN path end to end, with real parts wherever the machine has them: the site is synced to
 * a real S3 protocol (moto_server) by the sync provider, a small HTTP front plays CloudFront by
 * running the generated viewer-request function in a VM on every request and fetching the
 * rewritten URI from the bucket, and real pip installs through it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { bucketManifest } from "../infra/cdn/bucket-manifest.js";
import { bucketSyncProvider } from "../infra/cdn/bucket-sync-provider.js";
import { viewerRequestFunctionCode } from "../infra/cdn/edge-function.js";
import { startCloudFrontFront, type CloudFrontFront } from "./helpers/cloudfront-front.js";
import { MotoServer } from "./helpers/moto-server.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { clientEnv, createVenv, installed } from "./helpers/python.js";
import { buildTo, folderObjects } from "./helpers/site.js";

const BUCKET = "acme-index";
const REGION = "us-east-1";

let front: CloudFrontFront;
let log: string[] = [];
let frontUrl = "";
let moto: MotoServer;

before(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: REGION });
  moto = await MotoServer.start();
  const { s3 } = await moto.createSite(BUCKET, REGION, "cdn-pip-test");
  const siteDir = tempDir("cdn-pip-site");
  await buildTo(siteDir, { from: [demoDists], config: { yanked: { "demo-core": { "1.0.0": "broken" } } } });
  await bucketSyncProvider.create({ bucket: BUCKET, region: REGION, endpoint: moto.motoEndpoint, siteDir, objects: bucketManifest(await folderObjects(siteDir, 300)) });
  front = await startCloudFrontFront({ viewerRequest: viewerRequestFunctionCode({ indexMaxAgeSeconds: 300 }), bucket: BUCKET, s3 });
  ({ log, url: frontUrl } = front);
});

after(async () => {
  await front?.close();
  await moto?.stop();
});

test("pip installs through the edge function and the S3 origin: JSON by negotiation, PEP 658 metadata, Requires-Python and yanks honoured", async () => {
  const venv = await createVenv(join(tempDir("cdn-venv"), "v"));
  const r = await venv.pip(["install", "--index-url", `${frontUrl}/simple/`, "demo-app"]);
  assert.equal(r.code, 0, r.stdout + r.stderr + log.join("\n"));
  const pkgs = await installed(venv);
  assert.equal(pkgs.get("demo-app"), "0.3.0");
  assert.equal(pkgs.get("demo-core"), "1.2.0", "2.0.0 needs Python >= 3.99");
  assert.equal(execFileSync(venv.python, ["-c", "import demo_core; print(demo_core.__version__)"], { env: clientEnv() }).toString().trim(), "1.2.0");
  // The function turned pip's directory URL into the JSON file, which S3 serves with the PEP 691 type.
  assert.ok(
    log.some((l) => l === "GET /simple/demo-app/ -> /simple/demo-app/index.json 200 application/vnd.pypi.simple.v1+json"),
    log.join("\n"),
  );
  assert.ok(
    log.some((l) => /demo_app-0\.3\.0-py3-none-any\.whl\.metadata 200/.test(l)),
    log.join("\n"),
  );
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
