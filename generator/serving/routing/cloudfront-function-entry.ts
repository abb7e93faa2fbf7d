/**
 * The CloudFront Function's entry for the bundler: the handler with the stack's max-age, which
 * infra/cdn/edge-function.ts defines as a constant at bundle time (CloudFront Functions have no
 * configuration of their own).
 */
import { createCloudFrontHandler } from "./cloudfront-function.js";

declare const GITHUB_PYPI_INDEX_MAX_AGE_SECONDS: number;

export const handler = createCloudFrontHandler({ indexMaxAgeSeconds: GITHUB_PYPI_INDEX_MAX_AGE_SECONDS });
