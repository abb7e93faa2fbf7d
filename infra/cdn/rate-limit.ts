import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PRIVATE_RATE_LIMIT } from "../../generator/config/defaults.js";

/** The per-address limit `rateLimit` resolves to: explicit, else on for a private index only. */
export function rateLimitFor(setting: number | undefined, privateIndex: boolean): number {
  return setting ?? (privateIndex ? DEFAULT_PRIVATE_RATE_LIMIT : 0);
}

/**
 * An AWS WAF web ACL for the distribution (scope CLOUDFRONT, so it must live in us-east-1) with
 * one rate-based rule: an address over `limit` requests in 5 minutes gets 429 until it slows down.
 */
export function rateLimitAcl(name: string, limit: number, opts: pulumi.CustomResourceOptions): aws.wafv2.WebAcl {
  const metrics = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
  return new aws.wafv2.WebAcl(
    name,
    {
      scope: "CLOUDFRONT",
      description: "github-pypi: requests per client address",
      defaultAction: { allow: {} },
      rules: [
        {
          name: "requests-per-address",
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: { rateBasedStatement: { limit, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
          visibilityConfig: metrics(`${name}-requests-per-address`),
        },
      ],
      visibilityConfig: metrics(name),
    },
    opts,
  );
}
