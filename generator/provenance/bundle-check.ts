/**
 * Whether a Sigstore bundle from GitHub's attestation store may become a file's PEP 740
 * attestation, and the attestation when it may. Kept: a DSSE in-toto statement naming this file
 * with this digest, of a build-provenance predicate, signed by its certificate for a GitHub
 * workflow, with a transparency log entry. Everything else is a reason, never an exception: the
 * caller turns it into a named warning and the file stays indexed without it.
 *
 * Then it verifies the bundle as a consumer will (sigstore-trust.ts): the certificate's chain to
 * Sigstore's Fulcio, its CT proof and the Rekor entry, offline. So the catalog's "built by" names
 * only an identity Sigstore vouches for; the consumer still checks it is the one they expect.
 */
import { X509Certificate, crypto, dsse } from "@sigstore/core";
import { bundleFromJSON, bundleToJSON, type Bundle } from "@sigstore/bundle";
import { z } from "zod";
import { parseFilename, type ParsedFilename } from "../names/filename.js";
import { certificateClaims, githubSigner, type CertificateClaims } from "./certificate-claims.js";
import type { KeptAttestation } from "./pep740.js";
import { sigstoreProblem } from "./sigstore-trust.js";

/** SLSA provenance v1 (actions/attest-build-provenance) and PyPI's publish attestation. */
export const KEPT_PREDICATES = ["https://slsa.dev/provenance/v1", "https://docs.pypi.org/attestations/publish/v1"] as const;
const IN_TOTO_PAYLOAD = "application/vnd.in-toto+json";
/**
 * GitHub's own attestation of an immutable release (one for every asset, signed by GitHub, not a
 * workflow): it says the release is what was published, not how a file was built, so it is passed
 * over without a word rather than warned about on every asset of every such release.
 */
const RELEASE_PREDICATE = "https://in-toto.io/attestation/release/v0.1";
const STATEMENT_V1 = "https://in-toto.io/Statement/v1";

export type BundleProblemKind =
  /** The statement is about other bytes, or another file name. */
  | "mismatch"
  /** Well-formed, but not something PEP 740's GitHub publisher can carry (another predicate, signer or bundle kind). */
  | "unsupported"
  /** No transparency log entry: a verifier would have nothing to check the signing time against. */
  | "unlogged"
  /** Signed by GitHub's private Sigstore instance (private repositories): no public log, no PEP 740 form. */
  | "private-sigstore"
  /** Not a valid bundle, statement, certificate or signature. */
  | "malformed"
  /** Well-formed, but its certificate, log entry or timestamps do not verify against Sigstore's public-good roots. */
  | "unverified";

export type BundleVerdict = { kept: KeptAttestation } | { problem: BundleProblemKind; reason: string } | { ignored: string };

/** The statement's predicate type, read without trusting it (only ever used to pass a bundle over). */
function claimedPredicate(payload: Buffer): string | undefined {
  try {
    const type = (JSON.parse(payload.toString("utf8")) as { predicateType?: unknown }).predicateType;
    return typeof type === "string" ? type : undefined;
  } catch {
    return undefined;
  }
}

const statementSchema = z.object({
  _type: z.string(),
  subject: z.array(z.object({ name: z.string(), digest: z.record(z.string(), z.string()) })).min(1),
  predicateType: z.string(),
});

/** Signature hash by curve: Fulcio certifies P-256 and P-384 keys, each signed with its own SHA. */
const HASH_BY_CURVE: Record<string, string> = { prime256v1: "sha256", secp384r1: "sha384", secp521r1: "sha512" };

/**
 * Whether a statement's subject name is this file: compared parsed, as PEP 740 requires and
 * pypi-attestations does (`PyPI_Attestations-0.0.19.tar.gz` is `pypi_attestations-0.0.19.tar.gz`).
 */
function sameDistribution(subject: string, file: ParsedFilename): boolean {
  const parsed = parseFilename(subject);
  if (!parsed.ok) return false;
  const s = parsed.value;
  return (
    s.kind === file.kind &&
    s.project === file.project &&
    s.version === file.version &&
    s.extension === file.extension &&
    (s.buildTag ?? "") === (file.buildTag ?? "") &&
    (s.tags ?? []).join(" ") === (file.tags ?? []).join(" ")
  );
}

/** What file a statement covers, for messages: at most three subjects. */
function describeSubjects(subjects: z.infer<typeof statementSchema>["subject"]): string {
  const shown = subjects.slice(0, 3).map((s) => `${s.name} (sha256 ${s.digest.sha256 ?? "none"})`);
  return shown.join(", ") + (subjects.length > 3 ? ` and ${subjects.length - 3} more` : "");
}

function signingCertificate(bundle: Bundle): Buffer | undefined {
  const content = bundle.verificationMaterial.content;
  if (content.$case === "certificate") return content.certificate.rawBytes;
  if (content.$case === "x509CertificateChain") return content.x509CertificateChain.certificates[0]?.rawBytes;
  return undefined;
}

