/** The S3 requests of a sync: list the bucket, compare an object's headers, upload one object, delete keys. */
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { DeleteObjectsCommandOutput, ListObjectsV2CommandOutput, PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { readSiteFile } from "../../providers/site-file.js";
import { countRetries, type S3 } from "./aws-clients.js";
import { awsError, errorCode, hint } from "./aws-errors.js";
import type { BucketObject, SyncFigures } from "./bucket-sync-types.js";

/** S3's limit for one PUT; beyond it an upload would need multipart, whose ETag is not the MD5. */
const MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;
const DELETE_BATCH = 1000;

/** What a listing tells of an object. */
export interface Listed {
  etag: string;
  size: number;
}

/** `"abc..."` -> `abc...`: ListObjectsV2 and PutObject quote the ETag. */
function bareEtag(etag: string | undefined): string {
  return (etag ?? "").replace(/^W\//, "").replace(/"/g, "").toLowerCase();
}

/** Every object in the bucket (ListObjectsV2, 1,000 a page); undefined when the bucket does not exist and `missingOk`. */
export async function listBucket(s3: S3, figures: SyncFigures, missingOk = false): Promise<Map<string, Listed> | undefined> {
  const out = new Map<string, Listed>();
  let token: string | undefined;
  do {
    figures.lists++;
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, MaxKeys: 1000, ...(token ? { ContinuationToken: token } : {}) }));
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
export async function headersMatch(s3: S3, key: string, want: BucketObject, figures: SyncFigures): Promise<boolean> {
  figures.heads++;
  try {
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    countRetries(figures, head.$metadata);
    return head.ContentType === want.contentType && head.CacheControl === want.cacheControl && bareEtag(head.ETag) === want.md5;
  } catch (e) {
    if (errorCode(e) === "NotFound" || errorCode(e) === "NoSuchKey") return false; // deleted since the listing: upload it
    throw awsError("S3", "HeadObject", key, e, s3);
  }
}

export type ByteGate = ReturnType<typeof byteGate>;

/** Bounds the upload bytes in memory; one file larger than the bound is let through alone. */
export function byteGate(limit: number) {
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

/** Warned once per sync: a bucket whose ETags are not MD5s (SSE-KMS, SSE-C) makes every sync upload everything. */
export const etagWarning = { shown: false };

export async function putObject(s3: S3, siteDir: string, key: string, want: BucketObject, figures: SyncFigures, gate: ByteGate): Promise<void> {
  if (want.size > MAX_PUT_BYTES) throw new Error(`S3 sync: ${key} is ${want.size} bytes; one PUT holds at most 5 GiB (link such distributions instead of mirroring them)`);
  await gate.take(want.size);
  try {
    const body = await readSiteFile("S3 sync", siteDir, key, { kind: "md5", hex: want.md5, size: want.size });
    figures.puts++;
    let res: PutObjectCommandOutput;
    try {
      res = await s3.client.send(
        new PutObjectCommand({
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

/** Deletes keys, up to 1,000 a request; a key S3 would not delete fails the whole call, naming it. */
export async function deleteKeys(s3: S3, keys: readonly string[], figures: SyncFigures): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    figures.deletes++;
    let res: DeleteObjectsCommandOutput;
    try {
      res = await s3.client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    } catch (e) {
      throw awsError("S3", "DeleteObjects", `${batch.length} objects from ${s3.bucket}`, e, s3);
    }
    countRetries(figures, res.$metadata);
    const errors = res.Errors ?? [];
    const first = errors[0];
    if (first) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more keys)` : "";
      throw Object.assign(new Error(`S3: DeleteObjects ${first.Key ?? "?"} failed: ${first.Code ?? "Error"}: ${first.Message ?? "no message"}${more}${hint(first.Code ?? "", s3)}`), {
        code: first.Code ?? "Error",
      });
    }
    figures.deleted += batch.length;
  }
}
