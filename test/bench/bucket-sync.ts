/**
 * S3 sync benchmark: a generated site of 10,000 objects (BENCH_SYNC_PROJECTS link-only projects
 * from a JSON-lines list, two pages each, plus the demo distributions copied in as files) is synced
 * to a real moto server, then one page changes, then nothing changes. The provider is serialised
 * the way Pulumi serialises it and run by Pulumi's own dynamic-provider host in a plain node
 * process, driven over gRPC (create, diff, update); every request passes through the recording
 * front of test/helpers/moto-server.ts. Prints S3 and CloudFront requests by operation, bytes
 * uploaded and time. Figures only, except checks that make the process exit non-zero: the bucket
 * must hold exactly the site (every key, ETag = MD5 and size, and the headers of a sample), and
 * the cold uploads must go files, then project pages, then root pages.
 * Goals: unchanged = one listing and no write; one change = the changed object plus one invalidation.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { bucketManifest } from "../../infra/cdn/bucket-manifest.js";
import { bucketSyncProvider, type BucketObject, type BucketSyncProvider, type SyncFigures } from "../../infra/cdn/bucket-sync-provider.js";
import { DynamicProviderHost, loadProviderFromText } from "../helpers/dynamic-provider-host.js";
import { MOTO_CREDENTIALS, MotoServer, type RecordedRequest } from "../helpers/moto-server.js";
import { demoDists, tempDir } from "../helpers/paths.js";
import { buildTo, folderObjects } from "../helpers/site.js";
import { syntheticLines } from "./synthetic-list.js";

// Each project gives two pages; 4,986 of them, the demo distributions (17 files, 8 pages) and the
// three root pages make a site of exactly 10,000 objects.
const PROJECTS = Number(process.env.BENCH_SYNC_PROJECTS ?? 4986);
if (!Number.isInteger(PROJECTS) || PROJECTS < 1) throw new Error(`BENCH_SYNC_PROJECTS must be a positive integer, not ${process.env.BENCH_SYNC_PROJECTS}`);
const BUCKET = "pypi-index-bench";
const REGION = "us-east-1";
const CREDENTIALS = MOTO_CREDENTIALS;
const URN = "urn:pulumi:bench::github-pypi::pulumi-nodejs:dynamic/cdn:BucketSync::site";
const MAX_AGE = 300;
const HEADER_SAMPLE = 100;

const count = (n: number) => n.toLocaleString("en");
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const kib = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`);
const goal = (ok: boolean) => (ok ? "goal met" : "GOAL MISSED");

// ---- request accounting ----------------------------------------------------------------------

interface Phase {
  requests: RecordedRequest[];
  byOperation: Map<string, number>;
  writes: number;
  bytes: number;
  ms: number;
}

const ORDER = ["ListObjectsV2", "HeadObject", "PutObject", "DeleteObjects", "CreateInvalidation"];
const WRITES = new Set(["PutObject", "DeleteObjects", "DeleteObject", "CreateInvalidation"]);

async function measure<T>(moto: MotoServer, fn: () => Promise<T>): Promise<{ result: T; phase: Phase }> {
  const from = moto.requests.length;
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const requests = moto.since(from);
  const byOperation = new Map<string, number>();
  for (const r of requests) byOperation.set(r.operation, (byOperation.get(r.operation) ?? 0) + 1);
  const bytes = requests.filter((r) => r.operation === "PutObject").reduce((n, r) => n + r.bytes, 0);
  return { result, phase: { requests, byOperation, writes: requests.filter((r) => WRITES.has(r.operation)).length, bytes, ms } };
}

function table(p: Phase, indent = "      "): string {
  const ops = [...ORDER.filter((k) => p.byOperation.has(k)), ...[...p.byOperation.keys()].filter((k) => !ORDER.includes(k)).sort()];
  if (ops.length === 0) return `${indent}(none)`;
  return ops
    .map((op) => {
      const failed = p.requests.filter((r) => r.operation === op && (r.status < 200 || r.status > 299));
      const note = failed.length > 0 ? `  (${failed.length} not 2xx)` : "";
      return `${indent}${op.padEnd(20)}${String(p.byOperation.get(op) ?? 0).padStart(7)}${note}`;
    })
    .join("\n");
}

const n = (p: Phase, op: string) => p.byOperation.get(op) ?? 0;

// ---- the site --------------------------------------------------------------------------------

/** Two linked files a project (the shared synthetic organisation), so each project gives exactly two pages. */
function packageList(path: string, projects: number): void {
  writeFileSync(path, `${syntheticLines({ files: 2 * projects, projects }).join("\n")}\n`);
}

/** The order pages link in: files and the catalog's assets, then each project's pages (simple and catalog), then the root pages that link them. */
function stage(key: string): number {
  if (key.startsWith("files/") || key.startsWith("assets/")) return 0;
  return /^(simple|project)\/[^/]+\/.+/.test(key) ? 1 : 2;
}

