/** What a BucketSync takes, records and reports: the types its program side and its runtime share. */
import type { dynamic } from "@pulumi/pulumi";
import type { KeyedChange } from "../../providers/keyed-changes.js";

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

/** One object key a diff adds, updates or deletes. */
export type ObjectChange = KeyedChange;

/** The engine shows `objects` key by key in `pulumi preview --diff`; `changedObjects` says the same for callers and tests. */
export interface BucketSyncDiff extends dynamic.DiffResult {
  changedObjects: ObjectChange[];
}

export interface BucketSyncProvider extends dynamic.ResourceProvider<BucketSyncInputs, BucketSyncOutputs> {
  diff(id: string, olds: BucketSyncOutputs, news: BucketSyncInputs): Promise<BucketSyncDiff>;
}
