import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { CdnConfig } from "../config/stack-schema.js";
import { viewerRequestFunctionCode } from "./edge-function.js";
import { BucketSync } from "./bucket-sync.js";
import type { BucketObject } from "./bucket-manifest.js";
import { EdgeLambda } from "./edge-lambda.js";
import { PRIVATE_PAGE_PATTERNS } from "./private-behaviours.js";
import { rateLimitAcl, rateLimitFor } from "./rate-limit.js";
import { PRIVATE_CONTENT_SECURITY_POLICY } from "../../generator/serving/access/responses.js";
import { lambdaEdgeBundle, listPagesEdgeBundle, upstreamEdgeBundle, type EdgeAccessConfig } from "./lambda-edge-bundle.js";
import type { ListPages } from "../../generator/serving/access/list-pages.js";
import type { UpstreamSettings } from "../../generator/protocol/upstream-settings.js";

export interface CdnArgs {
  settings: CdnConfig;
  /** How long index pages may be cached (the stack's one `indexMaxAgeSeconds`). */
  indexMaxAgeSeconds: number;
  /** The region of the bucket (the stack's `aws:region`). CloudFront and its certificates live in us-east-1 regardless. */
  region: string;
  /** The built site and its objects (key -> md5, size, content type, cache control). */
  siteDir: string;
  objects: Record<string, BucketObject>;
  /**
   * With `access: github`: the gate's config, baked into a Lambda@Edge function that replaces the
   * CloudFront Function, and every project's list entry, baked into the origin-request function
   * that renders the list pages per person.
   */
  access?: EdgeAccessConfig & { lists: ListPages };
  /**
   * One index URL for the public index: an origin-response Lambda@Edge function turns the bucket's
   * 404 for a project page into a redirect upstream. (The private index's gate does it itself.)
   */
  upstream?: {
    settings: UpstreamSettings;
    /** The index's normalised project names: never sent upstream, whatever the bucket holds. */
    held: string[];
  };
}

const YEAR = 31_536_000;

/**
 * The optional CDN: a private S3 bucket that only this distribution can read (Origin Access
 * Control, sigv4), a CloudFront distribution running the shared router as a viewer-request
 * function (PEP 691 negotiation and redirects at the edge), and one sync resource that uploads
 * the site in a safe order and invalidates what changed.
 *
 * With `access: github` the router runs in a Lambda@Edge function instead, behind the access
 * gate (generator/serving/access/): the distribution is then the only way in, for people whose GitHub
 * token may read the project's repository.
 */
