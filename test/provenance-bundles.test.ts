/**
 * The checks a Sigstore bundle from GitHub's attestation store passes before it becomes a file's
 * PEP 740 attestation, on a real record (test/fixtures/attestations: GitHub's build provenance
 * of pypi_attestations-0.0.19.tar.gz) and on copies of it broken one way each.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { checkBundle, type BundleVerdict } from "../generator/provenance/bundle-check.js";
import { githubSigner, type CertificateClaims } from "../generator/provenance/certificate-claims.js";
import { provenanceFile, type KeptAttestation } from "../generator/provenance/pep740.js";
import { attestationsDir } from "./helpers/paths.js";

const DIR = attestationsDir;
const SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3";
const FILENAME = "pypi_attestations-0.0.19.tar.gz";
type Json = Record<string, unknown>;
const answer = JSON.parse(readFileSync(join(DIR, `${SHA256}.json`), "utf8")) as { attestations: { bundle: Json }[] };
const expected = JSON.parse(readFileSync(join(DIR, `${FILENAME}.slsa.attestation`), "utf8")) as Json;
/** A fresh deep copy of the real bundle to break. */
const realBundle = (): Json => structuredClone(answer.attestations[0]?.bundle) as Json;
const material = (b: Json): Json => b.verificationMaterial as Json;
const envelope = (b: Json): Json => b.dsseEnvelope as Json;

function problemOf(verdict: BundleVerdict): string {
  return "problem" in verdict ? verdict.problem : "ignored" in verdict ? "ignored" : "kept";
}

function kept(verdict: BundleVerdict): KeptAttestation {
  if ("problem" in verdict) assert.fail(`refused: ${verdict.problem}: ${verdict.reason}`);
  if ("ignored" in verdict) assert.fail(`passed over: ${verdict.ignored}`);
  return verdict.kept;
}

describe("a real GitHub attestation", () => {
  test("becomes the PEP 740 attestation object of the shared record, field for field", () => {
    const verdict = checkBundle(realBundle(), FILENAME, SHA256);
    assert.deepEqual(JSON.parse(JSON.stringify(kept(verdict).attestation)), expected);
  });

  test("its publisher comes from the signing certificate: the repository, release.yml and tag v0.0.19 the record's README names", () => {
    const { identity } = kept(checkBundle(realBundle(), FILENAME, SHA256));
    assert.equal(identity.repository, "trailofbits/pypi-attestations");
    assert.equal(identity.workflow, "release.yml");
    assert.equal(identity.workflowPath, ".github/workflows/release.yml");
    assert.equal(identity.ref, "refs/tags/v0.0.19");
    assert.equal(identity.predicateType, "https://slsa.dev/provenance/v1");
    assert.match(identity.commit, /^[0-9a-f]{40}$/);
    assert.match(identity.runUrl ?? "", /^https:\/\/github\.com\/trailofbits\/pypi-attestations\/actions\/runs\/\d+\/attempts\/\d+$/);
  });

  test("the provenance object groups it under that publisher: claims with the ref and commit, environment null (a certificate carries none)", () => {
    const file = provenanceFile([kept(checkBundle(realBundle(), FILENAME, SHA256))]);
    const provenance = JSON.parse(Buffer.from(file.bytes).toString("utf8")) as { version: number; attestation_bundles: { publisher: Json; attestations: unknown[] }[] };
    assert.equal(provenance.version, 1);
    assert.equal(provenance.attestation_bundles.length, 1);
    const [bundle] = provenance.attestation_bundles;
    assert.deepEqual(bundle?.attestations, [expected]);
    const { claims, ...publisher } = bundle?.publisher ?? {};
    assert.deepEqual(publisher, { kind: "GitHub", repository: "trailofbits/pypi-attestations", workflow: "release.yml", environment: null });
    assert.equal((claims as { ref?: string }).ref, "refs/tags/v0.0.19");
    assert.match((claims as { sha?: string }).sha ?? "", /^[0-9a-f]{40}$/);
  });

  test("listed twice by GitHub, it is served once", () => {
    const one = kept(checkBundle(realBundle(), FILENAME, SHA256));
    const twice = provenanceFile([one, kept(checkBundle(realBundle(), FILENAME, SHA256))]);
    assert.deepEqual(Buffer.from(twice.bytes), Buffer.from(provenanceFile([one]).bytes));
  });
});

