/**
 * The BucketSync provider: checks the inputs, diffs the recorded objects against the new manifest,
 * and syncs (sync.ts), refreshes or empties the bucket. Bundled into the provider runtime that the
 * stored shell (../bucket-sync-provider.ts) forwards to.
 */
import { z } from "zod";
import { checkInputs, nonEmpty, stringThat, UNKNOWN } from "../../providers/check-inputs.js";
import { keyedChanges } from "../../providers/keyed-changes.js";
import { openS3 } from "./aws-clients.js";
import type { BucketObject, BucketSyncOutputs, BucketSyncProvider } from "./bucket-sync-types.js";
import { listBucket, type Listed } from "./s3-operations.js";
import { empty, newFigures, sync } from "./sync.js";
import { sameObject } from "./sync-order.js";

export type { BucketSyncProvider } from "./bucket-sync-types.js";

/** S3 bucket naming rules (general purpose buckets), `..` nowhere. */
const BUCKET_NAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MD5 = /^[0-9a-f]{32}$/;
const SIZE_REASON = "size must be a non-negative integer";
const REPLACE_KEYS = ["bucket", "region", "endpoint"] as const;

function validKey(key: string): boolean {
  return key.length > 0 && key.length <= 1024 && key.split("/").every((part) => part !== "" && part !== "." && part !== ".." && !/[\u0000-\u001f\u007f]/.test(part));
}

/**
 * One manifest entry, one failure at most: its fields are checked in this order, each
 * in a stage of its own, and a pipe stops at the first stage that fails.
 */
const entryStages: z.ZodType[] = [
  z.looseObject(
    {
      md5: stringThat(
        (s) => MD5.test(s),
        (input) => `${JSON.stringify(input)} is not a hex MD5`,
      ),
    },
    { error: "not an object" },
  ),
  z.looseObject({ size: z.number({ error: SIZE_REASON }).refine((n) => Number.isInteger(n) && n >= 0, { error: SIZE_REASON }) }),
  z.looseObject({ contentType: nonEmpty("contentType") }),
  z.looseObject({ cacheControl: nonEmpty("cacheControl") }),
];
const objectSchema = entryStages.reduce((earlier, next) => earlier.pipe(next));

/** The inputs; the order of the properties is the order of the failures. */
const inputsSchema = z.object({
  bucket: stringThat(
    (s) => BUCKET_NAME.test(s),
    (input) => `bucket must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens), not ${JSON.stringify(input)}`,
  ),
  region: nonEmpty("region"),
  siteDir: nonEmpty("siteDir"),
  endpoint: stringThat(
    (s) => /^https?:\/\/[^/]+/.test(s),
    (input) => `endpoint must be an http(s) URL, not ${JSON.stringify(input)}`,
  ).optional(),
  distributionId: stringThat(
    (s) => /^[A-Z0-9]+$/.test(s),
    (input) => `distributionId must be a CloudFront distribution id, not ${JSON.stringify(input)}`,
  ).optional(),
  objects: z.record(
    stringThat(validKey, (input) => `${JSON.stringify(input)} is not a valid object key for the site`),
    objectSchema,
    { error: "objects must be an object of key -> { md5, size, contentType, cacheControl }" },
  ),
});

function sameSetting(key: (typeof REPLACE_KEYS)[number], a: unknown, b: unknown): boolean {
  if (key === "endpoint") return String(a ?? "").replace(/\/+$/, "") === String(b ?? "").replace(/\/+$/, "");
  return a === b;
}

export const bucketSyncRuntime: BucketSyncProvider = {
  async check(_olds, news) {
    return { inputs: news, failures: checkInputs(inputsSchema, news as unknown as Record<string, unknown>) };
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
    const changedObjects = keyedChanges<BucketObject>(olds.objects ?? {}, news.objects, sameObject);
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
