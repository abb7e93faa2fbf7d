import * as pulumi from "@pulumi/pulumi";
import { bucketSyncProvider, type BucketObject, type SyncFigures } from "./bucket-sync-provider.js";

export interface BucketSyncArgs {
  bucket: pulumi.Input<string>;
  /** The bucket's region. */
  region: pulumi.Input<string>;
  /** S3 and CloudFront endpoint override (an S3-compatible server, or moto in tests); leave unset for AWS. */
  endpoint?: pulumi.Input<string>;
  /** The CloudFront distribution in front of the bucket, invalidated when published paths change. */
  distributionId?: pulumi.Input<string>;
  /** The built site folder; the provider reads files from it only when they must be uploaded. */
  siteDir: pulumi.Input<string>;
  /** Object key -> MD5, size and headers, from `bucketManifest`. */
  objects: pulumi.Input<Record<string, BucketObject>>;
}

/**
 * The generated site in an S3 bucket, kept equal to the built folder (see bucket-sync-provider.ts):
 * uploads in link order (files, project pages, root pages), deletions after, and one CloudFront
 * invalidation for what was already published and changed. Its state holds the object manifest,
 * never file contents or credentials, so `pulumi preview` lists the changed keys and an unchanged
 * site has nothing to do. Deleting it empties the bucket.
 */
export class BucketSync extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly distributionId: pulumi.Output<string | undefined>;
  declare readonly siteDir: pulumi.Output<string>;
  declare readonly objects: pulumi.Output<Record<string, BucketObject>>;
  declare readonly lastSync: pulumi.Output<SyncFigures>;

  constructor(name: string, args: BucketSyncArgs, opts?: pulumi.CustomResourceOptions) {
    super(bucketSyncProvider, name, { ...args, lastSync: undefined }, opts, "cdn", "BucketSync");
  }
}
