/**
 * The S3 + CloudFront sync, run the way `pulumi up` runs it: the provider text comes from a
 * BucketSync declared under Pulumi's mocks (the SDK's own serialisation), Pulumi's own
 * dynamic-provider host loads it in a separate plain `node` process with nothing but AWS
 * credentials in its environment, and this test plays the engine over gRPC: check, create, diff,
 * update, read and delete against a real moto server. Every request the host makes passes
 * through the recording front of test/helpers/moto-server.ts, which is how order and counts are
 * proven; the bucket's contents are read back from moto directly and compared with the site.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GetInvalidationCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BucketSync } from "../infra/cdn/bucket-sync.js";
import { bucketManifest } from "../infra/cdn/bucket-manifest.js";
import type { BucketObject, BucketSyncProvider, SyncFigures } from "../infra/cdn/bucket-sync-provider.js";
import { startServer } from "../generator/serving/server.js";
import { captureSerialisedProviders, DynamicProviderHost, loadProviderFromText } from "./helpers/dynamic-provider-host.js";
import { MOTO_CREDENTIALS, MotoServer, type RecordedRequest } from "./helpers/moto-server.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { buildTo, folderObjects } from "./helpers/site.js";

const BUCKET = "pypi-index-site";
const REGION = "us-east-1";
const CREDENTIALS = MOTO_CREDENTIALS;
const URN = "urn:pulumi:dev::github-pypi::pulumi-nodejs:dynamic/cdn:BucketSync::site";

// The SDK serialises the provider when the resource is declared; the mock monitor receives the text.
const serialisedProvider = captureSerialisedProviders();

/** What a CI runner would hand the engine: a PATH, a HOME, AWS credentials and region; no TypeScript loader, no AWS config files. */
function hostEnv(): NodeJS.ProcessEnv {
  const home = tempDir("aws-home");
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
  };
}

let moto: MotoServer;
let host: DynamicProviderHost;
let s3: S3Client;
let cloudfront: CloudFrontClient;
let distributionId: string;
let siteDir: string;
let providerText: string;
let maxAge = 300;

type Props = Record<string, unknown>;
type Manifest = Record<string, BucketObject>;

function inputs(objects: Manifest, extra: Props = {}): Props {
  return { bucket: BUCKET, region: REGION, endpoint: moto.endpoint, distributionId, siteDir, objects, __provider: providerText, ...extra };
}

async function build(from: string = demoDists): Promise<Manifest> {
  await buildTo(siteDir, { from: [from] });
  return bucketManifest(await folderObjects(siteDir, maxAge));
}

const md5 = (bytes: Uint8Array | string) => createHash("md5").update(bytes).digest("hex");

/** The stage a key must be uploaded in, as the specification says it: files (and the catalog's assets), then project pages, then the rest. */
function stage(key: string): number {
  if (key.startsWith("files/") || key.startsWith("assets/")) return 0;
  return /^(simple|project)\/[^/]+\/.+/.test(key) ? 1 : 2;
}

/** Every PUT of an earlier stage was answered before any PUT of a later stage was sent. */
function assertUploadOrder(puts: RecordedRequest[]): void {
  for (const a of puts) {
    for (const b of puts) {
      if (stage(a.key ?? "") < stage(b.key ?? "")) assert.ok(a.ended < b.started, `${a.key} must be in place before ${b.key} is sent (answered at ${a.ended}, sent at ${b.started})`);
    }
  }
}

async function bucketKeys(): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** The bucket holds exactly the manifest's objects, each with its headers and the site file's bytes. */
async function assertBucketEqualsSite(manifest: Manifest): Promise<void> {
  assert.deepEqual(await bucketKeys(), Object.keys(manifest).sort());
  for (const [key, want] of Object.entries(manifest)) {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    assert.equal(got.ContentType, want.contentType, `${key}: Content-Type`);
    assert.equal(got.CacheControl, want.cacheControl, `${key}: Cache-Control`);
    const bytes = Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    assert.ok(bytes.equals(readFileSync(join(siteDir, ...key.split("/")))), `${key}: bytes equal the site file`);
  }
}

function figures(state: Props): SyncFigures {
  return state.lastSync as SyncFigures;
}

const keysOf = (rs: RecordedRequest[]) => rs.map((r) => r.key ?? "").sort();
const xmlValues = (body: Buffer | undefined, tag: string) => [...(body?.toString() ?? "").matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1] ?? "");

