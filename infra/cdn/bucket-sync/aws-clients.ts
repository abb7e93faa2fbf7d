/**
 * The S3 and CloudFront clients of a sync. Credentials come from the SDK's default chain
 * (AWS_ACCESS_KEY_ID..., AWS_PROFILE, SSO, web identity, instance and container roles); nothing
 * secret is an input or part of the state.
 */
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { S3Client } from "@aws-sdk/client-s3";
import type { BucketSyncInputs, SyncFigures } from "./bucket-sync-types.js";

/** Attempts per request, the SDK's standard retry strategy (throttling, 5xx, network errors, with backoff). */
const MAX_ATTEMPTS = 6;
const REQUEST_TIMEOUT_MS = 120_000;
const CONNECTION_TIMEOUT_MS = 15_000;

/** A client for one bucket, with what its error messages name. */
export interface S3 {
  client: S3Client;
  bucket: string;
  region: string;
}

export function openS3(inputs: Pick<BucketSyncInputs, "bucket" | "region" | "endpoint">): S3 {
  const client = new S3Client({
    region: inputs.region,
    ...(inputs.endpoint ? { endpoint: inputs.endpoint, forcePathStyle: true } : {}),
    maxAttempts: MAX_ATTEMPTS,
    // Content-MD5 is the integrity check of every PUT; no extra CRC32 unless an operation requires one (DeleteObjects).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
  return { client, bucket: inputs.bucket, region: inputs.region };
}

export function openCloudFront(inputs: Pick<BucketSyncInputs, "endpoint">): CloudFrontClient {
  return new CloudFrontClient({
    region: "us-east-1", // CloudFront is global; its API lives in us-east-1
    ...(inputs.endpoint ? { endpoint: inputs.endpoint } : {}),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
  });
}

/** Counts the extra attempts the retry strategy made for one answer. */
export function countRetries(figures: SyncFigures, metadata: { attempts?: number } | undefined): void {
  figures.retries += Math.max(0, (metadata?.attempts ?? 1) - 1);
}