/** Every PUT of a stage answered before the first PUT of the next was sent; a list of violations. */
function orderViolations(puts: RecordedRequest[]): string[] {
  const out: string[] = [];
  for (let s = 0; s < 2; s++) {
    const earlier = puts.filter((r) => stage(r.key ?? "") <= s);
    const later = puts.filter((r) => stage(r.key ?? "") > s);
    if (earlier.length === 0 || later.length === 0) continue;
    const lastEnd = earlier.reduce((a, b) => (b.ended > a.ended ? b : a));
    const firstStart = later.reduce((a, b) => (b.started < a.started ? b : a));
    if (lastEnd.ended > firstStart.started) out.push(`${firstStart.key} was sent before ${lastEnd.key} was in place`);
  }
  return out;
}

/** The bucket against the manifest: every key with ETag = MD5 and size, and the headers of a sample; a list of differences. */
async function differences(s3: S3Client, manifest: Record<string, BucketObject>): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? "";
      seen.add(key);
      const want = manifest[key];
      if (!want) out.push(`extra in the bucket: ${key}`);
      else if ((o.ETag ?? "").replace(/"/g, "") !== want.md5 || o.Size !== want.size) out.push(`bytes differ: ${key}`);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  for (const key of Object.keys(manifest)) if (!seen.has(key)) out.push(`missing in the bucket: ${key}`);
  const keys = Object.keys(manifest);
  const step = Math.max(1, Math.floor(keys.length / HEADER_SAMPLE));
  for (let i = 0; i < keys.length; i += step) {
    const key = keys[i] as string;
    const want = manifest[key] as BucketObject;
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    if (head.ContentType !== want.contentType || head.CacheControl !== want.cacheControl) out.push(`headers differ: ${key} (${head.ContentType}; ${head.CacheControl})`);
  }
  return out;
}

// ---- the run ---------------------------------------------------------------------------------

const failures: string[] = [];
const moto = await MotoServer.start();
let host: DynamicProviderHost | undefined;
let s3: S3Client | undefined;
let cloudfront: CloudFrontClient | undefined;
try {
  const site = await moto.createSite(BUCKET, REGION, "bucket-sync-bench");
  ({ s3, cloudfront } = site);
  const { distributionId } = site;

  const work = tempDir("bench-bucket-sync");
  const list = join(work, "packages.jsonl");
  const siteDir = join(work, "site");
  packageList(list, PROJECTS);
  const t0 = performance.now();
  await buildTo(siteDir, { from: [demoDists], packageListsJson: [list], config: { packagesUrl: "https://files.example/" } });
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  const manifest = bucketManifest(await folderObjects(siteDir, MAX_AGE));
  const manifestMs = performance.now() - t1;
  const keys = Object.keys(manifest);
  const siteBytes = Object.values(manifest).reduce((a, o) => a + o.size, 0);

  const sf = await pulumi.runtime.serializeFunction(() => bucketSyncProvider, { allowSecrets: true });
  const provider = loadProviderFromText<BucketSyncProvider>(sf.text);
  const home = tempDir("bench-aws-home");
  const h = await DynamicProviderHost.start({
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
  });
  host = h;
  const inputs = (objects: Record<string, BucketObject>) => ({ bucket: BUCKET, region: REGION, endpoint: moto.endpoint, distributionId, siteDir, objects, __provider: sf.text });
  const last = (props: Record<string, unknown>) => props.lastSync as SyncFigures;

  console.log(
    `S3 sync: ${count(PROJECTS)} listed projects + demo distributions -> ${count(keys.length)} objects, ${kib(siteBytes)} (built in ${secs(buildMs)}, manifest in ${secs(manifestMs)}); moto_server behind a recording front, provider run by Pulumi's dynamic-provider host over gRPC`,
  );
  console.log(`  provider serialised like Pulumi does: ${kib(sf.text.length)} of text`);

  // 1. Cold: an empty bucket.
  const cold = await measure(moto, () => h.create(URN, inputs(manifest)));
  const coldFig = last(cold.result.properties);
  console.log(`\n  cold sync to an empty bucket: ${secs(cold.phase.ms)}, ${count(cold.phase.requests.length)} requests (${count(cold.phase.writes)} writes), ${kib(cold.phase.bytes)} uploaded`);
  console.log(table(cold.phase));
  console.log(
    `    one PUT per object: ${count(n(cold.phase, "PutObject"))} for ${count(keys.length)} -> ${goal(n(cold.phase, "PutObject") === keys.length)}; provider's own figures: ${count(coldFig.uploaded)} uploaded, ${count(coldFig.bytes)} bytes, ${coldFig.lists} listing page(s), ${coldFig.retries} retries`,
  );
  const violations = orderViolations(cold.phase.requests.filter((r) => r.operation === "PutObject"));
  console.log(`    upload order files -> project pages -> root pages: ${violations.length === 0 ? "kept" : `${violations.length} VIOLATIONS`}`);
  failures.push(...violations.map((v) => `cold order: ${v}`));
  const badMd5 = cold.phase.requests.filter((r) => r.operation === "PutObject" && !r.md5Ok).length;
  if (badMd5 > 0) failures.push(`${badMd5} PUTs without a correct Content-MD5`);
  if (coldFig.bytes !== cold.phase.bytes) failures.push(`the provider counted ${coldFig.bytes} bytes, the front saw ${cold.phase.bytes}`);
  const coldDiff = await differences(s3, manifest);
  console.log(`    bucket vs site: ${coldDiff.length === 0 ? `identical (${count(keys.length)} keys, ETag = MD5 and size; headers of ${HEADER_SAMPLE} sampled)` : `${coldDiff.length} DIFFERENCES`}`);
  failures.push(...coldDiff.map((d) => `after the cold sync: ${d}`));

  // 2. One changed page.
  const edited = keys.find((k) => /^simple\/[^/]+\/index\.html$/.test(k) && !k.startsWith("simple/demo-")) ?? "index.html";
  appendFileSync(join(siteDir, ...edited.split("/")), "<!-- edited by the sync benchmark -->\n");
  const t2 = performance.now();
  const changed = bucketManifest(await folderObjects(siteDir, MAX_AGE));
  const changedManifestMs = performance.now() - t2;
  const oneDiff = await measure(moto, () => provider.diff(cold.result.id, cold.result.properties as never, inputs(changed) as never));
  const one = await measure(moto, () => h.update(cold.result.id, URN, cold.result.properties, inputs(changed)));
  const oneFig = last(one.result);
  console.log(`\n  one changed page (${edited}), manifest again in ${secs(changedManifestMs)}:`);
  console.log(
    `    diff: changes ${oneDiff.result.changes}, [${oneDiff.result.changedObjects.map((c) => `${c.kind} ${c.key}`).join(", ")}], ${oneDiff.phase.requests.length} requests -> ${goal(oneDiff.result.changes === true && oneDiff.result.changedObjects.length === 1 && oneDiff.phase.requests.length === 0)}`,
  );
  console.log(`    update: ${secs(one.phase.ms)}, ${count(one.phase.requests.length)} requests (${one.phase.writes} writes), ${kib(one.phase.bytes)} uploaded`);
  console.log(table(one.phase));
  const onePut = one.phase.requests.filter((r) => r.operation === "PutObject").map((r) => r.key);
  const oneGoal = onePut.length === 1 && onePut[0] === edited && n(one.phase, "CreateInvalidation") === 1 && one.phase.writes === 2 && n(one.phase, "HeadObject") === 0;
  console.log(`    PUT ${onePut.join(", ")}; invalidation ${oneFig.invalidationId ?? "none"} of [${oneFig.invalidatedPaths.join(", ")}] -> ${goal(oneGoal)}`);

  // 3. No change.
  const noneDiff = await measure(moto, () => provider.diff(cold.result.id, one.result as never, inputs(changed) as never));
  const none = await measure(moto, () => h.update(cold.result.id, URN, one.result, inputs(changed)));
  const noneFig = last(none.result);
  console.log(`\n  no change:`);
  console.log(`    diff: changes ${noneDiff.result.changes}, ${noneDiff.phase.requests.length} requests -> ${goal(noneDiff.result.changes === false && noneDiff.phase.requests.length === 0)}`);
  console.log(
    `    update anyway: ${secs(none.phase.ms)}, ${count(none.phase.requests.length)} requests (${none.phase.writes} writes) -> ${goal(none.phase.writes === 0 && n(none.phase, "HeadObject") === 0 && n(none.phase, "ListObjectsV2") === none.phase.requests.length)}; ${count(noneFig.unchanged)} objects unchanged`,
  );
  console.log(table(none.phase));

  const finalDiff = await differences(s3, changed);
  console.log(`\n  bucket vs site after the updates: ${finalDiff.length === 0 ? `identical (${count(keys.length)} keys)` : `${finalDiff.length} DIFFERENCES`}`);
  failures.push(...finalDiff.map((d) => `after the updates: ${d}`));
  console.log(`  peak memory of this process (RSS, recording front included; moto and the host are separate processes): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await host?.stop();
  s3?.destroy();
  cloudfront?.destroy();
  await moto.stop();
}
if (failures.length > 0) {
  console.error(`\nS3 sync benchmark: the bucket is wrong:\n  ${failures.slice(0, 20).join("\n  ")}${failures.length > 20 ? `\n  ... and ${failures.length - 20} more` : ""}`);
  process.exitCode = 1;
}
