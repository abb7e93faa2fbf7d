/**
 * The private index (`cdn.access: github`) under Pulumi's mocks: the Lambda@Edge gate in us-east-1
 * with its role, retained on delete; the bundle it uploads, loaded and asked like Lambda would;
 * the private repository without Pages; private cache headers; and the defaults access github changes.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeRequest, EdgeResponse, ViewerRequestEvent } from "../generator/serving/access/lambda-edge-handler.js";
import { LAMBDA_EDGE_MAX_BYTES } from "../infra/cdn/lambda-edge-bundle.js";
import { readStackConfig } from "../infra/config/stack-config.js";
import { bundleText, cdnDeployer, setCdnMocks, QUALIFIED_ARN, valueOf, type Declared } from "./helpers/cdn-stack-mocks.js";
import { loadLambdaBundle, type Handler } from "./helpers/lambda-bundle.js";
import { demoDists, tempDir } from "./helpers/paths.js";

const LAMBDA = "aws:lambda/function:Function";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

const declared: Declared[] = [];

/** What the SDK sent the (mock) engine, seen by wrapping the monitor: the options the mocks callback never sees. */
interface Registration {
  type: string;
  name: string;
  retainOnDelete: boolean;
  /** The serialised inputs on the wire, as the engine would receive them. */
  wire: Record<string, unknown>;
  /** Former identities (alias specs or URNs), as text. */
  aliases: string[];
}
const registrations: Registration[] = [];

setCdnMocks(declared);

// The mocks callback gets no resource options; the request the SDK builds does. Wrap the mock
// monitor's registerResource (resource.ts calls `getMonitor().registerResource(req, cb)` per resource).
type RegisterRequest = {
  getType(): string;
  getName(): string;
  getRetainondelete(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getAliasesList(): { toObject(): unknown }[];
  getAliasurnsList(): string[];
};
type Monitor = { registerResource(req: RegisterRequest, callback: (...a: unknown[]) => void): unknown };
const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
assert.equal(typeof monitor?.registerResource, "function", "the mock monitor has registerResource");
const mockRegister = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) => {
  registrations.push({
    type: req.getType(),
    name: req.getName(),
    retainOnDelete: req.getRetainondelete(),
    wire: req.getObject()?.toJavaScript() ?? {},
    aliases: [...req.getAliasesList().map((a) => JSON.stringify(a.toObject())), ...req.getAliasurnsList()],
  });
  return mockRegister(req, callback);
};

const { defineStack } = await import("../infra/stack.js");

const PRIVATE = { enabled: true, access: "github" };

const { configure, deploy } = cdnDeployer(defineStack, declared, { onReset: () => void (registrations.length = 0) });

function viewerRequest(uri: string, headers: EdgeRequest["headers"] = {}): ViewerRequestEvent {
  return { Records: [{ cf: { request: { clientIp: "203.0.113.7", method: "GET", uri, querystring: "", headers } } }] };
}

/** Calls the handler with fetch (GitHub's only way in) replaced, and the function's log captured. */
async function ask(handler: Handler, event: ViewerRequestEvent): Promise<{ result: EdgeRequest | EdgeResponse; fetched: string[]; logged: string[] }> {
  const fetched: string[] = [];
  const logged: string[] = [];
  const realFetch = globalThis.fetch;
  const realLog = console.log;
  globalThis.fetch = (input: string | URL | Request) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return Promise.reject(new Error("GitHub must not be called here"));
  };
  console.log = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
  try {
    return { result: await handler(event), fetched, logged };
  } finally {
    globalThis.fetch = realFetch;
    console.log = realLog;
  }
}

function header(response: EdgeResponse, name: string): string | undefined {
  return response.headers[name]?.map((h) => h.value).join(", ");
}

before(() => {
  process.env.GITHUB_PYPI_WORK_DIR = tempDir("private-cdn-stack");
});

