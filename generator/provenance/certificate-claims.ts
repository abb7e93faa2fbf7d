/**
 * What a Sigstore signing certificate says about the workflow that signed: Fulcio writes the
 * GitHub Actions OIDC token's claims into X.509 extensions under 1.3.6.1.4.1.57264.1
 * (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). The publisher the index shows
 * and serves comes from here, never from the index's own settings.
 */
import { ASN1Obj, X509Certificate } from "@sigstore/core";
import type { BuildIdentity } from "../model/distribution.js";

const FULCIO = "1.3.6.1.4.1.57264.1";
/** The v2 claims, each a DER UTF8String inside the extension value. */
const CLAIM_OIDS = {
  issuer: `${FULCIO}.8`,
  buildConfigUri: `${FULCIO}.18`,
  sourceRepositoryUri: `${FULCIO}.12`,
  sourceRepositoryDigest: `${FULCIO}.13`,
  sourceRepositoryRef: `${FULCIO}.14`,
  runInvocationUri: `${FULCIO}.21`,
  sourceRepositoryVisibility: `${FULCIO}.22`,
} as const;

export type ClaimName = keyof typeof CLAIM_OIDS;
export type CertificateClaims = Partial<Record<ClaimName, string>>;

/** The OIDC issuer of GitHub Actions on github.com: the only signer PEP 740's GitHub publisher describes. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

const UTF8_STRING = 12;

function claim(cert: X509Certificate, oid: string): string | undefined {
  const ext = cert.extension(oid);
  if (ext === undefined) return undefined;
  const inner = ASN1Obj.parseBuffer(Buffer.from(ext.valueObj.value));
  if (inner.tag.number !== UTF8_STRING) throw new Error(`certificate extension ${oid} is not a UTF8String`);
  return inner.value.toString("utf8");
}

/** The Fulcio claims a certificate carries (absent ones left out); throws on a certificate that does not parse. */
export function certificateClaims(cert: X509Certificate): CertificateClaims {
  const out: CertificateClaims = {};
  for (const [name, oid] of Object.entries(CLAIM_OIDS) as [ClaimName, string][]) {
    const value = claim(cert, oid);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A GitHub workflow that signed, as PEP 740's GitHub publisher and the catalog name it (its predicate is the statement's). */
export type GitHubSigner = Omit<BuildIdentity, "predicateType">;

const REPOSITORY_URI = /^(https:\/\/github\.com)\/([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)$/;
const WORKFLOW_PATH = /^\.github\/workflows\/([^/@]+\.ya?ml)$/;

/**
 * The signer when the claims describe a workflow of the built repository on github.com, or why
 * not. PEP 740's GitHub publisher names a repository and a workflow file in it, and verifiers
 * (pypi-attestations) check the Build Config URI, the top-level workflow even when a reusable one
 * signed, is exactly `https://github.com/<repository>/.github/workflows/<file>@<ref or commit>`.
 */
export function githubSigner(claims: CertificateClaims): GitHubSigner | { problem: string } {
  const { issuer, sourceRepositoryUri, buildConfigUri, sourceRepositoryRef, sourceRepositoryDigest } = claims;
  if (issuer !== GITHUB_ACTIONS_ISSUER) return { problem: `signed by an identity from ${issuer ?? "no OIDC issuer"}, not GitHub Actions on github.com` };
  const repo = sourceRepositoryUri === undefined ? null : REPOSITORY_URI.exec(sourceRepositoryUri);
  if (!repo || sourceRepositoryRef === undefined || sourceRepositoryDigest === undefined || buildConfigUri === undefined) {
    return { problem: "the signing certificate lacks the repository, ref, commit or workflow claims" };
  }
  const [, serverUrl, repository] = repo as unknown as [string, string, string];
  const prefix = `${serverUrl}/${repository}/`;
  const at = buildConfigUri.lastIndexOf("@");
  const path = buildConfigUri.startsWith(prefix) && at > prefix.length ? buildConfigUri.slice(prefix.length, at) : undefined;
  const suffix = buildConfigUri.slice(at + 1);
  const workflow = path === undefined ? null : WORKFLOW_PATH.exec(path);
  if (!workflow || path === undefined || (suffix !== sourceRepositoryRef && suffix !== sourceRepositoryDigest)) {
    return { problem: `run from the workflow ${buildConfigUri}, which is not a workflow of ${repository} at the built ref, as PEP 740's GitHub publisher must name it` };
  }
  const signer: GitHubSigner = { serverUrl, repository, workflow: workflow[1] as string, workflowPath: path, ref: sourceRepositoryRef, commit: sourceRepositoryDigest };
  const run = claims.runInvocationUri;
  if (run !== undefined && run.startsWith(`${prefix}actions/runs/`)) signer.runUrl = run;
  return signer;
}
