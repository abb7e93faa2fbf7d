/** AWS error answers as messages that name the service, the operation, its target and, where one helps, what to do. */

/** An AWS error answer: a plain Error with S3's or CloudFront's code and the HTTP status. */
export interface AwsError extends Error {
  code: string;
  status?: number;
}

interface SdkErrorShape {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** What the hints name. */
export interface ErrorPlace {
  bucket: string;
  region: string;
  distributionId?: string;
}

export function errorCode(e: unknown): string {
  const err = e as SdkErrorShape;
  return String(err?.Code ?? err?.name ?? "Error");
}

export function hint(code: string, where: ErrorPlace): string {
  switch (code) {
    case "NoSuchBucket":
      return ` (bucket ${where.bucket} does not exist in ${where.region}; the stack creates it before the sync)`;
    case "AccessDenied":
    case "Forbidden":
    case "AllAccessDisabled":
      return ` (the AWS credentials need s3:ListBucket on ${where.bucket} and s3:GetObject, s3:PutObject, s3:DeleteObject on its objects)`;
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return ` (bucket ${where.bucket} is not in ${where.region}: set the region the bucket was created in)`;
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
    case "ExpiredToken":
    case "InvalidClientTokenId":
      return " (the AWS credentials were rejected)";
    case "CredentialsProviderError":
      return " (no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role)";
    case "BadDigest":
      return " (the bytes S3 received do not match their MD5: the file changed while it was uploaded; run `pulumi up` again)";
    case "NoSuchDistribution":
      return ` (distribution ${where.distributionId ?? "?"} does not exist)`;
    case "TooManyInvalidationsInProgress":
      return " (CloudFront is still working on earlier invalidations; run `pulumi up` again when they finish)";
    default:
      return "";
  }
}

export function awsError(service: "S3" | "CloudFront", operation: string, target: string, e: unknown, where: ErrorPlace): AwsError {
  const err = e as SdkErrorShape;
  const code = errorCode(e);
  const status = err?.$metadata?.httpStatusCode;
  const message = err?.message || (status ? `HTTP ${status}` : "no message");
  return Object.assign(new Error(`${service}: ${operation} ${target} failed: ${code}: ${message}${hint(code, where)}`), {
    code,
    ...(status === undefined ? {} : { status }),
  });
}
