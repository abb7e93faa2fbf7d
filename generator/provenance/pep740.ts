/**
 * PEP 740's objects, as the index serves them: an attestation object per Sigstore bundle, and a
 * file's provenance object grouping its attestations by the publisher that signed them.
 */
import type { BuildIdentity, ProvenanceFile } from "../model/distribution.js";

/** PEP 740's attestation object: the bundle's certificate, log entry, statement and signature. */
export interface Pep740Attestation {
  version: 1;
  verification_material: {
    /** The signing certificate, base64 DER. */
    certificate: string;
    /** The Rekor entry, in the Sigstore bundle's JSON form (PEP 740 keeps it as is). */
    transparency_entries: unknown[];
  };
  envelope: {
    /** The in-toto statement, base64. */
    statement: string;
    /** The DSSE signature over it, base64. */
    signature: string;
  };
}

/**
 * PEP 740's GitHub publisher. `claims` (which PEP 740 requires) holds the ref and commit the
 * certificate names, as the PEP's own example does; the certificate carries no deployment
 * environment, so it is null.
 */
export interface Pep740GitHubPublisher {
  kind: "GitHub";
  claims: { ref: string; sha: string };
  repository: string;
  workflow: string;
  environment: string | null;
}

export interface Pep740Provenance {
  version: 1;
  attestation_bundles: { publisher: Pep740GitHubPublisher; attestations: Pep740Attestation[] }[];
}

/** One attestation the index keeps for a file, with who signed it. */
export interface KeptAttestation {
  attestation: Pep740Attestation;
  identity: BuildIdentity;
  /** The Rekor log index, for a stable order whatever order GitHub lists them in. */
  logIndex: bigint;
  /** The same for the same attestation (its signature): GitHub listing one twice serves it once. */
  identityKey: string;
}

/**
 * The provenance object for a file's kept attestations, each once: one bundle per publisher
 * (repository, workflow, ref and commit), in log order, so the same attestations always give the
 * same bytes.
 */
export function provenanceFile(kept: readonly KeptAttestation[]): ProvenanceFile {
  const unique = [...new Map(kept.map((k) => [k.identityKey, k])).values()];
  const ordered = unique.sort((a, b) => (a.logIndex < b.logIndex ? -1 : a.logIndex > b.logIndex ? 1 : 0));
  const bundles = new Map<string, Pep740Provenance["attestation_bundles"][number]>();
  for (const { attestation, identity } of ordered) {
    const key = `${identity.repository}\n${identity.workflow}\n${identity.ref}\n${identity.commit}`;
    let bundle = bundles.get(key);
    if (!bundle) {
      const publisher: Pep740GitHubPublisher = { kind: "GitHub", claims: { ref: identity.ref, sha: identity.commit }, repository: identity.repository, workflow: identity.workflow, environment: null };
      bundle = { publisher, attestations: [] };
      bundles.set(key, bundle);
    }
    bundle.attestations.push(attestation);
  }
  const provenance: Pep740Provenance = { version: 1, attestation_bundles: [...bundles.values()] };
  return { bytes: Buffer.from(`${JSON.stringify(provenance)}\n`, "utf8"), builtBy: ordered.map((k) => k.identity) };
}
