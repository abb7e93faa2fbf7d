/** The CDN half of the stack under Pulumi's mocks: every resource, its security settings, and the outputs. */
import assert from "node:assert/strict";
import vm from "node:vm";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { OriginResponseEvent } from "../generator/serving/routing/upstream-origin-response.js";
import type { EdgeResponse } from "../generator/serving/routing/lambda-edge-response.js";
import { bundleText, cdnDeployer, setCdnMocks, valueOf, type Declared } from "./helpers/cdn-stack-mocks.js";
import { loadLambdaBundle } from "./helpers/lambda-bundle.js";
import { makeWheel } from "./helpers/python-dists.js";
import { startUpstreamIndex, writeUpstreamFolder } from "./helpers/upstream-index.js";
import { demoDists, tempDir } from "./helpers/paths.js";

const declared: Declared[] = [];

setCdnMocks(declared);

const { defineStack } = await import("../infra/stack.js");
const { configure, deploy } = cdnDeployer(defineStack, declared);

before(() => {
  process.env.GITHUB_PYPI_WORK_DIR = tempDir("cdn-stack");
});

test("cdn off (the default): no AWS resource at all, and the index URL is Pages'", async () => {
  const { outputs } = await deploy({});
  assert.equal(declared.filter((d) => d.type.startsWith("aws:")).length, 0);
  assert.equal(await valueOf(outputs.cdnUrl), undefined);
  assert.equal(await valueOf(outputs.indexUrl), "https://acme.github.io/pypi/simple/");
});

