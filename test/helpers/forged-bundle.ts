/**
 * Sigstore bundles forged for tests (test/provenance/forge_bundle.py): self-consistent (the
 * statement signed by the certificate's own key, the claims chosen, a Rekor entry at a time inside
 * the certificate) but chained to no Sigstore root. What the index can check alone passes; only
 * the verification against Sigstore's roots refuses them, and a test can choose every claim.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildIdentity } from "../../generator/model/distribution.js";
import { clientVenv } from "./client-venvs.js";
import { repoRoot, attestationsDir } from "./paths.js";
import { run } from "./python.js";

const FORGE = join(repoRoot, "test/provenance/forge_bundle.py");
const FULCIO = "1.3.6.1.4.1.57264.1";
export const REAL_SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3";
/** Who built the real sdist, as its attestation's certificate says (the shared record's README names the same). */
export const REAL_BUILD_IDENTITY: BuildIdentity = {
  repository: "trailofbits/pypi-attestations",
  workflow: "release.yml",
  workflowPath: ".github/workflows/release.yml",
  ref: "refs/tags/v0.0.19",
  commit: "08802efe1f8e5fec4ad842d6b8ce97656092ee72",
  runUrl: "https://github.com/trailofbits/pypi-attestations/actions/runs/12169989787/attempts/1",
  serverUrl: "https://github.com",
  predicateType: "https://slsa.dev/provenance/v1",
};

/** GitHub's answer for the real sdist, as the shared folder holds it. */
export const REAL_ANSWER = join(attestationsDir, `${REAL_SHA256}.json`);

/** The real bundle, a fresh copy each call (tests break copies of it). */
export function realBundleJson(): Record<string, unknown> {
  const answer = JSON.parse(readFileSync(REAL_ANSWER, "utf8")) as { attestations: { bundle: Record<string, unknown> }[] };
  const bundle = answer.attestations[0]?.bundle;
  if (!bundle) throw new Error(`${REAL_ANSWER} holds no bundle`);
  return bundle;
}

export interface ForgedClaims {
  issuer?: string;
  repository: string;
  /** The top-level workflow's path in `repository`, or a full Build Config URI. */
  workflow: string;
  ref?: string;
  commit?: string;
}

/** An in-toto v1 statement of SLSA provenance about the given files. */
export function statementAbout(subjects: { name: string; sha256: string }[], predicateType = "https://slsa.dev/provenance/v1"): object {
  return { _type: "https://in-toto.io/Statement/v1", subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })), predicateType, predicate: {} };
}

export async function forgeBundle(claims: ForgedClaims, statement: object): Promise<unknown> {
  const ref = claims.ref ?? "refs/tags/v1.0.0";
  const config = claims.workflow.startsWith("https://") ? claims.workflow : `https://github.com/${claims.repository}/${claims.workflow}@${ref}`;
  const oids: Record<string, string> = {
    [`${FULCIO}.8`]: claims.issuer ?? "https://token.actions.githubusercontent.com",
    [`${FULCIO}.9`]: config,
    [`${FULCIO}.12`]: `https://github.com/${claims.repository}`,
    [`${FULCIO}.13`]: claims.commit ?? "c0ffee".padEnd(40, "0"),
    [`${FULCIO}.14`]: ref,
    [`${FULCIO}.18`]: config,
  };
  const venv = await clientVenv("pypi-attestations");
  // The script copies the real bundle's Rekor entry: it reads the bundle alone, not GitHub's answer.
  const realBundle = join(repoRoot, ".cache", "real-bundle.json");
  mkdirSync(join(repoRoot, ".cache"), { recursive: true });
  writeFileSync(realBundle, JSON.stringify(realBundleJson()));
  const result = await run(venv.python, [FORGE, JSON.stringify(oids), JSON.stringify(statement), realBundle]);
  if (result.code !== 0) throw new Error(`forging a bundle failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}