before(async () => {
  moto = await MotoServer.start();
  ({ s3, cloudfront, distributionId } = await moto.createSite(BUCKET, REGION, "bucket-sync-test"));
  siteDir = tempDir("bucket-site");
  const objects = await build();
  new BucketSync("site", { bucket: BUCKET, region: REGION, endpoint: moto.endpoint, distributionId, siteDir, objects });
  providerText = await serialisedProvider("pulumi-nodejs:dynamic/cdn:BucketSync");
  host = await DynamicProviderHost.start(hostEnv());
});

after(async () => {
  await host?.stop();
  s3?.destroy();
  cloudfront?.destroy();
  await moto?.stop();
});

describe("S3 sync through the serialised dynamic provider", () => {
  let id = "";
  let state: Props = {};

  test("the serialised provider has no TypeScript loader, ESM import or credentials in it", () => {
    assert.doesNotMatch(providerText, /\bimport\s*\(|from\s+["']|tsx|__require/);
    assert.doesNotMatch(providerText, new RegExp(CREDENTIALS.secretAccessKey));
    assert.match(providerText, /getBuiltinModule\("node:module"\)/, "the SDK is required at run time");
  });

  test("create: every object lands with the headers `serve` sends and the site's bytes, in link order; Pages files stay out", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    assert.equal(manifest[".nojekyll"], undefined, ".nojekyll is a GitHub Pages file");
    const checked = await host.check(URN, {}, inputs(manifest));
    assert.deepEqual(checked.failures, []);
    const from = moto.requests.length;
    const created = await host.create(URN, checked.inputs);
    id = created.id;
    state = created.properties;
    assert.equal(id, BUCKET);
    await assertBucketEqualsSite(manifest);

    const seen = moto.since(from);
    assert.equal(seen[0]?.operation, "ListObjectsV2", "the bucket is listed first");
    const puts = seen.filter((r) => r.operation === "PutObject");
    assert.deepEqual(keysOf(puts), Object.keys(manifest).sort(), "one PUT per object");
    assert.ok(
      puts.every((r) => r.md5Ok),
      "every PUT carried a Content-MD5 equal to its body's MD5",
    );
    assertUploadOrder(puts);
    assert.ok(puts.some((r) => stage(r.key ?? "") === 0) && puts.some((r) => stage(r.key ?? "") === 1) && puts.some((r) => stage(r.key ?? "") === 2));
    assert.deepEqual(
      seen.filter((r) => r.operation !== "PutObject").map((r) => r.operation),
      ["ListObjectsV2"],
      "a new bucket: no HEAD, no delete and nothing to invalidate",
    );
    const total = Object.values(manifest).reduce((n, o) => n + o.size, 0);
    assert.deepEqual(figures(state), {
      uploaded: puts.length,
      deleted: 0,
      unchanged: 0,
      puts: puts.length,
      heads: 0,
      deletes: 0,
      lists: 1,
      bytes: total,
      retries: 0,
      sequence: 1,
      invalidatedPaths: [],
    });

    // The stored headers are the ones `github-pypi serve` sends for the same paths.
    const served = await startServer({ root: siteDir, port: 0, indexMaxAgeSeconds: maxAge });
    try {
      for (const key of Object.keys(manifest)) {
        const res = await fetch(`${served.url}/${key.split("/").map(encodeURIComponent).join("/")}`, { method: "HEAD" });
        const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        assert.equal(res.status, 200, key);
        assert.equal(head.ContentType, res.headers.get("content-type"), `${key}: Content-Type as served`);
        assert.equal(head.CacheControl, res.headers.get("cache-control"), `${key}: Cache-Control as served`);
      }
    } finally {
      await served.close();
    }
  });

  test("diff: an unchanged site has nothing to do, and asks nothing of S3", async () => {
    const from = moto.requests.length;
    assert.deepEqual(await host.diff(id, URN, state, inputs(bucketManifest(await folderObjects(siteDir, maxAge)))), { changes: "none", replaces: [] });
    assert.equal(moto.requests.length, from, "the diff makes no request");
  });

  test("diff: a changed object is an update naming it; another bucket, region or endpoint is a replacement", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    const changed: Manifest = { ...manifest, "simple/index.html": { ...(manifest["simple/index.html"] as BucketObject), cacheControl: "no-cache" } };
    assert.deepEqual(await host.diff(id, URN, state, inputs(changed)), { changes: "some", replaces: [] });
    const provider = loadProviderFromText<BucketSyncProvider>(providerText);
    const diff = await provider.diff(id, state as never, inputs(changed) as never);
    assert.deepEqual(diff.changedObjects, [{ key: "simple/index.html", kind: "update" }]);
    assert.deepEqual((await host.diff(id, URN, state, inputs(manifest, { bucket: "other-bucket" }))).replaces, ["bucket"]);
    assert.deepEqual((await host.diff(id, URN, state, inputs(manifest, { region: "eu-west-1", endpoint: `${moto.endpoint}/` }))).replaces, ["region"], "a trailing slash is the same endpoint");
    assert.deepEqual((await host.diff(id, URN, state, inputs(manifest, { endpoint: moto.motoEndpoint }))).replaces, ["endpoint"]);
    // Same bucket, other door: the old sync must empty it before the new one fills it, not after.
    assert.equal((await provider.diff(id, state as never, inputs(manifest, { endpoint: moto.motoEndpoint }) as never)).deleteBeforeReplace, true);
    assert.equal((await provider.diff(id, state as never, inputs(manifest, { bucket: "other-bucket" }) as never)).deleteBeforeReplace, false);
    assert.deepEqual(await host.diff(id, URN, state, inputs(manifest, { distributionId: "E2OTHER" })), { changes: "some", replaces: [] });
  });

  test("update with an unchanged site: one listing and nothing else", async () => {
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(bucketManifest(await folderObjects(siteDir, maxAge))));
    assert.deepEqual(
      moto.since(from).map((r) => r.operation),
      ["ListObjectsV2"],
    );
    const f = figures(state);
    assert.equal(f.puts, 0);
    assert.equal(f.unchanged, Object.keys(bucketManifest(await folderObjects(siteDir, maxAge))).length);
    assert.equal(f.sequence, 2);
  });

  let beforeChange: Props = {};
  let changeReference = "";
  let pageBefore = Buffer.alloc(0);
  const page = () => join(siteDir, "simple", "demo-core", "index.html");

  test("one changed page: exactly that object is PUT, then one invalidation names it", async () => {
    pageBefore = readFileSync(page());
    appendFileSync(page(), "<!-- edited -->\n");
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    beforeChange = state;
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(manifest));
    const seen = moto.since(from);
    assert.deepEqual(
      seen.map((r) => `${r.operation}${r.key ? ` ${r.key}` : ""}`),
      ["ListObjectsV2", "PutObject simple/demo-core/index.html", "CreateInvalidation"],
    );
    const invalidation = seen[2] as RecordedRequest;
    assert.deepEqual(xmlValues(invalidation.body, "Path"), ["/simple/demo-core/index.html"]);
    assert.deepEqual(xmlValues(invalidation.body, "Quantity"), ["1"]);
    changeReference = xmlValues(invalidation.body, "CallerReference")[0] ?? "";
    assert.match(changeReference, /^github-pypi-sync-[0-9a-f]{40}$/);
    const f = figures(state);
    assert.deepEqual(f.invalidatedPaths, ["/simple/demo-core/index.html"]);
    const stored = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: f.invalidationId }));
    assert.deepEqual(stored.Invalidation?.InvalidationBatch?.Paths?.Items, ["/simple/demo-core/index.html"]);
    await assertBucketEqualsSite(manifest);
  });

  test("a retried sync (same recorded state) still invalidates, with the same CallerReference, and uploads nothing", async () => {
    // As after a `pulumi up` that failed once the objects were up: the state is still the old one.
    const from = moto.requests.length;
    const retried = await host.update(id, URN, beforeChange, inputs(bucketManifest(await folderObjects(siteDir, maxAge))));
    const seen = moto.since(from);
    assert.deepEqual(
      seen.map((r) => `${r.operation}${r.key ? ` ${r.key}` : ""}`),
      // The bytes are already there; the old state cannot vouch for their headers, so one HEAD does.
      ["ListObjectsV2", "HeadObject simple/demo-core/index.html", "CreateInvalidation"],
    );
    assert.equal(xmlValues(seen[2]?.body, "CallerReference")[0], changeReference, "CloudFront recognises the retry by its CallerReference");
    assert.deepEqual(figures(retried).invalidatedPaths, ["/simple/demo-core/index.html"]);
  });

  test("a change that comes back (A -> B -> A -> B) gets a new CallerReference, so CloudFront really invalidates again", async () => {
    const edited = readFileSync(page());
    const references: string[] = [];
    for (const bytes of [pageBefore, edited]) {
      writeFileSync(page(), bytes);
      const from = moto.requests.length;
      state = await host.update(id, URN, state, inputs(bucketManifest(await folderObjects(siteDir, maxAge))));
      const made = moto.since(from, "CreateInvalidation");
      assert.equal(made.length, 1);
      assert.deepEqual(xmlValues(made[0]?.body, "Path"), ["/simple/demo-core/index.html"]);
      references.push(xmlValues(made[0]?.body, "CallerReference")[0] ?? "");
    }
    // The last sync made the same change as the first (same path, same new MD5); a reused reference would be answered with the old invalidation.
    assert.notEqual(references[1], changeReference);
    assert.equal(new Set([changeReference, ...references]).size, 3);
  });

  test("a header-only change re-uploads the pages with the new Cache-Control and leaves the files alone", async () => {
    maxAge = 600;
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(manifest));
    const puts = moto.since(from, "PutObject");
    const pages = Object.keys(manifest).filter((k) => !k.startsWith("files/"));
    assert.deepEqual(keysOf(puts), pages.sort());
    assertUploadOrder(puts);
    assert.deepEqual(figures(state).invalidatedPaths, pages.map((k) => `/${k}`).sort());
    assert.equal(moto.since(from, "HeadObject").length, 0, "the recorded state knows the old headers: no HEAD needed");
    await assertBucketEqualsSite(manifest);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "simple/index.json" }))).CacheControl, "public, max-age=600");
  });

  test("a removed project: the new pages go up first, then its objects are deleted, pages before files", async () => {
    const fewer = tempDir("dists-without-zip");
    cpSync(demoDists, fewer, { recursive: true, filter: (src) => !src.includes("demo_zip") });
    const manifest = await build(fewer);
    const gone = ["files/demo-zip/demo_zip-0.2.0.zip", "project/demo-zip/index.html", "simple/demo-zip/index.html", "simple/demo-zip/index.json"];
    for (const key of gone) assert.equal(manifest[key], undefined);
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(manifest));
    const seen = moto.since(from);
    const puts = seen.filter((r) => r.operation === "PutObject");
    const deletes = seen.filter((r) => r.operation === "DeleteObjects");
    assert.ok(keysOf(puts).includes("simple/index.html") && keysOf(puts).includes("simple/index.json"), "the root index no longer lists the project");
    assertUploadOrder(puts);
    assert.deepEqual(deletes.flatMap((r) => xmlValues(r.body, "Key")).sort(), gone);
    for (const d of deletes) for (const p of puts) assert.ok(p.ended < d.started, `deletion after ${p.key} is in place`);
    assert.deepEqual(
      deletes.map((r) => xmlValues(r.body, "Key")),
      [["project/demo-zip/index.html", "simple/demo-zip/index.html", "simple/demo-zip/index.json"], ["files/demo-zip/demo_zip-0.2.0.zip"]],
      "its pages go before the files they link",
    );
    assert.ok((deletes[0] as RecordedRequest).ended < (deletes[1] as RecordedRequest).started);
    const invalidations = seen.filter((r) => r.operation === "CreateInvalidation");
    assert.equal(invalidations.length, 1);
    assert.ok((deletes[1] as RecordedRequest).ended < (invalidations[0] as RecordedRequest).started, "the invalidation comes last");
    const paths = xmlValues(invalidations[0]?.body, "Path");
    for (const key of [...gone, "simple/index.html", "simple/index.json", "index.html", "simple/demo-core/index.html"]) assert.ok(paths.includes(`/${key}`), `${key} is invalidated`);
    assert.ok(!paths.some((p) => p.startsWith("/files/demo-core/")), "unchanged immutable files are not invalidated");
    const f = figures(state);
    assert.equal(f.deleted, gone.length, "the file, its two index pages and its catalog page");
    assert.equal(f.deletes, 2);
    await assertBucketEqualsSite(manifest);
  });

  test("a project that comes back: its new pages are invalidated too, since the edge may hold a 404 or an upstream redirect for them; its new files are not", async () => {
    const manifest = await build(demoDists);
    assert.ok(manifest["simple/demo-zip/index.json"], "demo-zip is back");
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(manifest));
    const invalidations = moto.since(from, "CreateInvalidation");
    assert.equal(invalidations.length, 1);
    const paths = xmlValues(invalidations[0]?.body, "Path");
    for (const key of ["simple/demo-zip/index.html", "simple/demo-zip/index.json"]) assert.ok(paths.includes(`/${key}`), `${key} is invalidated: ${paths.join(" ")}`);
    assert.ok(!paths.some((p) => p.startsWith("/files/demo-zip/")), "a new file had nothing cached");
    await assertBucketEqualsSite(manifest);
  });

  test("refresh shows drift after out-of-band writes, and the next update puts it right", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "simple/demo-app/index.html", Body: "defaced", ContentType: "text/plain" }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "stray.txt", Body: "dropped here by hand" }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "files/demo-app/demo_app-0.3.0.tar.gz" }));
    const read = await host.read(id, URN, state);
    assert.equal(read.id, id);
    assert.equal(read.properties.__provider, providerText, "the provider survives a refresh");
    const objects = read.properties.objects as Manifest;
    assert.deepEqual(objects["simple/demo-app/index.html"], { md5: md5("defaced"), size: 7, contentType: "", cacheControl: "" });
    assert.equal(objects["stray.txt"]?.md5, md5("dropped here by hand"));
    assert.equal(objects["files/demo-app/demo_app-0.3.0.tar.gz"], undefined);
    assert.deepEqual(objects["simple/index.json"], manifest["simple/index.json"], "untouched objects keep their recorded headers");
    assert.equal((await host.diff(id, URN, read.properties, inputs(manifest))).changes, "some");

    const from = moto.requests.length;
    state = await host.update(id, URN, read.properties, inputs(manifest));
    assert.deepEqual(keysOf(moto.since(from, "PutObject")), ["files/demo-app/demo_app-0.3.0.tar.gz", "simple/demo-app/index.html"]);
    assert.deepEqual(figures(state).invalidatedPaths, ["/simple/demo-app/index.html", "/stray.txt"]);
    await assertBucketEqualsSite(manifest);
    assert.equal((await host.diff(id, URN, state, inputs(manifest))).changes, "none");
  });

  test("a first sync over objects already in the bucket checks their headers with one HEAD each and uploads only what differs", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    // Someone changed a header behind the stack's back; the bytes are the same, so only a HEAD can tell.
    const key = "simple/demo-app/index.json";
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: readFileSync(join(siteDir, ...key.split("/"))),
        ContentType: "application/json",
        CacheControl: (manifest[key] as BucketObject).cacheControl,
      }),
    );
    const from = moto.requests.length;
    const created = await host.create(URN, inputs(manifest));
    const seen = moto.since(from);
    assert.equal(seen.filter((r) => r.operation === "HeadObject").length, Object.keys(manifest).length);
    assert.deepEqual(keysOf(seen.filter((r) => r.operation === "PutObject")), [key]);
    assert.deepEqual(figures(created.properties).invalidatedPaths, [`/${key}`]);
    await assertBucketEqualsSite(manifest);
  });

  test("a site file changed after the manifest was made fails the sync with a clear message", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    const key = "simple/demo-app/index.html";
    const path = join(siteDir, ...key.split("/"));
    const original = readFileSync(path);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })); // so the sync must upload it
    writeFileSync(path, "changed after the build\n");
    try {
      await assert.rejects(
        host.update(id, URN, state, inputs(manifest)),
        /S3 sync: simple\/demo-app\/index\.html in .* changed after the program built the site \(md5 [0-9a-f]{32}, 24 bytes; expected [0-9a-f]{32}, \d+ bytes\); run `pulumi up` again/,
      );
    } finally {
      writeFileSync(path, original);
    }
    state = await host.update(id, URN, state, inputs(manifest));
    await assertBucketEqualsSite(manifest);
  });

  test("throttling is retried by the SDK; a refused PUT fails naming the key and S3's code and message", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    const key = "simple/demo-core/index.json";
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const clear = moto.fault({ operation: "PutObject", key, status: 503, code: "SlowDown", message: "Please reduce your request rate.", times: 2 });
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(manifest));
    clear();
    assert.deepEqual(
      moto.since(from, "PutObject").map((r) => `${r.key} ${r.status}`),
      [`${key} 503`, `${key} 503`, `${key} 200`],
    );
    assert.equal(figures(state).retries, 2);
    assert.equal(figures(state).puts, 1);

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const clearDenied = moto.fault({ operation: "PutObject", key, status: 403, code: "AccessDenied", message: "Access Denied" });
    try {
      await assert.rejects(host.update(id, URN, state, inputs(manifest)), (e: Error) => {
        assert.match(e.message, /S3: PutObject simple\/demo-core\/index\.json failed: AccessDenied: Access Denied \(the AWS credentials need s3:ListBucket/);
        assert.doesNotMatch(e.message, new RegExp(CREDENTIALS.secretAccessKey));
        return true;
      });
    } finally {
      clearDenied();
    }
    state = await host.update(id, URN, state, inputs(manifest));
    await assertBucketEqualsSite(manifest);
  });

  test("a bucket of more than one listing page: every stray found and deleted in batches of 1,000, one wildcard invalidation", async () => {
    const manifest = bucketManifest(await folderObjects(siteDir, maxAge));
    const strays = Array.from({ length: 1050 }, (_, i) => `simple/zz-stray-${String(i).padStart(4, "0")}/index.html`);
    for (let i = 0; i < strays.length; i += 50) {
      await Promise.all(strays.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "stray" }))));
    }
    const from = moto.requests.length;
    state = await host.update(id, URN, state, inputs(manifest));
    const seen = moto.since(from);
    assert.equal(seen.filter((r) => r.operation === "ListObjectsV2").length, 2, "1,050 strays + the site: two pages");
    const batches = seen.filter((r) => r.operation === "DeleteObjects").map((r) => xmlValues(r.body, "Key").length);
    assert.deepEqual(batches, [1000, 50]);
    assert.deepEqual(figures(state).invalidatedPaths, ["/simple/*"], "over 1,000 paths: the pages as one wildcard");
    assert.equal(figures(state).lists, 2);
    await assertBucketEqualsSite(manifest);
  });

  test("check rejects bad keys, MD5s, bucket names and distribution ids, naming them", async () => {
    const good: BucketObject = { md5: "0".repeat(32), size: 1, contentType: "text/plain", cacheControl: "no-cache" };
    const bad = await host.check(
      URN,
      {},
      inputs({ "../escape": good, "a//b": good, "ok/file": { ...good, md5: "xyz" }, "ok/size": { ...good, size: -1 } }, { bucket: "Not_A_Bucket", distributionId: "e-lower" }),
    );
    assert.deepEqual(
      bad.failures.map((f) => f.reason),
      [
        'bucket must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens), not "Not_A_Bucket"',
        'distributionId must be a CloudFront distribution id, not "e-lower"',
        '"../escape" is not a valid object key for the site',
        '"a//b" is not a valid object key for the site',
        'ok/file: "xyz" is not a hex MD5',
        "ok/size: size must be a non-negative integer",
      ],
    );
  });

  test("a bucket that does not exist fails with S3's code and a hint", async () => {
    await assert.rejects(
      host.create(URN, inputs(bucketManifest(await folderObjects(siteDir, maxAge)), { bucket: "no-such-bucket-here" })),
      /S3: ListObjectsV2 no-such-bucket-here failed: NoSuchBucket: The specified bucket does not exist \(bucket no-such-bucket-here does not exist in us-east-1/,
    );
  });

  test("without credentials anywhere in the default chain, the sync fails saying where they can come from", async () => {
    const env = hostEnv();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const other = await DynamicProviderHost.start({ ...env, AWS_EC2_METADATA_DISABLED: "true" });
    try {
      const from = moto.requests.length;
      await assert.rejects(
        other.create(URN, inputs(bucketManifest(await folderObjects(siteDir, maxAge)))),
        /S3: ListObjectsV2 pypi-index-site failed: CredentialsProviderError: .*\(no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role\)/,
      );
      assert.equal(moto.requests.length, from, "nothing was sent");
    } finally {
      await other.stop();
    }
  });

  test("delete empties the bucket, deleting again is not an error, and a refresh after the bucket is gone reports the sync gone", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "not-from-the-site.txt", Body: "x" }));
    const from = moto.requests.length;
    await host.delete(id, URN, state);
    assert.deepEqual(await bucketKeys(), [], "every object, the site's and others, is gone: the bucket can be deleted");
    assert.equal(moto.since(from, "CreateInvalidation").length, 0);
    await host.delete(id, URN, state);
    await s3.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    await host.delete(id, URN, state);
    const read = await host.read(id, URN, state);
    assert.equal(read.id, "");
  });
});
