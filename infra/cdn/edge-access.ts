import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LAMBDA_EDGE_FILE, LAMBDA_EDGE_RUNTIME, lambdaEdgeBundle, type EdgeAccessConfig } from "./lambda-edge-bundle.js";

export interface EdgeAccessArgs {
  config: EdgeAccessConfig;
  /** Lambda@Edge functions must live in us-east-1, whatever the stack's region. */
  usEast1: aws.Provider;
}

/**
 * The private index's gate at the edge: a Lambda@Edge function (us-east-1, a published version,
 * 128 MB, 5 s, the viewer-request limits) with its own role, which CloudFront replicates to every
 * edge location and runs before its cache on every request.
 *
 * Teardown: CloudFront deletes the replicas some hours after the distribution lets go of the
 * function, and until then AWS refuses to delete it; so the function (and the role it runs as) are
 * retained on delete rather than failing `pulumi destroy`. Remove them by hand later, or leave them.
 */
export class EdgeAccess extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.Function;
  /** The published version's ARN, which is what CloudFront associates. */
  readonly qualifiedArn: pulumi.Output<string>;

  constructor(name: string, args: EdgeAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("github-pypi:cdn:EdgeAccess", name, {}, opts);
    const inUsEast1 = { parent: this, provider: args.usEast1 };

    this.role = new aws.iam.Role(
      name,
      {
        description: "github-pypi private index: the Lambda@Edge access gate",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }],
        }),
      },
      { ...inUsEast1, retainOnDelete: true },
    );
    // Logs only (CloudWatch, in the region of each edge location that runs it); the function reads nothing else from AWS.
    const logs = new aws.iam.RolePolicyAttachment(
      name,
      { role: this.role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
      { ...inUsEast1, retainOnDelete: true },
    );

    this.function = new aws.lambda.Function(
      name,
      {
        description: `github-pypi access gate for ${args.config.gateRepository}: GitHub tokens, routing, PEP 691 negotiation`,
        runtime: LAMBDA_EDGE_RUNTIME,
        handler: "index.handler",
        role: this.role.arn,
        code: new pulumi.asset.AssetArchive({ [LAMBDA_EDGE_FILE]: new pulumi.asset.StringAsset(lambdaEdgeBundle(args.config)) }),
        memorySize: 128,
        timeout: 5,
        publish: true,
      },
      { ...inUsEast1, dependsOn: [logs], retainOnDelete: true },
    );
    this.qualifiedArn = this.function.qualifiedArn;
    this.registerOutputs({ qualifiedArn: this.qualifiedArn });
  }
}
