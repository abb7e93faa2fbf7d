/**
 * The dynamic provider that keeps an S3 bucket equal to the built site and, when a CloudFront
 * distribution fronts it, invalidates what changed with ONE invalidation per sync.
 *
 * A sync lists the bucket (ETag and size of every object), PUTs what differs in three stages so a
 * page never points at an object that is not there yet (distribution files, their `.metadata` and
 * the catalog's assets, then project pages, then the root pages), deletes what the site no longer
 * has (pages before the files they linked), and last creates the invalidation for every
 * already-published path that changed or went away. An unchanged site costs one listing and no
 * write.
 *
 * Pulumi serialises this object with `serializeFunction` and a separate host process loads the
 * text with `require-from-string`, where no TypeScript loader and no ESM import exists. So this
 * module has no runtime imports: built-in modules come from `process.getBuiltinModule`, and the
 * AWS SDK is required at run time from the Pulumi project folder (the host's working directory),
 * inside the functions. Constants and helpers at module level are captured by value.
 *
 * Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID..., AWS_PROFILE, SSO, web
 * identity, instance and container roles); nothing secret is an input or part of the state.
 */
import type { dynamic } from "@pulumi/pulumi";
import type { DeleteObjectsCommandOutput, ListObjectsV2CommandOutput, PutObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import type { CloudFrontClient } from "@aws-sdk/client-cloudfront";

type S3Sdk = typeof import("@aws-sdk/client-s3");
type CloudFrontSdk = typeof import("@aws-sdk/client-cloudfront");

/** One object the bucket should hold. */
export interface BucketObject {
  /** Hex MD5 of the bytes: what S3 returns as the ETag of a single-part PUT (SSE-S3 or no encryption). */
  md5: string;
  size: number;
  contentType: string;
  cacheControl: string;
}

/** What the program hands the provider. No credentials: the SDK's default chain supplies them. */
export interface BucketSyncInputs {
  bucket: string;
  region: string;
  /** Endpoint override for S3 and CloudFront (an S3-compatible server or moto in tests); path-style addressing then. */
  endpoint?: string;
  /** The distribution to invalidate when already-published paths change; none: no invalidation. */
  distributionId?: string;
  /** Absolute path of the built site; read only for the objects that must be uploaded. */
  siteDir: string;
  /** Object key (site-relative path) -> what it should be, from `bucketManifest`. */
  objects: Record<string, BucketObject>;
}

export interface SyncFigures {
  /** Objects PUT (new, changed, or with changed headers). */
  uploaded: number;
  /** Objects deleted because the site no longer has them. */
  deleted: number;
  /** Objects of the site the bucket already held as they should be. */
  unchanged: number;
  /** PutObject calls (one per uploaded object; the SDK's own retries are counted in `retries`). */
  puts: number;
  /** HeadObject calls: only for objects whose bytes match but whose headers this state does not know. */
  heads: number;
  /** DeleteObjects calls (up to 1,000 keys each). */
  deletes: number;
  /** ListObjectsV2 pages. */
  lists: number;
  /** Bytes uploaded. */
  bytes: number;
  /** Extra attempts the SDK made for throttling, 5xx answers and network errors. */
  retries: number;
  /** 1 for the first sync of this resource, then one more per update; part of the invalidation's CallerReference. */
  sequence: number;
  invalidationId?: string;
  /** The paths of this sync's invalidation, empty when there was none. */
  invalidatedPaths: string[];
}

export interface BucketSyncOutputs extends BucketSyncInputs {
  lastSync: SyncFigures;
}

/** Attempts per request, the SDK's standard retry strategy (throttling, 5xx, network errors, with backoff). */
const MAX_ATTEMPTS = 6;
const REQUEST_TIMEOUT_MS = 120_000;
const CONNECTION_TIMEOUT_MS = 15_000;
const PUT_CONCURRENCY = 16;
const HEAD_CONCURRENCY = 16;
/** Upload bytes held in memory at once; a bigger single file is read alone. Bodies stay buffers so the SDK can retry them. */
const IN_FLIGHT_BYTES = 256 * 1024 * 1024;
/** S3's limit for one PUT; beyond it an upload would need multipart, whose ETag is not the MD5. */
const MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;
const DELETE_BATCH = 1000;
/** More changed paths than this become wildcards (the first 1,000 paths a month are free; a wildcard counts as one). */
const MAX_INVALIDATION_PATHS = 1000;
const MD5 = /^[0-9a-f]{32}$/;
/** S3 bucket naming rules (general purpose buckets). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Pulumi's placeholder for values not known during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const REPLACE_KEYS = ["bucket", "region", "endpoint"] as const;

// ---- the SDK, loaded at run time -------------------------------------------------------------

/** Requires an SDK package from the Pulumi project folder: the host has no import map of its own. */
function loadSdk<T>(name: string): T {
  const { createRequire } = process.getBuiltinModule("node:module");
  const req = createRequire(process.cwd() + "/");
  try {
    return req(name) as T;
  } catch (e) {
    throw new Error(`S3 sync: cannot load ${name} from ${process.cwd()}: ${(e as Error).message}; install it in the Pulumi project (npm install ${name})`);
  }
}

interface S3 {
  sdk: S3Sdk;
  client: S3Client;
  bucket: string;
  region: string;
}

function openS3(inputs: Pick<BucketSyncInputs, "bucket" | "region" | "endpoint">): S3 {
  const sdk = loadSdk<S3Sdk>("@aws-sdk/client-s3");
  const client = new sdk.S3Client({
    region: inputs.region,
    ...(inputs.endpoint ? { endpoint: inputs.endpoint, forcePathStyle: true } : {}),
    maxAttempts: MAX_ATTEMPTS,
    // Content-MD5 is the integrity check of every PUT; no extra CRC32 unless an operation requires one (DeleteObjects).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
  return { sdk, client, bucket: inputs.bucket, region: inputs.region };
}

function openCloudFront(inputs: Pick<BucketSyncInputs, "endpoint">): { sdk: CloudFrontSdk; client: CloudFrontClient } {
  const sdk = loadSdk<CloudFrontSdk>("@aws-sdk/client-cloudfront");
  const client = new sdk.CloudFrontClient({
    region: "us-east-1", // CloudFront is global; its API lives in us-east-1
    ...(inputs.endpoint ? { endpoint: inputs.endpoint } : {}),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
  return { sdk, client };
}

// ---- errors ----------------------------------------------------------------------------------

/** An AWS error answer. A plain Error with fields, not a subclass: the serialiser captures functions, not class hierarchies. */
interface AwsError extends Error {
  code: string;
  status?: number;
}

interface SdkErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function errorCode(e: unknown): string {
  const err = e as SdkErrorShape;
  return String(err?.Code ?? err?.name ?? "Error");
}

function hint(code: string, where: { bucket: string; region: string; distributionId?: string }): string {
  switch (code) {
    case "NoSuchBucket":
      return ` (bucket ${where.bucket} does not exist in ${where.region}; the stack creates it before the sync)`;
    case "AccessDenied":
    case "Forbidden":
    case "AllAccessDisabled":
      return ` (the AWS credentials need s3:ListBucket on ${where.bucket} and s3:GetObject, s3:PutObject, s3:DeleteObject on its objects)`;
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return ` (bucket ${where.bucket} is not in ${where.region}: set the region the bucket was created in)`;
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
    case "ExpiredToken":
    case "InvalidClientTokenId":
      return " (the AWS credentials were rejected)";
    case "CredentialsProviderError":
      return " (no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role)";
    case "BadDigest":
      return " (the bytes S3 received do not match their MD5: the file changed while it was uploaded; run `pulumi up` again)";
    case "NoSuchDistribution":
      return ` (distribution ${where.distributionId ?? "?"} does not exist)`;
    case "TooManyInvalidationsInProgress":
      return " (CloudFront is still working on earlier invalidations; run `pulumi up` again when they finish)";
    default:
      return "";
  }
}

function awsError(service: "S3" | "CloudFront", operation: string, target: string, e: unknown, where: { bucket: string; region: string; distributionId?: string }): AwsError {
  const err = e as SdkErrorShape;
  const code = errorCode(e);
  const status = err?.$metadata?.httpStatusCode;
  const message = err?.message || (status ? `HTTP ${status}` : "no message");
  return Object.assign(new Error(`${service}: ${operation} ${target} failed: ${code}: ${message}${hint(code, where)}`), {
    code,
    ...(status === undefined ? {} : { status }),
  });
}

// ---- helpers ---------------------------------------------------------------------------------

function newFigures(sequence: number): SyncFigures {
  return { uploaded: 0, deleted: 0, unchanged: 0, puts: 0, heads: 0, deletes: 0, lists: 0, bytes: 0, retries: 0, sequence, invalidatedPaths: [] };
}

function countRetries(figures: SyncFigures, metadata: { attempts?: number } | undefined): void {
  figures.retries += Math.max(0, (metadata?.attempts ?? 1) - 1);
}

/** `"abc..."` -> `abc...`: ListObjectsV2 and PutObject quote the ETag. */
function bareEtag(etag: string | undefined): string {
  return (etag ?? "").replace(/^W\//, "").replace(/"/g, "").toLowerCase();
}

/**
 * 0: `files/...` (distributions and their .metadata) and `assets/...` (the catalog's style and
 * script); 1: a project's pages, `simple/<project>/...` and `project/<project>/...`; 2: everything
 * else (the root pages, which link the project pages).
 */
function stageOf(key: string): number {
  const parts = key.split("/");
  if (parts[0] === "files" || parts[0] === "assets") return 0;
  if ((parts[0] === "simple" || parts[0] === "project") && parts.length >= 3) return 1;
  return 2;
}

function byStage(keys: readonly string[]): string[][] {
  const stages: string[][] = [[], [], []];
  for (const key of keys) (stages[stageOf(key)] as string[]).push(key);
  return stages;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i] as T);
      } catch (e) {
        failed = true; // stop handing out work; the first error wins
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Bounds the upload bytes in memory; one file larger than the bound is let through alone. */
function byteGate(limit: number) {
  let used = 0;
  let waiters: (() => void)[] = [];
  return {
    async take(n: number): Promise<void> {
      while (used > 0 && used + n > limit) await new Promise<void>((resolve) => waiters.push(resolve));
      used += n;
    },
    give(n: number): void {
      used -= n;
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
    },
  };
}

/** The bytes of a site file, checked against the manifest the program computed. */
async function readSiteFile(siteDir: string, key: string, want: BucketObject): Promise<Buffer> {
  const fs = process.getBuiltinModule("node:fs");
  const { join } = process.getBuiltinModule("node:path");
  const crypto = process.getBuiltinModule("node:crypto");
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(join(siteDir, ...key.split("/")));
  } catch (e) {
    throw new Error(`S3 sync: cannot read ${key} from the built site ${siteDir}: ${(e as Error).message}; run \`pulumi up\` again to rebuild it`);
  }
  const md5 = crypto.createHash("md5").update(bytes).digest("hex");
  if (md5 !== want.md5 || bytes.length !== want.size) {
    throw new Error(`S3 sync: ${key} in ${siteDir} changed after the program built the site (md5 ${md5}, ${bytes.length} bytes; expected ${want.md5}, ${want.size} bytes); run \`pulumi up\` again`);
  }
  return bytes;
}

/** A key as a URL path, each segment percent-encoded like the site's own links (`encodeURIComponent`); `*` too, as it means wildcard. */
function urlPath(key: string): string {
  return "/" + key.split("/").map((s) => encodeURIComponent(s).replace(/\*/g, "%2A")).join("/");
}

/**
 * The invalidation paths for changed keys. The viewer-request function rewrites `/simple/p/` to
 * `/simple/p/index.json` or `index.html` (and `/` to `/index.html`) before the cache lookup, so the
 * cache key is the object key and invalidating the objects covers the directory URLs. Beyond
 * MAX_INVALIDATION_PATHS, pages collapse to `/simple/*`, files to `/files/*`, root files stay
 * named; if even that is too many, `/*`.
 */
function invalidationPaths(keys: readonly string[]): string[] {
  const paths = [...new Set(keys)].sort().map(urlPath);
  if (paths.length <= MAX_INVALIDATION_PATHS) return paths;
  const collapsed = new Set<string>();
  for (const key of keys) {
    if (key.startsWith("simple/")) collapsed.add("/simple/*");
    else if (key.startsWith("files/")) collapsed.add("/files/*");
    else collapsed.add(urlPath(key));
  }
  return collapsed.size <= MAX_INVALIDATION_PATHS ? [...collapsed].sort() : ["/*"];
}

function sameObject(a: BucketObject | undefined, b: BucketObject | undefined): boolean {
  return a !== undefined && b !== undefined && a.md5 === b.md5 && a.contentType === b.contentType && a.cacheControl === b.cacheControl;
}

// ---- S3 operations ---------------------------------------------------------------------------

interface Listed {
  etag: string;
  size: number;
}

/** Every object in the bucket (ListObjectsV2, 1,000 a page); undefined when the bucket does not exist and `missingOk`. */
async function listBucket(s3: S3, figures: SyncFigures, missingOk = false): Promise<Map<string, Listed> | undefined> {
  const out = new Map<string, Listed>();
  let token: string | undefined;
  do {
    figures.lists++;
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.client.send(new s3.sdk.ListObjectsV2Command({ Bucket: s3.bucket, MaxKeys: 1000, ...(token ? { ContinuationToken: token } : {}) }));
    } catch (e) {
      if (missingOk && errorCode(e) === "NoSuchBucket") return undefined;
      throw awsError("S3", "ListObjectsV2", s3.bucket, e, s3);
    }
    countRetries(figures, page.$metadata);
    for (const o of page.Contents ?? []) if (o.Key !== undefined) out.set(o.Key, { etag: bareEtag(o.ETag), size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Whether the object's stored headers are the wanted ones (its bytes are already known to match). */
async function headersMatch(s3: S3, key: string, want: BucketObject, figures: SyncFigures): Promise<boolean> {
  figures.heads++;
  try {
    const head = await s3.client.send(new s3.sdk.HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    countRetries(figures, head.$metadata);
    return head.ContentType === want.contentType && head.CacheControl === want.cacheControl && bareEtag(head.ETag) === want.md5;
  } catch (e) {
    if (errorCode(e) === "NotFound" || errorCode(e) === "NoSuchKey") return false; // deleted since the listing: upload it
    throw awsError("S3", "HeadObject", key, e, s3);
  }
}

/** Warned once per sync: a bucket whose ETags are not MD5s (SSE-KMS, SSE-C) makes every sync upload everything. */
const etagWarning = { shown: false };

async function putObject(s3: S3, siteDir: string, key: string, want: BucketObject, figures: SyncFigures, gate: ReturnType<typeof byteGate>): Promise<void> {
  if (want.size > MAX_PUT_BYTES) throw new Error(`S3 sync: ${key} is ${want.size} bytes; one PUT holds at most 5 GiB (link such distributions instead of mirroring them)`);
  await gate.take(want.size);
  try {
    const body = await readSiteFile(siteDir, key, want);
    figures.puts++;
    let res: PutObjectCommandOutput;
    try {
      res = await s3.client.send(
        new s3.sdk.PutObjectCommand({
          Bucket: s3.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          // S3 refuses the PUT (BadDigest) unless the bytes it received have this MD5.
          ContentMD5: Buffer.from(want.md5, "hex").toString("base64"),
          ContentType: want.contentType,
          CacheControl: want.cacheControl,
        }),
      );
    } catch (e) {
      throw awsError("S3", "PutObject", key, e, s3);
    }
    countRetries(figures, res.$metadata);
    figures.uploaded++;
    figures.bytes += body.length;
    if (res.ETag !== undefined && bareEtag(res.ETag) !== want.md5 && !etagWarning.shown) {
      etagWarning.shown = true;
      console.error(`S3 sync: bucket ${s3.bucket} answers ETags that are not MD5 digests (SSE-KMS or SSE-C encryption?), so every sync uploads every object again; use SSE-S3 for this bucket`);
    }
  } finally {
    gate.give(want.size);
  }
}

async function deleteKeys(s3: S3, keys: readonly string[], figures: SyncFigures): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    figures.deletes++;
    let res: DeleteObjectsCommandOutput;
    try {
      res = await s3.client.send(new s3.sdk.DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    } catch (e) {
      throw awsError("S3", "DeleteObjects", `${batch.length} objects from ${s3.bucket}`, e, s3);
    }
    countRetries(figures, res.$metadata);
    const errors = res.Errors ?? [];
    const first = errors[0];
    if (first) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more keys)` : "";
      throw Object.assign(new Error(`S3: DeleteObjects ${first.Key ?? "?"} failed: ${first.Code ?? "Error"}: ${first.Message ?? "no message"}${more}${hint(first.Code ?? "", s3)}`), { code: first.Code ?? "Error" });
    }
    figures.deleted += batch.length;
  }
}

// ---- the sync --------------------------------------------------------------------------------

/** Brings the bucket to `inputs.objects`; `recorded` is the state of the previous sync (update), if any. */
async function sync(inputs: BucketSyncInputs, recorded: BucketSyncOutputs | undefined): Promise<BucketSyncOutputs> {
  const figures = newFigures((recorded?.lastSync?.sequence ?? 0) + 1);
  const known = recorded?.objects ?? {};
  const s3 = openS3(inputs);
  etagWarning.shown = false;
  try {
    const listed = (await listBucket(s3, figures)) as Map<string, Listed>;
    const keys = Object.keys(inputs.objects).sort();

    // 1. What differs: missing or different bytes (the listing's ETag and size) need a PUT; for matching
    //    bytes the recorded state tells the headers, and when it cannot (first sync over existing
    //    objects, drift) one HEAD does.
    const toPut: string[] = [];
    const toHead: string[] = [];
    for (const key of keys) {
      const want = inputs.objects[key] as BucketObject;
      const have = listed.get(key);
      if (!have || have.etag !== want.md5 || have.size !== want.size) toPut.push(key);
      else if (sameObject(known[key], want)) figures.unchanged++;
      else if (known[key]?.md5 === want.md5 && known[key]?.contentType !== "") toPut.push(key); // headers known to differ
      else toHead.push(key);
    }
    await mapLimit(toHead, HEAD_CONCURRENCY, async (key) => {
      if (await headersMatch(s3, key, inputs.objects[key] as BucketObject, figures)) figures.unchanged++;
      else toPut.push(key);
    });

    // 2. Uploads, stage by stage: every file a page links is in place before the page.
    const gate = byteGate(IN_FLIGHT_BYTES);
    const stages = byStage(toPut.sort());
    for (const stage of stages) {
      await mapLimit(stage, PUT_CONCURRENCY, (key) => putObject(s3, inputs.siteDir, key, inputs.objects[key] as BucketObject, figures, gate));
    }

    // 3. Deletions once the new pages are up: root pages, then project pages, then the files they linked.
    const toDelete = [...listed.keys()].filter((key) => !Object.hasOwn(inputs.objects, key)).sort();
    const deleteStages = byStage(toDelete).reverse();
    for (const stage of deleteStages) await deleteKeys(s3, stage, figures);

    // 4. One invalidation for every already-published path that changed or went away: what the
    //    recorded state published and is now different or gone (so a retried, half-done sync still
    //    invalidates), and what the bucket held and was overwritten or deleted now (drift, first sync).
    //    A new project page too, after the first sync: the edge may hold an answer for that path
    //    from before it existed (a cached 404, or the upstream redirect of a public index). Other
    //    new paths need none: nothing can be cached for them.
    const stale = new Set<string>();
    for (const [key, was] of Object.entries(known)) if (!sameObject(was, inputs.objects[key])) stale.add(key);
    for (const key of toPut) if (listed.has(key) || (recorded && /^simple\/[^/]+\/index\.(?:html|json)$/.test(key))) stale.add(key);
    for (const key of toDelete) stale.add(key);
    if (inputs.distributionId && stale.size > 0) {
      const paths = invalidationPaths([...stale]);
      const created = await invalidate(inputs, [...stale].sort(), paths, figures, (recorded?.lastSync?.sequence ?? 0));
      figures.invalidationId = created;
      figures.invalidatedPaths = paths;
    }
  } finally {
    s3.client.destroy();
  }
  return { ...inputs, lastSync: figures };
}

/**
 * CreateInvalidation with a CallerReference derived from what changed: the changed keys with
 * their new MD5s, the distribution, and the sequence number of the recorded state. A retried
 * sync (the same recorded state, the same change) sends the same reference, and CloudFront
 * answers with the invalidation it already made instead of making another. The sequence keeps a
 * change that comes back (A -> B -> A -> B) from matching an old reference, which CloudFront
 * would answer with the old invalidation without invalidating anything.
 */
async function invalidate(inputs: BucketSyncInputs, keys: string[], paths: string[], figures: SyncFigures, previousSequence: number): Promise<string> {
  const crypto = process.getBuiltinModule("node:crypto");
  const hash = crypto.createHash("sha256").update(`${inputs.distributionId}\n${inputs.bucket}\n${previousSequence}\n`);
  for (const key of keys) hash.update(`${key}\t${inputs.objects[key]?.md5 ?? "deleted"}\n`);
  const callerReference = `github-pypi-sync-${hash.digest("hex").slice(0, 40)}`;
  const cf = openCloudFront(inputs);
  try {
    const res = await cf.client.send(
      new cf.sdk.CreateInvalidationCommand({
        DistributionId: inputs.distributionId,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    countRetries(figures, res.$metadata);
    return res.Invalidation?.Id ?? "";
  } catch (e) {
    throw awsError("CloudFront", "CreateInvalidation", `${inputs.distributionId} (${paths.length} paths)`, e, { bucket: inputs.bucket, region: inputs.region, ...(inputs.distributionId ? { distributionId: inputs.distributionId } : {}) });
  } finally {
    cf.client.destroy();
  }
}

/** Empties the bucket: every object, not only the recorded ones (the sync owns the bucket's contents). */
async function empty(props: BucketSyncOutputs): Promise<void> {
  const s3 = openS3(props);
  const figures = newFigures(0);
  try {
    const listed = await listBucket(s3, figures, true);
    if (!listed) return; // the bucket is gone, and its objects with it
    const stages = byStage([...listed.keys()].sort()).reverse();
    for (const stage of stages) await deleteKeys(s3, stage, figures);
  } finally {
    s3.client.destroy();
  }
}

// ---- input checks and diff -------------------------------------------------------------------

function validKey(key: string): boolean {
  return key.length > 0 && key.length <= 1024 && key.split("/").every((part) => part !== "" && part !== "." && part !== ".." && !/[\u0000-\u001f\u007f]/.test(part));
}

function checkInputs(news: Record<string, unknown>): dynamic.CheckFailure[] {
  const failures: dynamic.CheckFailure[] = [];
  const bucket = news.bucket;
  if (bucket !== UNKNOWN && (typeof bucket !== "string" || !BUCKET_NAME.test(bucket) || bucket.includes(".."))) {
    failures.push({ property: "bucket", reason: `bucket must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens), not ${JSON.stringify(bucket)}` });
  }
  for (const key of ["region", "siteDir"]) {
    const v = news[key];
    if (v !== UNKNOWN && (typeof v !== "string" || v === "")) failures.push({ property: key, reason: `${key} must be a non-empty string` });
  }
  const endpoint = news.endpoint;
  if (endpoint !== undefined && endpoint !== UNKNOWN && (typeof endpoint !== "string" || !/^https?:\/\/[^/]+/.test(endpoint))) {
    failures.push({ property: "endpoint", reason: `endpoint must be an http(s) URL, not ${JSON.stringify(endpoint)}` });
  }
  const distributionId = news.distributionId;
  if (distributionId !== undefined && distributionId !== UNKNOWN && (typeof distributionId !== "string" || !/^[A-Z0-9]+$/.test(distributionId))) {
    failures.push({ property: "distributionId", reason: `distributionId must be a CloudFront distribution id, not ${JSON.stringify(distributionId)}` });
  }
  const objects = news.objects;
  if (objects === UNKNOWN) return failures;
  if (typeof objects !== "object" || objects === null || Array.isArray(objects)) {
    failures.push({ property: "objects", reason: "objects must be an object of key -> { md5, size, contentType, cacheControl }" });
    return failures;
  }
  for (const [key, o] of Object.entries(objects as Record<string, unknown>)) {
    const obj = o as Partial<Record<keyof BucketObject, unknown>> | null;
    if (!validKey(key)) failures.push({ property: "objects", reason: `${JSON.stringify(key)} is not a valid object key for the site` });
    else if (typeof obj !== "object" || obj === null) failures.push({ property: "objects", reason: `${key}: not an object` });
    else if (typeof obj.md5 !== "string" || !MD5.test(obj.md5)) failures.push({ property: "objects", reason: `${key}: ${JSON.stringify(obj.md5)} is not a hex MD5` });
    else if (typeof obj.size !== "number" || !Number.isInteger(obj.size) || obj.size < 0) failures.push({ property: "objects", reason: `${key}: size must be a non-negative integer` });
    else if (typeof obj.contentType !== "string" || obj.contentType === "") failures.push({ property: "objects", reason: `${key}: contentType must be a non-empty string` });
    else if (typeof obj.cacheControl !== "string" || obj.cacheControl === "") failures.push({ property: "objects", reason: `${key}: cacheControl must be a non-empty string` });
  }
  return failures;
}

export interface ObjectChange {
  key: string;
  kind: "add" | "update" | "delete";
}

/** The engine shows `objects` key by key in `pulumi preview --diff`; `changedObjects` says the same for callers and tests. */
export interface BucketSyncDiff extends dynamic.DiffResult {
  changedObjects: ObjectChange[];
}

function diffObjects(olds: Record<string, BucketObject>, news: Record<string, BucketObject>): ObjectChange[] {
  const out: ObjectChange[] = [];
  for (const [key, want] of Object.entries(news)) {
    if (!Object.hasOwn(olds, key)) out.push({ key, kind: "add" });
    else if (!sameObject(olds[key], want)) out.push({ key, kind: "update" });
  }
  for (const key of Object.keys(olds)) if (!Object.hasOwn(news, key)) out.push({ key, kind: "delete" });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function sameSetting(key: (typeof REPLACE_KEYS)[number], a: unknown, b: unknown): boolean {
  if (key === "endpoint") return String(a ?? "").replace(/\/+$/, "") === String(b ?? "").replace(/\/+$/, "");
  return a === b;
}

export interface BucketSyncProvider extends dynamic.ResourceProvider<BucketSyncInputs, BucketSyncOutputs> {
  diff(id: string, olds: BucketSyncOutputs, news: BucketSyncInputs): Promise<BucketSyncDiff>;
}

export const bucketSyncRuntime: BucketSyncProvider = {
  async check(_olds, news) {
    return { inputs: news, failures: checkInputs(news as unknown as Record<string, unknown>) };
  },

  /**
   * No request: the recorded objects against the new manifest (MD5, Content-Type, Cache-Control).
   * Another bucket, region or endpoint is a replacement. When the bucket name stays (an endpoint
   * or region change, which for one bucket name means the bucket itself was recreated), the old
   * sync must be deleted first: deleting it after the new one would empty the bucket just filled.
   */
  async diff(_id, olds, news) {
    const replaces = REPLACE_KEYS.filter((k) => news[k] !== UNKNOWN && !sameSetting(k, olds[k], news[k]));
    const deleteBeforeReplace = replaces.length > 0 && olds.bucket === news.bucket;
    if ((news.objects as unknown) === UNKNOWN) return { changes: true, replaces, changedObjects: [], deleteBeforeReplace };
    const changedObjects = diffObjects(olds.objects ?? {}, news.objects);
    const otherDistribution = (olds.distributionId ?? "") !== (news.distributionId ?? "");
    return { changes: replaces.length > 0 || changedObjects.length > 0 || otherDistribution, replaces, changedObjects, deleteBeforeReplace };
  },

  async create(inputs) {
    const outs = await sync(inputs, undefined);
    return { id: inputs.bucket, outs };
  },

  async update(_id, olds, news) {
    return { outs: await sync(news, olds) };
  },

  /**
   * Refresh: what the bucket really holds, so drift (objects changed, added or removed behind the
   * stack's back) shows in the next diff and the next update corrects it. A listing carries no
   * headers: an object whose bytes match the recorded ones keeps its recorded headers, any other
   * gets empty ones (unknown), which differ from every manifest entry.
   */
  async read(id, props) {
    if (!props) throw new Error("S3 sync: nothing recorded to refresh from");
    const s3 = openS3(props);
    let listed: Map<string, Listed> | undefined;
    try {
      listed = await listBucket(s3, newFigures(0), true);
    } finally {
      s3.client.destroy();
    }
    if (!listed) return { id: "" }; // the bucket is gone: so is the sync
    const objects: Record<string, BucketObject> = {};
    for (const key of [...listed.keys()].sort()) {
      const have = listed.get(key) as Listed;
      const was = props.objects?.[key];
      objects[key] = was && was.md5 === have.etag && was.size === have.size ? was : { md5: have.etag, size: have.size, contentType: "", cacheControl: "" };
    }
    const state: BucketSyncOutputs = { ...props, objects };
    return { id, props: state, inputs: state };
  },

  /** Empties the bucket (all its objects: the sync owns its contents) so the bucket itself can be deleted after. */
  async delete(_id, props) {
    await empty(props);
  },
};