test("access github: two Lambda@Edge functions in us-east-1 with their own roles: the gate on viewer-request for every path, the list pages on origin-request where nothing is cached", async () => {
  const { one, only, of, named } = await deploy(PRIVATE);

  const provider = only("pulumi:providers:aws");
  assert.equal(provider.name, "cdn-us-east-1");
  assert.equal(provider.inputs.region, "us-east-1");

  for (const [fnName, timeout] of [
    ["cdn-access", 5],
    ["cdn-lists", 10],
  ] as const) {
    const role = named(ROLE, fnName);
    const policy = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Effect: string; Principal: { Service: string[] }; Action: string }[] };
    assert.equal(policy.Statement.length, 1);
    assert.equal(policy.Statement[0]?.Effect, "Allow");
    assert.equal(policy.Statement[0]?.Action, "sts:AssumeRole");
    assert.deepEqual([...(policy.Statement[0]?.Principal.Service ?? [])].sort(), ["edgelambda.amazonaws.com", "lambda.amazonaws.com"]);

    const attachment = named(ATTACHMENT, fnName);
    assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
    assert.equal(attachment.inputs.role, `${fnName}-role-9z8y`, "attached to the function's own role");

    const fn = named(LAMBDA, fnName);
    assert.equal(fn.inputs.runtime, "nodejs22.x");
    assert.equal(fn.inputs.handler, "index.handler");
    assert.equal(fn.inputs.memorySize, 128);
    assert.equal(fn.inputs.timeout, timeout);
    assert.equal(fn.inputs.publish, true);
    assert.equal(fn.inputs.role, `arn:aws:iam::123456789012:role/${fnName}-role-9z8y`);
    assert.match(await bundleText(fn.inputs.code), /handler/);

    // Lambda@Edge only takes functions from us-east-1: all three through the cdn-us-east-1 provider.
    for (const d of [role, attachment, fn]) {
      assert.match(String(d.provider), /::cdn-us-east-1::/, `${d.type} uses the us-east-1 provider`);
      assert.match(String(d.provider), /pulumi:providers:aws/, `${d.type}'s provider reference is an aws provider`);
    }
  }
  assert.equal(of(LAMBDA).length, 2);

  assert.equal(of("aws:cloudfront/function:Function").length, 0, "no CloudFront Function: a distribution runs one viewer-request function");
  const dist = one(DISTRIBUTION);
  type Behaviour = {
    pathPattern?: string;
    functionAssociations?: unknown;
    lambdaFunctionAssociations?: { eventType: string; lambdaArn: string }[];
    cachePolicyId?: string;
    originRequestPolicyId?: string;
  };
  const behaviours = [dist.defaultCacheBehavior, ...(dist.orderedCacheBehaviors as unknown[])] as Behaviour[];
  assert.deepEqual(
    behaviours.map((b) => b.pathPattern),
    [undefined, "files/*", "simple/*/*", "project/*", "assets/*"],
  );
  const LISTS_ARN = "arn:aws:lambda:us-east-1:123456789012:function:cdn-lists:1";
  for (const b of behaviours) {
    const expected =
      b.pathPattern === undefined
        ? [
            { eventType: "viewer-request", lambdaArn: QUALIFIED_ARN, includeBody: false },
            { eventType: "origin-request", lambdaArn: LISTS_ARN, includeBody: false },
          ]
        : [{ eventType: "viewer-request", lambdaArn: QUALIFIED_ARN, includeBody: false }];
    assert.deepEqual(b.lambdaFunctionAssociations, expected, `behaviour ${b.pathPattern ?? "default"}`);
    assert.equal(b.functionAssociations, undefined, `behaviour ${b.pathPattern ?? "default"}`);
  }
  // The default behaviour (the list pages) caches nothing and forwards Accept-Encoding for the gzipped page.
  const lists = named("aws:cloudfront/cachePolicy:CachePolicy", "cdn-lists").inputs;
  assert.deepEqual([lists.minTtl, lists.defaultTtl, lists.maxTtl], [0, 0, 0]);
  assert.equal(behaviours[0]?.cachePolicyId, "cdn-lists-id");
  const originPolicy = named("aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "cdn-lists").inputs as { headersConfig: unknown };
  assert.deepEqual(originPolicy.headersConfig, { headerBehavior: "whitelist", headers: { items: ["accept-encoding"] } });
  assert.equal(behaviours[0]?.originRequestPolicyId, "cdn-lists-id");
  for (const b of behaviours.slice(2)) assert.equal(b.cachePolicyId, "cdn-pages-id", b.pathPattern);

  // The patterns send every page that is the same for all its readers to the cached behaviours, and no list page.
  // CloudFront's patterns: `*` is any run of characters, slashes included; `?` is one character.
  const cloudFrontMatch = (pattern: string, path: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(path);
  const matches = (path: string) => behaviours.slice(1).some((b) => cloudFrontMatch(String(b.pathPattern), path));
  for (const path of ["simple/acme-core/", "simple/acme-core/index.json", "project/acme-core/", "assets/catalog.css", "files/acme-core/a.whl"]) assert.ok(matches(path), path);
  for (const path of ["", "index.html", "simple/", "simple/index.html", "simple/index.json"]) assert.ok(!matches(path), path);

  // The bucket never holds the static list pages, which name every project.
  const objects = Object.keys(one("pulumi-nodejs:dynamic/cdn:BucketSync").objects as Record<string, unknown>);
  assert.ok(objects.includes("simple/demo-core/index.html"), objects.slice(0, 5).join());
  for (const key of ["index.html", "simple/index.html", "simple/index.json"]) assert.ok(!objects.includes(key), key);
  // Nor is the site committed to the (private) index repository, whose readers are everyone who may use the index.
  assert.equal(of("pulumi-nodejs:dynamic/publish:SitePublication").length, 0);
});