test("a public index has no rate limit unless asked: then an AWS WAF web ACL in us-east-1 guards the distribution", async () => {
  const plain = await deploy({ enabled: true });
  assert.equal(plain.of("aws:wafv2/webAcl:WebAcl").length, 0);
  assert.equal(plain.of("pulumi:providers:aws").length, 0, "no us-east-1 provider is needed");
  assert.equal(plain.one("aws:cloudfront/distribution:Distribution").webAclId, undefined);
  const limited = await deploy({ enabled: true, rateLimit: 1200 });
  const acl = limited.only("aws:wafv2/webAcl:WebAcl");
  assert.equal(acl.inputs.scope, "CLOUDFRONT");
  assert.match(String(acl.provider), /::cdn-us-east-1::/);
  assert.deepEqual((acl.inputs.rules as { statement: unknown }[])[0]?.statement, { rateBasedStatement: { limit: 1200, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
  assert.equal(limited.one("aws:cloudfront/distribution:Distribution").webAclId, "arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn-rate-limit/1a2b");
});

test("cdn on: a private, encrypted bucket only this distribution can read, through OAC with sigv4", async () => {
  const { one } = await deploy({ enabled: true });
  assert.equal(one("aws:s3/bucket:Bucket").forceDestroy, true);
  assert.deepEqual(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule, { objectOwnership: "BucketOwnerEnforced" });
  const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
  for (const key of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(block[key], true, key);
  const sse = one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
  assert.equal(sse[0]?.applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
  const oac = one("aws:cloudfront/originAccessControl:OriginAccessControl");
  assert.deepEqual([oac.originAccessControlOriginType, oac.signingBehavior, oac.signingProtocol], ["s3", "always", "sigv4"]);

  const policy = JSON.parse(String(one("aws:s3/bucketPolicy:BucketPolicy").policy)) as {
    Statement: { Effect: string; Principal: unknown; Action: string[]; Resource: string[]; Condition: unknown }[];
  };
  assert.equal(policy.Statement.length, 1);
  const [grant] = policy.Statement;
  assert.deepEqual(grant?.Principal, { Service: "cloudfront.amazonaws.com" });
  assert.deepEqual(grant?.Condition, { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF" } });
  assert.deepEqual(grant?.Action, ["s3:GetObject", "s3:ListBucket"]);
  assert.deepEqual(grant?.Resource, ["arn:aws:s3:::cdn-bucket-1a2b", "arn:aws:s3:::cdn-bucket-1a2b/*"]);
});

test("cdn on: HTTPS only, HTTP/2 and 3, compression, the routing function on every request, short-lived pages and immutable files", async () => {
  const { one, of, outputs } = await deploy({ enabled: true, priceClass: "PriceClass_All" }, { "github-pypi:indexMaxAgeSeconds": "120" });
  const fn = one("aws:cloudfront/function:Function");
  assert.equal(fn.runtime, "cloudfront-js-2.0");
  assert.equal(fn.publish, true);
  assert.match(String(fn.code), /function handler\(\w+\)/);
  assert.ok(String(fn.code).length < 10_240, "under CloudFront Functions' size limit");

  const policies = of("aws:cloudfront/cachePolicy:CachePolicy").map((p) => p.inputs);
  const pages = policies.find((p) => p.defaultTtl === 120);
  const files = policies.find((p) => p.defaultTtl === 31_536_000);
  assert.ok(pages && files);
  assert.equal(pages.maxTtl, 120);
  assert.equal(files.minTtl, 31_536_000);
  const key = pages.parametersInCacheKeyAndForwardedToOrigin as Record<string, Record<string, string>>;
  assert.equal(key.queryStringsConfig?.queryStringBehavior, "none", "the function puts the chosen representation in the URI, the cache key");

  const headers = one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
  const security = headers.securityHeadersConfig as Record<string, Record<string, unknown>>;
  assert.equal(security.strictTransportSecurity?.accessControlMaxAgeSec, 63_072_000);
  assert.equal(security.contentTypeOptions?.override, true);
  assert.equal(security.referrerPolicy?.referrerPolicy, "strict-origin-when-cross-origin");

  const dist = one("aws:cloudfront/distribution:Distribution");
  assert.equal(dist.httpVersion, "http2and3");
  assert.equal(dist.priceClass, "PriceClass_All");
  assert.deepEqual(dist.viewerCertificate, { cloudfrontDefaultCertificate: true });
  type Behaviour = {
    viewerProtocolPolicy: string;
    compress: boolean;
    functionAssociations: { eventType: string; functionArn: string }[];
    cachePolicyId: string;
    pathPattern?: string;
    allowedMethods: string[];
  };
  const behaviours = [dist.defaultCacheBehavior, ...(dist.orderedCacheBehaviors as unknown[])] as Behaviour[];
  for (const b of behaviours) {
    assert.equal(b.viewerProtocolPolicy, "redirect-to-https");
    assert.equal(b.compress, true);
    assert.deepEqual(b.functionAssociations, [{ eventType: "viewer-request", functionArn: "arn:aws:cloudfront::123456789012:function/cdn" }]);
    assert.deepEqual(b.allowedMethods, ["GET", "HEAD"]);
  }
  assert.deepEqual(
    behaviours.map((b) => b.pathPattern),
    [undefined, "files/*"],
  );
  assert.notEqual(behaviours[0]?.cachePolicyId, behaviours[1]?.cachePolicyId);
  const [origin] = dist.origins as { domainName: string; originAccessControlId: string }[];
  assert.equal(origin?.domainName, "cdn-bucket-1a2b.s3.eu-west-1.amazonaws.com");
  assert.equal(origin?.originAccessControlId, "cdn-id");

  // The sync gets the built site with the content types and cache policies the local server uses.
  const sync = one("pulumi-nodejs:dynamic/cdn:BucketSync");
  assert.equal(sync.bucket, "cdn-bucket-1a2b");
  assert.equal(sync.region, "eu-west-1");
  assert.equal(sync.distributionId, "cdn-id");
  const objects = sync.objects as Record<string, { contentType: string; cacheControl: string }>;
  assert.equal(objects["simple/demo-core/index.json"]?.contentType, "application/vnd.pypi.simple.v1+json");
  assert.match(objects["simple/demo-core/index.json"]?.cacheControl ?? "", /max-age=120/);
  const wheel = Object.keys(objects).find((k) => k.endsWith(".whl"));
  assert.ok(wheel);
  assert.match(objects[wheel]?.cacheControl ?? "", /immutable/);

  assert.equal(await valueOf(outputs.cdnUrl), "https://d111abcdef8.cloudfront.net/");
  assert.equal(await valueOf(outputs.indexUrl), "https://d111abcdef8.cloudfront.net/simple/", "the CDN is the canonical index");
  assert.match((await valueOf(outputs.snippets)).pipConf, /index-url = https:\/\/d111abcdef8\.cloudfront\.net\/simple\//);
});

test("an upstream on the public CDN: an origin-response Lambda@Edge function on the pages only, the routing function kept; without the CDN a named warning", async () => {
  const UPSTREAM = { "github-pypi:upstream": JSON.stringify({ url: "https://pypi.org/simple", claimed: ["Demo_*"] }) };
  const plain = await deploy({ enabled: true });
  assert.equal(plain.of("aws:lambda/function:Function").length, 0, "no upstream, no Lambda@Edge function");

  const plainSnippets = await valueOf(plain.outputs.snippets);
  assert.doesNotMatch(plainSnippets.uv, /default = true|explicit/, "no upstream: the index first, PyPI behind it for the names it lacks");
  assert.match(plainSnippets.poetry, /name = "PyPI"\npriority = "supplemental"/, "no upstream: Poetry asks PyPI only for the names the index lacks");
  const { one, only, of, outputs } = await deploy({ enabled: true }, UPSTREAM);
  const uv = (await valueOf(outputs.snippets)).uv;
  assert.match(uv, /^default = true$/m, "one URL: uv's default index for everything");
  assert.doesNotMatch(uv, /explicit|tool\.uv\.sources/);
  const fn = only("aws:lambda/function:Function");
  assert.match(String(fn.provider), /::cdn-us-east-1::/, "Lambda@Edge functions live in us-east-1");
  assert.deepEqual([fn.inputs.runtime, fn.inputs.handler, fn.inputs.publish], ["nodejs22.x", "index.handler", true]);
  assert.equal(of("aws:cloudfront/function:Function").length, 1, "the CloudFront Function still routes on viewer-request");
  const dist = one("aws:cloudfront/distribution:Distribution");
  type Behaviour = { pathPattern?: string; functionAssociations?: { eventType: string }[]; lambdaFunctionAssociations?: unknown };
  const [pages, files] = [dist.defaultCacheBehavior, ...(dist.orderedCacheBehaviors as unknown[])] as Behaviour[];
  assert.deepEqual(pages?.lambdaFunctionAssociations, [{ eventType: "origin-response", lambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:cdn-upstream:1", includeBody: false }]);
  assert.equal(files?.pathPattern, "files/*");
  assert.equal(files?.lambdaFunctionAssociations, undefined, "files never go upstream");
  for (const b of [pages, files])
    assert.deepEqual(
      b?.functionAssociations?.map((a) => a.eventType),
      ["viewer-request"],
    );

  // The uploaded code is the redirect with the stack's upstream (slash added) and claimed patterns baked in.
  const handler = loadLambdaBundle<(event: OriginResponseEvent) => Promise<EdgeResponse>>(await bundleText(fn.inputs.code));
  const ask = (uri: string) =>
    handler({ Records: [{ cf: { request: { method: "GET", uri, querystring: "", headers: {} }, response: { status: "404", statusDescription: "Not Found", headers: {} } } }] });
  const moved = await ask("/simple/requests/index.json");
  assert.equal(moved.status, "302");
  assert.equal(moved.headers.location?.[0]?.value, "https://pypi.org/simple/requests/");
  assert.equal(moved.headers["cache-control"]?.[0]?.value, `public, max-age=${300}`);
  assert.equal((await ask("/simple/demo-gone/index.html")).status, "404", "a claimed pattern keeps the 404");

  // GitHub Pages alone cannot redirect: the stack says so by name.
  const warned: string[] = [];
  const realWarn = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(" "));
  try {
    await deploy({}, UPSTREAM);
    await deploy({ enabled: true }, UPSTREAM);
  } finally {
    console.warn = realWarn;
  }
  assert.equal(warned.filter((w) => /warning\[upstream-not-served\]: .*GitHub Pages alone cannot send other names to https:\/\/pypi\.org\/simple\//.test(w)).length, 1, warned.join("\n"));
});

test("at preview, the stack lists our names the upstream also holds; a private index asks only when checkUpstream says so", async () => {
  const up = await startUpstreamIndex(writeUpstreamFolder({ "demo-core": [makeWheel({ name: "demo-core", version: "9.0.0" })] }));
  const upstream = { "github-pypi:upstream": JSON.stringify({ url: up.url, claimed: [] }) };
  const logged: string[] = [];
  const realLog = console.log;
  const asked = async () => {
    await up.settle();
    return up.requests.filter((r) => /^\/simple\/demo-/.test(r.path)).length;
  };
  try {
    console.log = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
    await deploy({ enabled: true }, upstream);
    assert.equal(await asked(), 0, "an update does not ask: the preview before it did");
    setCdnMocks(declared, { preview: true });
    await deploy({ enabled: true }, upstream);
    assert.equal(await asked(), 4, "one question per project of the demo index");
    const notices = logged.filter((l) => l.includes("notice: "));
    assert.ok(
      notices.some((l) => l.includes(`notice: demo-core is also on ${up.url} (highest 9.0.0)`)),
      notices.join("\n"),
    );
    assert.ok(
      notices.some((l) => l.includes(`notice: 1 of 4 names is also on ${up.url}`)),
      notices.join("\n"),
    );
    // A claimed glob that is exactly `<prefix>-*` is named as the PEP 752 namespace it is.
    logged.length = 0;
    await deploy({ enabled: true }, { "github-pypi:upstream": JSON.stringify({ url: up.url, claimed: ["demo-*"] }) });
    assert.ok(
      logged.some((l) => l.includes('notice: upstream.claimed "demo-*" is the PEP 752 namespace "demo" in the older spelling')),
      logged.join("\n"),
    );
    up.requests.length = 0;
    await deploy({ enabled: true, access: "github" }, upstream);
    assert.equal(await asked(), 0, "a private index's names are not told to the upstream unless asked");
    await deploy({ enabled: true, access: "github" }, { ...upstream, "github-pypi:checkUpstream": "true" });
    assert.equal(await asked(), 4);
  } finally {
    console.log = realLog;
    setCdnMocks(declared);
    up.close();
  }
});

test("a custom domain with a hosted zone: a DNS-validated certificate in us-east-1, TLSv1.2_2021, and alias records", async () => {
  const { one, of, outputs } = await deploy({ enabled: true, domain: "pypi.acme.example", hostedZoneId: "Z0123456789ABCDEFGHIJ" });
  const cert = declared.find((d) => d.type === "aws:acm/certificate:Certificate");
  assert.equal(cert?.inputs.domainName, "pypi.acme.example");
  assert.equal(cert?.inputs.validationMethod, "DNS");
  assert.match(String(cert?.provider), /us-east-1/, "CloudFront only uses certificates from us-east-1");
  assert.equal(one("pulumi:providers:aws").region, "us-east-1");
  const records = of("aws:route53/record:Record").map((r) => r.inputs);
  const validation = records.find((r) => r.type === "CNAME");
  assert.equal(validation?.name, "_x.pypi.acme.example.");
  assert.deepEqual(validation?.records, ["_y.acm-validations.aws."]);
  assert.deepEqual(
    records
      .filter((r) => r.aliases)
      .map((r) => r.type)
      .sort(),
    ["A", "AAAA"],
  );
  for (const alias of records.filter((r) => r.aliases)) {
    assert.deepEqual(alias.aliases, [{ name: "d111abcdef8.cloudfront.net", zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }]);
  }
  const dist = one("aws:cloudfront/distribution:Distribution");
  assert.deepEqual(dist.aliases, ["pypi.acme.example"]);
  assert.deepEqual(dist.viewerCertificate, { acmCertificateArn: "arn:aws:acm::123456789012:cdn", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
  assert.equal(await valueOf(outputs.cdnUrl), "https://pypi.acme.example/");
});

test("a custom domain with a certificate ARN: no certificate request, the ARN on the distribution", async () => {
  const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
  const { one } = await deploy({ enabled: true, domain: "pypi.acme.example", certificateArn: arn });
  assert.equal(declared.filter((d) => d.type === "aws:acm/certificate:Certificate").length, 0);
  assert.equal(declared.filter((d) => d.type === "pulumi:providers:aws").length, 0, "no us-east-1 provider without a certificate to request");
  assert.equal(declared.filter((d) => d.type === "aws:route53/record:Record").length, 0);
  assert.deepEqual(one("aws:cloudfront/distribution:Distribution").viewerCertificate, { acmCertificateArn: arn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
});

test("one max-age: the CDN, its functions and the bucket's objects follow github-pypi:indexMaxAgeSeconds; the old cdn.indexMaxAgeSeconds is taken with a named warning, and refused when the two disagree", async () => {
  const warned: string[] = [];
  const realWarn = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(" "));
  try {
    const { of, one } = await deploy({ enabled: true, indexMaxAgeSeconds: 90 });
    assert.ok(
      warned.some((w) => /warning\[deprecated-key\]: cdn\.indexMaxAgeSeconds is now github-pypi:indexMaxAgeSeconds .*using 90/.test(w)),
      warned.join("\n"),
    );
    assert.ok(of("aws:cloudfront/cachePolicy:CachePolicy").some((p) => p.inputs.defaultTtl === 90));
    const objects = one("pulumi-nodejs:dynamic/cdn:BucketSync").objects as Record<string, { cacheControl: string }>;
    assert.match(objects["simple/index.json"]?.cacheControl ?? "", /max-age=90\b/, "the pages render with the same max-age");
    // The routing function, run as CloudFront runs it, sends its redirects with the same max-age.
    const sandbox: { handler?: (event: unknown) => { headers: Record<string, { value: string }> } } = {};
    vm.runInNewContext(String(one("aws:cloudfront/function:Function").code), sandbox);
    const moved = sandbox.handler?.({ request: { method: "GET", uri: "/simple", querystring: {}, headers: {} } });
    assert.equal(moved?.headers["cache-control"]?.value, "public, max-age=90");
  } finally {
    console.warn = realWarn;
  }
  configure({ enabled: true, indexMaxAgeSeconds: 90 }, { "github-pypi:indexMaxAgeSeconds": "60" });
  await assert.rejects(defineStack(), /cdn\.indexMaxAgeSeconds \(90\) and github-pypi:indexMaxAgeSeconds \(60\) disagree/);
});

test("bad CDN settings stop the deployment with an error naming the key", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ enabled: true, domain: "pypi.acme.example" }, /cdn\.domain: a custom domain needs certificateArn or hostedZoneId/],
    [{ enabled: true, domain: "pypi.acme.example", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" }, /cdn\.certificateArn: expected an ACM certificate ARN in us-east-1/],
    [{ enabled: true, hostedZoneId: "Z0123456789ABCDEFGHIJ" }, /cdn\.domain: certificateArn and hostedZoneId are for a custom domain/],
    [{ enabled: true, domain: "not a domain", hostedZoneId: "Z0123456789ABCDEFGHIJ" }, /cdn\.domain: expected a domain name/],
    [{ enabled: true, ttl: 5 }, /cdn: Unrecognized key: "ttl"/],
    [{ enabled: false, access: "github" }, /cdn\.access: access: github is enforced by the CDN: set enabled: true too/],
    [{ enabled: true, gateRepository: "acme/pypi" }, /cdn\.gateRepository: gateRepository only applies with access: github/],
    [{ enabled: true, access: "github", gateRepository: "pypi" }, /cdn\.gateRepository: expected OWNER\/NAME/],
    [{ enabled: true, rateLimit: 5 }, /cdn\.rateLimit: expected 0 \(off\) or 10 to 2,000,000,000/],
    [{ enabled: true, rateLimit: 1.5 }, /cdn\.rateLimit/],
    [{ enabled: false, rateLimit: 100 }, /cdn\.rateLimit: rateLimit is enforced by the CDN/],
  ];
  for (const [cdn, error] of cases) {
    configure(cdn);
    await assert.rejects(defineStack(), error, JSON.stringify(cdn));
  }
  pulumi.runtime.setAllConfig({ "github:owner": "acme", "github-pypi:sources": JSON.stringify({ localDirs: [demoDists] }), "github-pypi:cdn": JSON.stringify({ enabled: true }) });
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  try {
    await assert.rejects(defineStack(), /the CDN needs an AWS region for its bucket: `pulumi config set aws:region/);
  } finally {
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
  }
});