describe("what is left out, each for its own reason", () => {
  test("a bundle about other bytes, or another file name, is a mismatch", () => {
    assert.equal(problemOf(checkBundle(realBundle(), FILENAME, "0".repeat(64))), "mismatch");
    assert.equal(problemOf(checkBundle(realBundle(), "pypi_attestations-0.0.19-py3-none-any.whl", SHA256)), "mismatch");
  });

  test("a statement changed after signing fails its signature, whatever it now says", () => {
    const bundle = realBundle();
    const statement = JSON.parse(Buffer.from(envelope(bundle).payload as string, "base64").toString("utf8")) as Json;
    statement.predicateType = "https://slsa.dev/provenance/v1"; // unchanged meaning, other bytes: re-serialised
    (statement.subject as Json[]).push({ name: "extra.whl", digest: { sha256: "1".repeat(64) } });
    envelope(bundle).payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const verdict = checkBundle(bundle, FILENAME, SHA256);
    assert.equal(problemOf(verdict), "malformed");
    assert.match("reason" in verdict ? verdict.reason : "", /signature does not verify/);
  });

  test("a log time outside the certificate's ten minutes is refused (the time is not signed, the certificate is)", () => {
    const bundle = realBundle();
    const entry = (material(bundle).tlogEntries as Json[])[0] as Json;
    entry.integratedTime = String(Number(entry.integratedTime) + 3600);
    assert.equal(problemOf(checkBundle(bundle, FILENAME, SHA256)), "malformed");
  });

  test("no transparency log entry: unlogged; with a timestamp authority's answer instead: GitHub's private Sigstore instance", () => {
    const unlogged = realBundle();
    material(unlogged).tlogEntries = [];
    assert.equal(problemOf(checkBundle(unlogged, FILENAME, SHA256)), "unlogged");
    const privateOne = realBundle();
    material(privateOne).tlogEntries = [];
    material(privateOne).timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: Buffer.from("a timestamp").toString("base64") }] };
    assert.equal(problemOf(checkBundle(privateOne, FILENAME, SHA256)), "private-sigstore");
  });

  test("two signatures, a non-bundle, and a bare message signature are named, never thrown", () => {
    const doubled = realBundle();
    const sigs = envelope(doubled).signatures as Json[];
    sigs.push({ ...sigs[0] });
    assert.equal(problemOf(checkBundle(doubled, FILENAME, SHA256)), "malformed");
    for (const junk of [null, "bundle", 42, [], {}, { mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }]) {
      assert.equal(problemOf(checkBundle(junk, FILENAME, SHA256)), "malformed", JSON.stringify(junk));
    }
    const message = realBundle();
    delete message.dsseEnvelope;
    message.messageSignature = { messageDigest: { algorithm: "SHA2_256", digest: Buffer.from(SHA256, "hex").toString("base64") }, signature: (envelope(realBundle()).signatures as Json[])[0]?.sig };
    assert.equal(problemOf(checkBundle(message, FILENAME, SHA256)), "unsupported");
  });

  test("GitHub's own immutable-release attestation (on every asset of such a release) is passed over without a warning", () => {
    const bundle = realBundle();
    const statement = JSON.parse(Buffer.from(envelope(bundle).payload as string, "base64").toString("utf8")) as Json;
    statement.predicateType = "https://in-toto.io/attestation/release/v0.1";
    envelope(bundle).payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    assert.equal(problemOf(checkBundle(bundle, FILENAME, SHA256)), "ignored");
    // Any other predicate is judged: here, by its signature, since the statement changed.
    statement.predicateType = "https://spdx.dev/Document/v2.3";
    envelope(bundle).payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    assert.equal(problemOf(checkBundle(bundle, FILENAME, SHA256)), "malformed");
  });

  test("a payload that is not an in-toto statement is refused before its content is read", () => {
    const bundle = realBundle();
    envelope(bundle).payloadType = "application/json";
    assert.equal(problemOf(checkBundle(bundle, FILENAME, SHA256)), "unsupported");
  });
});

