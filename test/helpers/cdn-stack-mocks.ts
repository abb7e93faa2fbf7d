/**
 * The CDN stack under Pulumi's mocks: the state the (mock) engine hands back for each resource, and
 * `configure`/`deploy` for one stack configuration. Each test file calls `setCdnMocks` before it
 * imports `infra/stack.js`, since the mocks must be in place when the program's modules load.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { defineStack as DefineStack } from "../../infra/stack.js";
import { demoDists } from "./paths.js";

/** A resource the stack declared, as the mocks' newResource saw it. */
export interface Declared {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider: string | undefined;
}

/** Pulumi's mocks for the CDN stack: every declared resource lands in `declared`, with `cdnMockState`. */
export function setCdnMocks(declared: Declared[], options: { preview?: boolean } = {}): void {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        declared.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, provider: args.provider });
        return { id: `${args.name}-id`, state: cdnMockState(args) };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "github-pypi",
    "dev",
    options.preview ?? false,
  );
}

/** The edge function's published version, as the mocks give it. */
export const QUALIFIED_ARN = "arn:aws:lambda:us-east-1:123456789012:function:cdn-access:1";

/** The state a mock resource gets: its inputs plus the outputs the stack reads (ARNs, names, domains). */
export function cdnMockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  const state: Record<string, unknown> = { ...inputs };
  const arn = `arn:aws:${args.type.split(":")[1]?.split("/")[0]}::123456789012:${args.name}`;
  if (args.type === "aws:s3/bucket:Bucket")
    Object.assign(state, { bucket: `${args.name}-bucket-1a2b`, arn: `arn:aws:s3:::${args.name}-bucket-1a2b`, bucketRegionalDomainName: `${args.name}-bucket-1a2b.s3.eu-west-1.amazonaws.com` });
  if (args.type === "aws:cloudfront/distribution:Distribution")
    Object.assign(state, { arn: "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF", domainName: "d111abcdef8.cloudfront.net", hostedZoneId: "Z2FDTNDATAQYW2" });
  if (args.type === "aws:cloudfront/function:Function") state.arn = "arn:aws:cloudfront::123456789012:function/cdn";
  if (args.type === "aws:wafv2/webAcl:WebAcl") state.arn = `arn:aws:wafv2:us-east-1:123456789012:global/webacl/${args.name}/1a2b`;
  if (args.type === "aws:acm/certificate:Certificate")
    Object.assign(state, {
      arn,
      domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: "_x.pypi.acme.example.", resourceRecordType: "CNAME", resourceRecordValue: "_y.acm-validations.aws." }],
    });
  if (args.type === "aws:acm/certificateValidation:CertificateValidation") state.certificateArn = inputs.certificateArn;
  if (args.type === "aws:route53/record:Record") state.fqdn = inputs.name;
  if (args.type === "aws:iam/role:Role") Object.assign(state, { name: `${args.name}-role-9z8y`, arn: `arn:aws:iam::123456789012:role/${args.name}-role-9z8y` });
  if (args.type === "aws:lambda/function:Function")
    Object.assign(state, { arn: `arn:aws:lambda:us-east-1:123456789012:function:${args.name}`, qualifiedArn: `arn:aws:lambda:us-east-1:123456789012:function:${args.name}:1`, version: "1" });
  if (args.type.endsWith(":SitePublication")) Object.assign(state, { commit: "c0ffee", lastPublish: {} });
  return state;
}

/** The text of `index.js` in a Lambda function's code, as the mocks see it: the SDK deserialises the archive back into asset objects. */
export async function bundleText(code: unknown): Promise<string> {
  assert.ok(pulumi.asset.AssetArchive.isInstance(code), "code arrives as an AssetArchive");
  const assets = await (code as pulumi.asset.AssetArchive).assets;
  assert.deepEqual(Object.keys(assets), ["index.js"]);
  const file = assets["index.js"];
  assert.ok(file instanceof pulumi.asset.StringAsset, "index.js is a StringAsset");
  return await (file as unknown as { text: Promise<string> }).text;
}

/** An Output's value under mocks. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

/**
 * `configure` sets the stack config for a CDN setting (plus extra keys); `deploy` runs the stack
 * from an empty `declared` (and whatever `onReset` clears) and returns its outputs with lookups by type.
 */
export function cdnDeployer(defineStack: typeof DefineStack, declared: Declared[], options: { onReset?: () => void } = {}) {
  function configure(cdn: Record<string, unknown>, extra: Record<string, string> = {}): void {
    pulumi.runtime.setAllConfig({
      "github:owner": "acme",
      "aws:region": "eu-west-1",
      "github-pypi:sources": JSON.stringify({ localDirs: [demoDists] }),
      "github-pypi:cdn": JSON.stringify(cdn),
      ...extra,
    });
  }

  async function deploy(cdn: Record<string, unknown>, extra: Record<string, string> = {}) {
    declared.length = 0;
    options.onReset?.();
    configure(cdn, extra);
    const outputs = await defineStack();
    await Promise.all([valueOf(outputs.indexUrl), valueOf(outputs.publication), valueOf(outputs.teamGrants)]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last registrations reach the mocks
    const of = (type: string) => declared.filter((d) => d.type === type);
    const only = (type: string) => {
      const found = of(type);
      assert.equal(found.length, 1, `one ${type}`);
      return found[0] as Declared;
    };
    const one = (type: string) => only(type).inputs;
    /** The one resource of `type` called `name`. */
    const named = (type: string, name: string) => {
      const found = of(type).filter((d) => d.name === name);
      assert.equal(found.length, 1, `one ${type} called ${name}`);
      return found[0] as Declared;
    };
    return { outputs, of, only, one, named };
  }

  return { configure, deploy };
}
