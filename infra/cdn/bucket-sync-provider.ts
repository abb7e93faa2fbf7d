/**
 * The provider Pulumi stores for a BucketSync: a shell that forwards to the S3 sync runtime
 * (bucket-sync/bucket-sync-runtime.ts, bundled; see providers/runtime-shell.ts for why).
 */
import { runtimeShell } from "../providers/runtime-shell.js";
import type { BucketSyncProvider } from "./bucket-sync/bucket-sync-runtime.js";

export type { BucketObject, BucketSyncDiff, BucketSyncInputs, BucketSyncOutputs, BucketSyncProvider, ObjectChange, SyncFigures } from "./bucket-sync/bucket-sync-types.js";

export const bucketSyncProvider: BucketSyncProvider = runtimeShell<BucketSyncProvider>("bucketSync");