describe("the publisher PEP 740 can name", () => {
  const claims: CertificateClaims = {
    issuer: "https://token.actions.githubusercontent.com",
    sourceRepositoryUri: "https://github.com/acme/tools",
    sourceRepositoryRef: "refs/tags/v1.0.0",
    sourceRepositoryDigest: "a".repeat(40),
    buildConfigUri: "https://github.com/acme/tools/.github/workflows/release.yml@refs/tags/v1.0.0",
  };

  test("a workflow of the built repository, at the built ref or commit", () => {
    assert.deepEqual(githubSigner(claims), {
      serverUrl: "https://github.com",
      repository: "acme/tools",
      workflow: "release.yml",
      workflowPath: ".github/workflows/release.yml",
      ref: "refs/tags/v1.0.0",
      commit: "a".repeat(40),
    });
    const byCommit = githubSigner({ ...claims, buildConfigUri: `https://github.com/acme/tools/.github/workflows/release.yml@${"a".repeat(40)}` });
    assert.ok(!("problem" in byCommit));
  });

  test("not: another OIDC issuer, a workflow in another repository or folder, another ref, a missing claim", () => {
    for (const bad of [
      { ...claims, issuer: "https://gitlab.com" },
      { ...claims, buildConfigUri: "https://github.com/other/shared/.github/workflows/release.yml@refs/tags/v1.0.0" },
      { ...claims, buildConfigUri: "https://github.com/acme/tools/ci/release.yml@refs/tags/v1.0.0" },
      { ...claims, buildConfigUri: "https://github.com/acme/tools/.github/workflows/release.yml@refs/heads/main" },
      { ...claims, sourceRepositoryUri: "https://ghe.example.com/acme/tools" },
      { ...claims, sourceRepositoryDigest: undefined },
    ]) {
      assert.ok("problem" in githubSigner(bad), JSON.stringify(bad));
    }
  });

  test("a run link only when it is the repository's own run page", () => {
    const signer = githubSigner({ ...claims, runInvocationUri: "javascript:alert(1)" });
    assert.ok(!("problem" in signer) && signer.runUrl === undefined);
  });
});

describe("the provenance object", () => {
  test("lists attestations in log order and groups them by publisher, whatever order GitHub answered in", () => {
    const base = kept(checkBundle(realBundle(), FILENAME, SHA256));
    const other = { ...base, identity: { ...base.identity, workflow: "nightly.yml" }, logIndex: base.logIndex - 1n, identityKey: "other" };
    const later = { ...base, logIndex: base.logIndex + 1n, identityKey: "later" };
    const a = provenanceFile([later, base, other]);
    const b = provenanceFile([other, later, base]);
    assert.deepEqual(Buffer.from(a.bytes), Buffer.from(b.bytes));
    const doc = JSON.parse(Buffer.from(a.bytes).toString("utf8")) as { attestation_bundles: { publisher: Json; attestations: unknown[] }[] };
    assert.deepEqual(
      doc.attestation_bundles.map((x) => [x.publisher.workflow, x.attestations.length]),
      [
        ["nightly.yml", 1],
        ["release.yml", 2],
      ],
    );
    assert.deepEqual(
      a.builtBy.map((x) => x.workflow),
      ["nightly.yml", "release.yml", "release.yml"],
    );
  });
});