export class Cdn extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly distribution: aws.cloudfront.Distribution;
  /** The public index's router (CloudFront Function); absent with `access: github`. */
  readonly edgeFunction?: aws.cloudfront.Function;
  /** The private index's gate and router (Lambda@Edge); only with `access: github`. */
  readonly edgeAccess?: EdgeLambda;
  /** The private index's per-person list pages (origin-request); only with `access: github`. */
  readonly listPages?: EdgeLambda;
  /** The public index's upstream redirect (origin-response); only with an upstream and without `access`. */
  readonly upstreamRedirect?: EdgeLambda;
  readonly sync: BucketSync;
  /** The per-address rate limit (AWS WAF), when `rateLimit` is above 0. */
  readonly webAcl?: aws.wafv2.WebAcl;
  /** `https://DOMAIN/` or `https://dxxxx.cloudfront.net/`. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("github-pypi:cdn:Cdn", name, {}, opts);
    const { settings } = args;
    const parent = { parent: this };

    // ---- the private origin ----
    // forceDestroy: the bucket holds only generated copies; the site is rebuilt from its sources.
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: true }, parent);
    const ownership = new aws.s3.BucketOwnershipControls(name, { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
      parent,
    );
    const oac = new aws.cloudfront.OriginAccessControl(
      name,
      { description: "github-pypi index bucket", originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" },
      parent,
    );

    // ---- the edge ----
    // One us-east-1 provider for what CloudFront only takes from there: certificates and Lambda@Edge.
    const needsCertificate = Boolean(settings.domain && !settings.certificateArn && settings.hostedZoneId);
    const rateLimit = rateLimitFor(settings.rateLimit, args.access !== undefined);
    const upstream = args.access ? undefined : args.upstream;
    const usEast1 = needsCertificate || args.access || upstream || rateLimit > 0 ? new aws.Provider(`${name}-us-east-1`, { region: "us-east-1" }, parent) : undefined;
    if (rateLimit > 0 && usEast1) this.webAcl = rateLimitAcl(`${name}-rate-limit`, rateLimit, { parent: this, provider: usEast1 });
    if (args.access && usEast1) {
      const { lists, ...gate } = args.access;
      this.edgeAccess = new EdgeLambda(
        `${name}-access`,
        {
          code: lambdaEdgeBundle(gate),
          description: `github-pypi access gate for ${args.access.gateRepository}: GitHub tokens, routing, PEP 691 negotiation`,
          roleDescription: "github-pypi private index: the Lambda@Edge access gate",
          usEast1,
        },
        // The URN it had before the component served both functions, so upgrading replaces nothing.
        { ...parent, aliases: [{ type: "github-pypi:cdn:EdgeAccess" }] },
      );
      this.listPages = new EdgeLambda(
        `${name}-lists`,
        {
          code: listPagesEdgeBundle({ lists }),
          description: `github-pypi list pages for ${args.access.gateRepository}: the root and landing page, per person`,
          roleDescription: "github-pypi private index: the Lambda@Edge list pages",
          usEast1,
          // An origin-request function may take 30 s; rendering thousands of rows and gzipping them takes well under one.
          timeoutSeconds: 10,
        },
        parent,
      );
    } else {
      this.edgeFunction = new aws.cloudfront.Function(
        name,
        {
          runtime: "cloudfront-js-2.0",
          comment: "github-pypi routing: PEP 691 negotiation, PEP 503 redirects, directory URLs",
          code: viewerRequestFunctionCode({ indexMaxAgeSeconds: args.indexMaxAgeSeconds }),
          publish: true,
        },
        parent,
      );
    }
    if (upstream && usEast1) {
      this.upstreamRedirect = new EdgeLambda(
        `${name}-upstream`,
        {
          code: upstreamEdgeBundle({ upstream: upstream.settings, indexMaxAgeSeconds: args.indexMaxAgeSeconds, held: [...upstream.held].sort() }),
          description: `github-pypi upstream redirect: project pages the index does not hold go to ${upstream.settings.url}`,
          roleDescription: "github-pypi public index: the Lambda@Edge upstream redirect",
          usEast1,
        },
        parent,
      );
    }
    // The function has already chosen the file from Accept and ?format= and put it in the URI,
    // which is the cache key; so the key needs no header, cookie or query string.
    const keyNothing = {
      cookiesConfig: { cookieBehavior: "none" },
      headersConfig: { headerBehavior: "none" },
      queryStringsConfig: { queryStringBehavior: "none" },
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    };
    const pagesPolicy = new aws.cloudfront.CachePolicy(
      `${name}-pages`,
      {
        comment: "Index pages: short-lived",
        // A private index's objects say `Cache-Control: private` (for browsers and proxies); CloudFront
        // then caches only for the minimum TTL, which is safe because the gate runs before its cache.
        minTtl: args.access ? args.indexMaxAgeSeconds : 0,
        defaultTtl: args.indexMaxAgeSeconds,
        maxTtl: args.indexMaxAgeSeconds,
        parametersInCacheKeyAndForwardedToOrigin: keyNothing,
      },
      parent,
    );
    // A list page is one person's: CloudFront must not keep it (TTL 0 keys on nothing and caches nothing).
    // Accept-Encoding then reaches the origin only through an origin request policy, for the gzipped page.
    const listPolicies = this.listPages
      ? {
          cache: new aws.cloudfront.CachePolicy(
            `${name}-lists`,
            {
              comment: "Per-person list pages: never cached",
              minTtl: 0,
              defaultTtl: 0,
              maxTtl: 0,
              parametersInCacheKeyAndForwardedToOrigin: { ...keyNothing, enableAcceptEncodingGzip: false, enableAcceptEncodingBrotli: false },
            },
            parent,
          ),
          origin: new aws.cloudfront.OriginRequestPolicy(
            `${name}-lists`,
            {
              comment: "Per-person list pages: Accept-Encoding for the gzipped page",
              cookiesConfig: { cookieBehavior: "none" },
              headersConfig: { headerBehavior: "whitelist", headers: { items: ["accept-encoding"] } },
              queryStringsConfig: { queryStringBehavior: "none" },
            },
            parent,
          ),
        }
      : undefined;
    const filesPolicy = new aws.cloudfront.CachePolicy(
      `${name}-files`,
      { comment: "Distribution files: immutable", minTtl: YEAR, defaultTtl: YEAR, maxTtl: YEAR, parametersInCacheKeyAndForwardedToOrigin: keyNothing },
      parent,
    );
    const headers = new aws.cloudfront.ResponseHeadersPolicy(
      name,
      {
        comment: "github-pypi: HSTS, nosniff, referrer policy; Vary: Accept for caches beyond the edge",
        securityHeadersConfig: {
          strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, override: true },
          contentTypeOptions: { override: true },
          referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
          // A private index's pages load images from the index only (the same header serve --auth github sends).
          ...(args.access ? { contentSecurityPolicy: { contentSecurityPolicy: PRIVATE_CONTENT_SECURITY_POLICY, override: true } } : {}),
        },
        customHeadersConfig: { items: [{ header: "Vary", value: "Accept", override: false }] },
      },
      parent,
    );

    // ---- the certificate and DNS for a custom domain ----
    let certificateArn: pulumi.Input<string> | undefined = settings.certificateArn;
    if (needsCertificate && usEast1 && settings.hostedZoneId) {
      const cert = new aws.acm.Certificate(name, { domainName: settings.domain, validationMethod: "DNS" }, { parent: this, provider: usEast1 });
      const option = cert.domainValidationOptions.apply((options) => options[0]);
      const record = new aws.route53.Record(
        `${name}-validation`,
        {
          zoneId: settings.hostedZoneId,
          name: option.apply((o) => o?.resourceRecordName ?? ""),
          type: option.apply((o) => o?.resourceRecordType ?? "CNAME"),
          records: [option.apply((o) => o?.resourceRecordValue ?? "")],
          ttl: 300,
          allowOverwrite: true,
        },
        parent,
      );
      certificateArn = new aws.acm.CertificateValidation(name, { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] }, { parent: this, provider: usEast1 }).certificateArn;
    }

    const gateAssociation = this.edgeAccess ? { eventType: "viewer-request", lambdaArn: this.edgeAccess.qualifiedArn, includeBody: false } : undefined;
    const behaviour = {
      targetOriginId: "site",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      responseHeadersPolicyId: headers.id,
      ...(gateAssociation
        ? { lambdaFunctionAssociations: [gateAssociation] }
        : this.edgeFunction
          ? { functionAssociations: [{ eventType: "viewer-request", functionArn: this.edgeFunction.arn }] }
          : {}),
    };
    // Only project pages can go upstream, so files/* never pays for the origin-response function.
    const pagesAssociations = this.upstreamRedirect ? { lambdaFunctionAssociations: [{ eventType: "origin-response", lambdaArn: this.upstreamRedirect.qualifiedArn, includeBody: false }] } : {};
    this.distribution = new aws.cloudfront.Distribution(
      name,
      {
        enabled: true,
        comment: "github-pypi package index",
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        priceClass: settings.priceClass,
        ...(this.webAcl ? { webAclId: this.webAcl.arn } : {}),
        ...(settings.domain ? { aliases: [settings.domain] } : {}),
        origins: [{ originId: "site", domainName: this.bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
        ...(this.listPages && listPolicies && gateAssociation
          ? {
              // A private index: whatever no pattern below claims (the landing page, /simple/ and its
              // spellings) is a list page rendered per person and never cached. A path pattern cannot
              // name "/" alone, so the cached paths are the ones named.
              defaultCacheBehavior: {
                ...behaviour,
                lambdaFunctionAssociations: [gateAssociation, { eventType: "origin-request", lambdaArn: this.listPages.qualifiedArn, includeBody: false }],
                cachePolicyId: listPolicies.cache.id,
                originRequestPolicyId: listPolicies.origin.id,
              },
              orderedCacheBehaviors: [
                { ...behaviour, pathPattern: "files/*", cachePolicyId: filesPolicy.id },
                ...PRIVATE_PAGE_PATTERNS.map((pathPattern) => ({ ...behaviour, pathPattern, cachePolicyId: pagesPolicy.id })),
              ],
            }
          : {
              defaultCacheBehavior: { ...behaviour, ...pagesAssociations, cachePolicyId: pagesPolicy.id },
              orderedCacheBehaviors: [{ ...behaviour, pathPattern: "files/*", cachePolicyId: filesPolicy.id }],
            }),
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate:
          settings.domain && certificateArn ? { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" } : { cloudfrontDefaultCertificate: true },
      },
      { parent: this, dependsOn: [ownership, publicAccess, encryption] },
    );

    // Only this distribution may read. ListBucket too, so a missing key is a 404 rather than S3's 403.
    const policy = new aws.s3.BucketPolicy(
      name,
      {
        bucket: this.bucket.id,
        policy: pulumi.all([this.bucket.arn, this.distribution.arn]).apply(([bucketArn, distributionArn]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CloudFrontReadsTheIndex",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
              },
            ],
          }),
        ),
      },
      { parent: this, dependsOn: [publicAccess] },
    );

    if (settings.domain && settings.hostedZoneId) {
      for (const type of ["A", "AAAA"]) {
        new aws.route53.Record(
          `${name}-${type.toLowerCase()}`,
          {
            zoneId: settings.hostedZoneId,
            name: settings.domain,
            type,
            aliases: [{ name: this.distribution.domainName, zoneId: this.distribution.hostedZoneId, evaluateTargetHealth: false }],
          },
          parent,
        );
      }
    }

    this.sync = new BucketSync(
      name,
      { bucket: this.bucket.bucket, region: args.region, distributionId: this.distribution.id, siteDir: args.siteDir, objects: args.objects },
      { parent: this, dependsOn: [policy, encryption, ownership] },
    );

    this.url = settings.domain ? pulumi.output(`https://${settings.domain}/`) : pulumi.interpolate`https://${this.distribution.domainName}/`;
    this.registerOutputs({ url: this.url, bucket: this.bucket.bucket, distributionId: this.distribution.id });
  }
}