test("access github: an AWS WAF limit per client address in us-east-1 in front of the distribution, 3000 per 5 minutes unless set", async () => {
  type Rule = { name: string; priority: number; action: unknown; statement: unknown };
  const { only, one } = await deploy(PRIVATE);
  const acl = only(WEB_ACL);
  assert.equal(acl.inputs.scope, "CLOUDFRONT", "a CloudFront web ACL");
  assert.match(String(acl.provider), /::cdn-us-east-1::/, "CLOUDFRONT scope lives in us-east-1");
  assert.deepEqual(acl.inputs.defaultAction, { allow: {} });
  const rules = acl.inputs.rules as Rule[];
  assert.equal(rules.length, 1);
  assert.deepEqual(rules[0]?.statement, { rateBasedStatement: { limit: 3000, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
  assert.deepEqual(rules[0]?.action, { block: { customResponse: { responseCode: 429 } } });
  assert.equal(one(DISTRIBUTION).webAclId, "arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn-rate-limit/1a2b");

  const custom = await deploy({ ...PRIVATE, rateLimit: 600 });
  assert.deepEqual((custom.only(WEB_ACL).inputs.rules as Rule[])[0]?.statement, { rateBasedStatement: { limit: 600, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
  const off = await deploy({ ...PRIVATE, rateLimit: 0 });
  assert.equal(off.of(WEB_ACL).length, 0);
  assert.equal(off.one(DISTRIBUTION).webAclId, undefined);
});

test("access github: the response headers policy limits images to the index, as serve --auth github does; a public CDN's does not", async () => {
  type Security = { contentSecurityPolicy?: { contentSecurityPolicy: string; override: boolean } };
  const priv = await deploy(PRIVATE);
  const policy = priv.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").securityHeadersConfig as Security;
  assert.deepEqual(policy.contentSecurityPolicy, { contentSecurityPolicy: "img-src 'self' data:", override: true });
  const pub = await deploy({ enabled: true });
  assert.equal((pub.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").securityHeadersConfig as Security).contentSecurityPolicy, undefined);
});

test("access github: the function, its role and the policy attachment are retained on delete; nothing else is", async () => {
  await deploy(PRIVATE);
  const registered = (type: string) => {
    const found = registrations.filter((r) => r.type === type);
    assert.equal(found.length, 1, `one registration of ${type}`);
    return found[0] as Registration;
  };
  const all = (type: string) => registrations.filter((r) => r.type === type);
  for (const type of [LAMBDA, ROLE, ATTACHMENT]) {
    assert.equal(all(type).length, 2, type);
    for (const r of all(type)) assert.equal(r.retainOnDelete, true, `${type} ${r.name}`);
  }
  for (const type of [DISTRIBUTION, "aws:s3/bucket:Bucket", "pulumi:providers:aws", "github:index/repository:Repository"]) {
    assert.equal(registered(type).retainOnDelete, false, type);
  }
  for (const r of all("github-pypi:cdn:EdgeLambda")) assert.equal(r.retainOnDelete, false, r.name);
  // The gate keeps the identity it had before the component also served the public upstream redirect, so an upgrade replaces nothing.
  const gate = all("github-pypi:cdn:EdgeLambda").find((r) => r.name === "cdn-access");
  assert.ok(
    gate?.aliases.some((a) => a.includes("github-pypi:cdn:EdgeAccess")),
    gate?.aliases.join(),
  );
  assert.deepEqual(
    registrations
      .filter((r) => r.retainOnDelete)
      .map((r) => r.type)
      .sort(),
    [ATTACHMENT, ATTACHMENT, ROLE, ROLE, LAMBDA, LAMBDA].sort(),
    "only the edge functions and what they run as",
  );
});

test("the provisioned code is the real gate with the config baked in: 401 with the gate repository as realm, routing answers without GitHub", async () => {
  const { named } = await deploy(PRIVATE);
  const text = await bundleText(named(LAMBDA, "cdn-access").inputs.code);
  assert.ok(Buffer.byteLength(text, "utf8") < LAMBDA_EDGE_MAX_BYTES, "under Lambda@Edge's viewer-request size limit");

  // The wire form the engine would get: an archive (signature key) of one string asset, the same text.
  const wire = registrations.find((r) => r.type === LAMBDA && r.name === "cdn-access")?.wire.code as Record<string, unknown> & { assets: Record<string, Record<string, unknown>> };
  assert.equal(wire[pulumi.runtime.specialSigKey], pulumi.runtime.specialArchiveSig);
  assert.equal(wire.assets["index.js"]?.[pulumi.runtime.specialSigKey], pulumi.runtime.specialAssetSig);
  assert.equal(wire.assets["index.js"]?.text, text);

  const handler = loadLambdaBundle(text);
  const denied = await ask(handler, viewerRequest("/simple/", { accept: [{ key: "Accept", value: "text/html" }] }));
  assert.ok("status" in denied.result, "a response, not the request");
  assert.equal(denied.result.status, "401");
  assert.match(header(denied.result, "www-authenticate") ?? "", /^Basic realm="acme\/pypi"/);
  assert.equal(header(denied.result, "cache-control"), "no-store");
  assert.deepEqual(denied.fetched, [], "no credentials: no question for GitHub");
  assert.equal(denied.logged.length, 1);
  assert.equal((JSON.parse(denied.logged[0] as string) as { status: number }).status, 401);

  const dotfile = await ask(handler, viewerRequest("/.nojekyll"));
  assert.ok("status" in dotfile.result);
  assert.equal(dotfile.result.status, "404");
  assert.deepEqual(dotfile.fetched, []);

  const slash = await ask(handler, viewerRequest("/simple"));
  assert.ok("status" in slash.result);
  assert.equal(slash.result.status, "301");
  assert.equal(header(slash.result, "location"), "/simple/");
  assert.deepEqual(slash.fetched, []);
  assert.deepEqual([...dotfile.logged, ...slash.logged], [], "routing answers are not gated, so not logged");

  // gateRepository overrides the default (the index repository).
  const { named: namedOverride } = await deploy({ ...PRIVATE, gateRepository: "acme/gatekeepers" });
  const overridden = loadLambdaBundle(await bundleText(namedOverride(LAMBDA, "cdn-access").inputs.code));
  const deniedAgain = await ask(overridden, viewerRequest("/simple/"));
  assert.ok("status" in deniedAgain.result);
  assert.equal(deniedAgain.result.status, "401");
  assert.match(header(deniedAgain.result, "www-authenticate") ?? "", /^Basic realm="acme\/gatekeepers"/);
  assert.deepEqual(deniedAgain.fetched, []);
});

test("access github: a private index repository without Pages, private objects, pages cached for exactly their max age, and the outputs", async () => {
  const { one, of, outputs } = await deploy(PRIVATE, { "github-pypi:indexMaxAgeSeconds": "120" });
  assert.equal(one("github:index/repository:Repository").visibility, "private");
  assert.equal(of("github:index/repositoryPages:RepositoryPages").length, 0, "Pages sites are public");

  const objects = one("pulumi-nodejs:dynamic/cdn:BucketSync").objects as Record<string, { cacheControl: string }>;
  assert.ok(Object.keys(objects).length > 0);
  for (const [key, object] of Object.entries(objects)) assert.match(object.cacheControl, /^private,/, key);
  const wheel = Object.keys(objects).find((k) => k.startsWith("files/") && k.endsWith(".whl"));
  assert.ok(wheel, "files are mirrored into the bucket by default");
  assert.match(objects[wheel]?.cacheControl ?? "", /immutable/);
  assert.ok(!Object.keys(objects).some((k) => k.startsWith(".github-pypi/")), "the access map is baked in, not uploaded");

  const pages = of("aws:cloudfront/cachePolicy:CachePolicy").find((p) => p.name === "cdn-pages")?.inputs;
  assert.ok(pages);
  assert.deepEqual([pages.minTtl, pages.defaultTtl, pages.maxTtl], [120, 120, 120], "Cache-Control: private would otherwise keep pages out of CloudFront's cache");

  assert.equal(await valueOf(outputs.pagesUrl), undefined);
  assert.equal(outputs.access, "github");
  assert.equal(await valueOf(outputs.cdnUrl), "https://d111abcdef8.cloudfront.net/");
  assert.equal(await valueOf(outputs.indexUrl), "https://d111abcdef8.cloudfront.net/simple/");
  const snippets = await valueOf(outputs.snippets);
  assert.match(snippets.netrc ?? "", /^machine d111abcdef8\.cloudfront\.net\n/);
  assert.match(snippets.pipConf, /index-url = https:\/\/d111abcdef8\.cloudfront\.net\/simple\//);

  // The public CDN keeps its zero minimum TTL, its public repository and no netrc.
  const pub = await deploy({ enabled: true }, { "github-pypi:indexMaxAgeSeconds": "120" });
  assert.equal(pub.of("aws:cloudfront/cachePolicy:CachePolicy").find((p) => p.name === "cdn-pages")?.inputs.minTtl, 0);
  assert.equal(pub.one("github:index/repository:Repository").visibility, "public");
  assert.equal(pub.of("github:index/repositoryPages:RepositoryPages").length, 1);
  assert.equal(pub.outputs.access, "public");
  assert.equal((await valueOf(pub.outputs.snippets)).netrc, undefined);
});

test("access github changes the files and includePrivate defaults, only where the stack left them unset", async () => {
  configure(PRIVATE);
  let c = readStackConfig();
  assert.equal(c.files, "mirror");
  assert.equal(c.sources.includePrivate, true);

  pulumi.runtime.setAllConfig({ "github:owner": "acme", "github-pypi:sources": JSON.stringify({ localDirs: [demoDists], includePrivate: false }), "github-pypi:cdn": JSON.stringify(PRIVATE) });
  c = readStackConfig();
  assert.equal(c.sources.includePrivate, false, "an explicit false stays");
  assert.equal(c.files, "mirror");

  configure(PRIVATE, { "github-pypi:files": "mirror" });
  assert.equal(readStackConfig().files, "mirror");

  configure(PRIVATE, { "github-pypi:files": "link" });
  assert.throws(() => readStackConfig(), /files: link does not work with cdn\.access: github/);
  configure(PRIVATE, { "github-pypi:files": "link" });
  await assert.rejects(defineStack(), /files: link does not work with cdn\.access: github/);

  for (const cdn of [{ enabled: true }, { enabled: true, access: "public" }, {}]) {
    configure(cdn);
    c = readStackConfig();
    assert.equal(c.files, "link", JSON.stringify(cdn));
    assert.equal(c.sources.includePrivate, false, JSON.stringify(cdn));
  }

  // No sources key at all: the schema's default sources object is filled in, and changing it for
  // one private read must not leak into the next public one.
  pulumi.runtime.setAllConfig({ "github-pypi:cdn": JSON.stringify(PRIVATE) });
  assert.equal(readStackConfig().sources.includePrivate, true);
  pulumi.runtime.setAllConfig({ "github-pypi:cdn": JSON.stringify({ enabled: true }) });
  c = readStackConfig();
  assert.equal(c.sources.includePrivate, false, "the default sources object was not changed in place");
  assert.equal(c.files, "link");
});
