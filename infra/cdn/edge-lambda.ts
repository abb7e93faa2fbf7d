import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LAMBDA_EDGE_FILE, LAMBDA_EDGE_RUNTIME } from "./lambda-edge-bundle.js";

export interface EdgeLambdaArgs {
  /** The bundled handler (infra/cdn/lambda-edge-bundle.ts). */
  code: string;
  /** The function's description (Lambda allows 256 characters) and its role's. */
  description: string;
  roleDescription: string;
  /** Lambda@Edge functions must live in us-east-1, whatever the stack's region. */
  usEast1: aws.Provider;
  /** Default 5, a viewer-request function's limit; an origin-request function may take up to 30. */
  timeoutSeconds?: number;
}

/**
 * A Lambda@Edge function (us-east-1, a published version, 128 MB, 5 s unless told, within the
 * viewer-request limits) with its own role, which CloudFront replicates to every edge location: the
 * private index's gate (viewer-request) and list pages (origin-request), or the public index's
 * upstream redirect (origin-response).
 *
 * Teardown: CloudFront deletes the replicas some hours after the distribution lets go of the
 * function, and until then AWS refuses to delete it; so the function (and the role it runs as) are
 * retained on delete rather than failing `pulumi destroy`. Remove them by hand later, or leave them.
 */
export class EdgeLambda extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.Function;
  /** The published version's ARN, which is what CloudFront associates. */
  readonly qualifiedArn: pulumi.Output<string>;

  constructor(name: string, args: EdgeLambdaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("github-pypi:cdn:EdgeLambda", name, {}, opts);
    const inUsEast1 = { parent: this, provider: args.usEast1 };

    this.role = new aws.iam.Role(
      name,
      {
        description: args.roleDescription,
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
        description: args.description.slice(0, 256),
        runtime: LAMBDA_EDGE_RUNTIME,
        handler: "index.handler",
        role: this.role.arn,
        code: new pulumi.asset.AssetArchive({ [LAMBDA_EDGE_FILE]: new pulumi.asset.StringAsset(args.code) }),
        memorySize: 128,
        timeout: args.timeoutSeconds ?? 5,
        publish: true,
      },
      { ...inUsEast1, dependsOn: [logs], retainOnDelete: true },
    );
    this.qualifiedArn = this.function.qualifiedArn;
    this.registerOutputs({ qualifiedArn: this.qualifiedArn });
  }
}