/** Checks one bundle from GitHub against the file `filename` whose bytes hash to `sha256` (lower-case hex). */
export function checkBundle(json: unknown, filename: string, sha256: string): BundleVerdict {
  const file = parseFilename(filename);
  if (!file.ok) return { problem: "mismatch", reason: `${filename} is not a distribution file name` };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    return { problem: "malformed", reason: `not a Sigstore bundle (${(e as Error).message})` };
  }
  if (bundle.content.$case !== "dsseEnvelope") return { problem: "unsupported", reason: "a bare message signature, not a signed in-toto statement" };
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD) return { problem: "unsupported", reason: `a DSSE envelope of ${envelope.payloadType}, not an in-toto statement` };
  if (claimedPredicate(envelope.payload) === RELEASE_PREDICATE) return { ignored: "GitHub's attestation of an immutable release" };
  const signature = envelope.signatures.length === 1 ? envelope.signatures[0] : undefined;
  if (signature === undefined) return { problem: "malformed", reason: `${envelope.signatures.length} signatures on the envelope; PEP 740 carries exactly one` };

  const der = signingCertificate(bundle);
  if (der === undefined) return { problem: "unsupported", reason: "signed with a bare public key, not a Sigstore certificate naming a workflow" };
  let cert: X509Certificate;
  let claims: CertificateClaims;
  try {
    cert = X509Certificate.parse(Buffer.from(der));
    claims = certificateClaims(cert);
  } catch (e) {
    return { problem: "malformed", reason: `the signing certificate does not parse (${(e as Error).message})` };
  }

  // First, so that nothing below judges content the certificate's key did not sign.
  let valid = false;
  try {
    const key = crypto.createPublicKey(cert.publicKey);
    const hash = HASH_BY_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ""];
    if (hash === undefined) return { problem: "unsupported", reason: "the certificate's key is not a NIST P-256/384/521 key" };
    valid = crypto.verify(dsse.preAuthEncoding(envelope.payloadType, envelope.payload), key, signature.sig, hash);
  } catch {
    valid = false;
  }
  if (!valid) return { problem: "malformed", reason: "the signature does not verify against the bundle's own certificate" };

  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (entry === undefined) {
    const timestamped = (bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > 0;
    const visibility = claims.sourceRepositoryVisibility;
    if (timestamped || visibility === "private" || visibility === "internal") {
      return { problem: "private-sigstore", reason: "signed through GitHub's private Sigstore instance (a timestamp, no public transparency log entry)" };
    }
    return { problem: "unlogged", reason: "no transparency log entry" };
  }

  let statement: z.infer<typeof statementSchema>;
  try {
    const parsed = statementSchema.safeParse(JSON.parse(envelope.payload.toString("utf8")));
    if (!parsed.success) return { problem: "malformed", reason: "the signed payload is not an in-toto statement" };
    statement = parsed.data;
  } catch {
    return { problem: "malformed", reason: "the signed payload is not JSON" };
  }
  if (statement._type !== STATEMENT_V1) return { problem: "unsupported", reason: `an in-toto statement of type ${statement._type}, not ${STATEMENT_V1}` };
  // The hex exactly as written: verifiers compare it as a string, so an upper-case digest fails there.
  const names = statement.subject.some((s) => sameDistribution(s.name, file.value) && s.digest.sha256 === sha256);
  if (!names) return { problem: "mismatch", reason: `the statement is about ${describeSubjects(statement.subject)}, not this file (sha256 ${sha256})` };
  // PEP 740 statements have one subject, and verifiers refuse more: `subject-path: dist/*` attests all files in one.
  if (statement.subject.length !== 1) {
    return { problem: "unsupported", reason: `one statement for ${statement.subject.length} files; PEP 740 needs an attestation per file (attest each file in its own step)` };
  }
  if (!(KEPT_PREDICATES as readonly string[]).includes(statement.predicateType)) {
    return { problem: "unsupported", reason: `predicate ${statement.predicateType}, not build provenance (${KEPT_PREDICATES.join(" or ")})` };
  }

  const signer = githubSigner(claims);
  if ("problem" in signer) return { problem: "unsupported", reason: signer.problem };

  const loggedAt = new Date(Number(entry.integratedTime) * 1000);
  if (!cert.validForDate(loggedAt)) return { problem: "malformed", reason: `logged at ${loggedAt.toISOString()}, outside the certificate's validity` };

  // Last and dearest: the chain to Fulcio, the CT and Rekor proofs, as a consumer will check them.
  const unverified = sigstoreProblem(bundle);
  if (unverified !== undefined)
    return { problem: "unverified", reason: `it does not verify against Sigstore's public-good roots as this version ships them (${unverified}); if Sigstore rotated a key since, update github-pypi` };

  const serialized = bundleToJSON(bundle).verificationMaterial.tlogEntries[0];
  return {
    kept: {
      attestation: {
        version: 1,
        verification_material: { certificate: der.toString("base64"), transparency_entries: [serialized] },
        envelope: { statement: envelope.payload.toString("base64"), signature: signature.sig.toString("base64") },
      },
      identity: { ...signer, predicateType: statement.predicateType },
      logIndex: BigInt(entry.logIndex),
      // One signature is one attestation, however many times GitHub lists it.
      identityKey: signature.sig.toString("base64"),
    },
  };
}
