/**
 * Keeps an S3 bucket equal to the built site and, when a CloudFront distribution fronts it,
 * invalidates what changed with ONE invalidation per sync.
 *
 * A sync lists the bucket (ETag and size of every object), PUTs what differs in three stages so a
 * page never points at an object that is not there yet (distribution files, their `.metadata` and
 * the catalog's assets, then project pages, then the root pages), deletes what the site no longer
 * has (pages before the files they linked), and last creates the invalidation for every
 * already-published path that changed or went away. An unchanged site costs one listing and no
 * write.
 */
import { createHash } from "node:crypto";
import { CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { mapLimit } from "../../../generator/util/pool.js";
import { countRetries, openCloudFront, openS3 } from "./aws-clients.js";
import { awsError } from "./aws-errors.js";
import type { BucketObject, BucketSyncInputs, BucketSyncOutputs, SyncFigures } from "./bucket-sync-types.js";
import { byteGate, deleteKeys, etagWarning, headersMatch, listBucket, putObject, type Listed } from "./s3-operations.js";
import { byStage, invalidationPaths, sameObject } from "./sync-order.js";

const PUT_CONCURRENCY = 16;
const HEAD_CONCURRENCY = 16;
/** Upload bytes held in memory at once; a bigger single file is read alone. Bodies stay buffers so the SDK can retry them. */
const IN_FLIGHT_BYTES = 256 * 1024 * 1024;
/** After the first failure a pool hands out no more work: that error fails the sync anyway. */
const STOP_ON_ERROR = { stopOnError: true };

export function newFigures(sequence: number): SyncFigures {
  return { uploaded: 0, deleted: 0, unchanged: 0, puts: 0, heads: 0, deletes: 0, lists: 0, bytes: 0, retries: 0, sequence, invalidatedPaths: [] };
}

/** Brings the bucket to `inputs.objects`; `recorded` is the state of the previous sync (update), if any. */
export async function sync(inputs: BucketSyncInputs, recorded: BucketSyncOutputs | undefined): Promise<BucketSyncOutputs> {
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
      else if (known[key]?.md5 === want.md5 && known[key]?.contentType !== "")
        toPut.push(key); // headers known to differ
      else toHead.push(key);
    }
    await mapLimit(
      toHead,
      HEAD_CONCURRENCY,
      async (key) => {
        if (await headersMatch(s3, key, inputs.objects[key] as BucketObject, figures)) figures.unchanged++;
        else toPut.push(key);
      },
      STOP_ON_ERROR,
    );

    // 2. Uploads, stage by stage: every file a page links is in place before the page.
    const gate = byteGate(IN_FLIGHT_BYTES);
    const stages = byStage(toPut.sort());
    for (const stage of stages) {
      await mapLimit(stage, PUT_CONCURRENCY, (key) => putObject(s3, inputs.siteDir, key, inputs.objects[key] as BucketObject, figures, gate), STOP_ON_ERROR);
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
      const created = await invalidate(inputs, [...stale].sort(), paths, figures, recorded?.lastSync?.sequence ?? 0);
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
  const hash = createHash("sha256").update(`${inputs.distributionId}\n${inputs.bucket}\n${previousSequence}\n`);
  for (const key of keys) hash.update(`${key}\t${inputs.objects[key]?.md5 ?? "deleted"}\n`);
  const callerReference = `github-pypi-sync-${hash.digest("hex").slice(0, 40)}`;
  const cloudFront = openCloudFront(inputs);
  try {
    const res = await cloudFront.send(
      new CreateInvalidationCommand({
        DistributionId: inputs.distributionId,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    countRetries(figures, res.$metadata);
    return res.Invalidation?.Id ?? "";
  } catch (e) {
    throw awsError("CloudFront", "CreateInvalidation", `${inputs.distributionId} (${paths.length} paths)`, e, {
      bucket: inputs.bucket,
      region: inputs.region,
      ...(inputs.distributionId ? { distributionId: inputs.distributionId } : {}),
    });
  } finally {
    cloudFront.destroy();
  }
}

/** Empties the bucket: every object, not only the recorded ones (the sync owns the bucket's contents). */
export async function empty(props: BucketSyncOutputs): Promise<void> {
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
