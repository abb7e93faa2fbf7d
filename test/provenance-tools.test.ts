/**
 * The provenance tests' own verifier (test/provenance/verify_provenance.py, run by the
 * pypi-attestations venv), checked on the real attestation and the real sdist before anything
 * trusts its "verified": it passes what a consumer accepts and refuses another repository, another
 * workflow, other bytes, a changed field, and an index whose two pages disagree.
 */
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ATTESTED_DIST, ATTESTED_SHA256, attestedDist } from "./helpers/attested-dist.js";
import { clientVenv } from "./helpers/client-venvs.js";
import { repoRoot, attestationsDir, tempDir } from "./helpers/paths.js";
import { run, type RunResult } from "./helpers/python.js";

const SCRIPT = join(repoRoot, "test/provenance/verify_provenance.py");
const ATTESTATION = join(attestationsDir, `${ATTESTED_DIST}.slsa.attestation`);
const REPOSITORY = "trailofbits/pypi-attestations";
const WORKFLOW = "release.yml";
const SLSA = "https://slsa.dev/provenance/v1";

let python: string;
let dist: string;
let provenance: string;
let work: string;

/** A PEP 740 provenance object around the real attestation, as an index would serve it. */
function provenanceJson(): { version: number; attestation_bundles: { publisher: Record<string, unknown>; attestations: Record<string, unknown>[] }[] } {
  const attestation = JSON.parse(readFileSync(ATTESTATION, "utf8")) as Record<string, unknown>;
  return { version: 1, attestation_bundles: [{ publisher: { kind: "GitHub", repository: REPOSITORY, workflow: WORKFLOW, environment: null }, attestations: [attestation] }] };
}

// Each run has the test process's clean home (clientEnv): Sigstore's trusted root is the one the library ships.
const verify = (...args: string[]): Promise<RunResult> => run(python, [SCRIPT, ...args]);

function outcome(result: RunResult): Record<string, unknown> {
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `one JSON object on stdout, got:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(lines[0] ?? "") as Record<string, unknown>;
}

function failed(result: RunResult, message: RegExp): void {
  assert.equal(result.code, 1, `expected a failure, got exit ${result.code}:\n${result.stdout}\n${result.stderr}`);
  assert.match(String(outcome(result).error), message);
  assert.match(result.stderr, message);
}

before(async () => {
  [python, dist] = await Promise.all([clientVenv("pypi-attestations").then((v) => v.python), attestedDist()]);
  work = tempDir("provenance-tools");
  provenance = join(work, "real.provenance");
  writeFileSync(provenance, JSON.stringify(provenanceJson()));
});

describe("verify-file", () => {
  test("the real attestation verifies offline against the real sdist and its release workflow", async () => {
    const result = await verify("verify-file", "--provenance", provenance, "--dist", dist, "--repository", REPOSITORY, "--workflow", WORKFLOW);
    assert.equal(result.code, 0, result.stderr);
    const out = outcome(result);
    assert.equal(out.verified, 1);
    assert.deepEqual(out.predicate_types, [SLSA]);
    assert.deepEqual(out.dist, { name: ATTESTED_DIST, sha256: ATTESTED_SHA256 });
    assert.deepEqual(out.publishers, [{ kind: "GitHub", repository: REPOSITORY, workflow: WORKFLOW, environment: null }]);
  });

  test("another repository is refused", async () => {
    const result = await verify("verify-file", "--provenance", provenance, "--dist", dist, "--repository", "trailofbits/other", "--workflow", WORKFLOW);
    failed(result, /does not verify against trailofbits\/other release\.yml.*(Source Repository|repository)/i);
  });

  test("another workflow of the same repository is refused", async () => {
    const result = await verify("verify-file", "--provenance", provenance, "--dist", dist, "--repository", REPOSITORY, "--workflow", "ci.yml");
    failed(result, /does not verify against trailofbits\/pypi-attestations ci\.yml.*Build Config URI/);
  });

  test("a bundle whose publisher names another workflow is refused, whatever is expected", async () => {
    const forged = provenanceJson();
    const bundle = forged.attestation_bundles[0];
    assert.ok(bundle);
    bundle.publisher.workflow = "ci.yml";
    const file = join(work, "other-publisher.provenance");
    writeFileSync(file, JSON.stringify(forged));
    failed(await verify("verify-file", "--provenance", file, "--dist", dist, "--repository", REPOSITORY, "--workflow", WORKFLOW), /ci\.yml.*Build Config URI/);
  });

  test("a dist of the same name with other bytes is refused", async () => {
    const copy = join(tempDir("tampered"), ATTESTED_DIST);
    copyFileSync(dist, copy);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    writeFileSync(copy, bytes);
    failed(await verify("verify-file", "--provenance", provenance, "--dist", copy, "--repository", REPOSITORY, "--workflow", WORKFLOW), /subject does not match distribution digest/);
  });
});

describe("compare", () => {
  test("the provenance's first attestation is the attestation object, field for field", async () => {
    const result = await verify("compare", "--provenance", provenance, "--expected", ATTESTATION);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(outcome(result), { equal: true, fields: ["envelope", "verification_material", "version"] });
  });

  test("a changed field is named by its path", async () => {
    const changed = provenanceJson();
    const attestation = changed.attestation_bundles[0]?.attestations[0] as { envelope: { signature: string } };
    attestation.envelope.signature = Buffer.from("not the signature").toString("base64");
    const file = join(work, "changed.provenance");
    writeFileSync(file, JSON.stringify(changed));
    const result = await verify("compare", "--provenance", file, "--expected", ATTESTATION);
    failed(result, /differs .* at \$\.envelope\.signature/);
    assert.deepEqual(outcome(result).differences, ["$.envelope.signature"]);
  });
});

describe("index", () => {
  const USER = "reader";
  const PASSWORD = "s3cret&more";
  const FILE_PATH = `/files/pypi-attestations/${ATTESTED_DIST}`;
  /** What the little index serves; each test sets what it needs. */
  let page: { json?: string | null; html?: string | null; type: string };
  const requests: { path: string; accept: string; authorized: boolean }[] = [];
  let server: Server;
  let index: string;

  before(async () => {
    server = createServer((req, res) => {
      const authorized = req.headers.authorization === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
      const path = (req.url ?? "").split("?")[0] ?? "";
      requests.push({ path, accept: req.headers.accept ?? "", authorized });
      if (!authorized) return void res.writeHead(401, { "WWW-Authenticate": 'Basic realm="index"' }).end();
      if (path === "/simple/pypi-attestations/" && (req.headers.accept ?? "").startsWith("application/vnd.pypi.simple.v1+json")) {
        const file: Record<string, unknown> = { filename: ATTESTED_DIST, url: `../..${FILE_PATH}`, hashes: { sha256: ATTESTED_SHA256 } };
        if (page.json !== null) file.provenance = page.json;
        return void res.writeHead(200, { "Content-Type": "application/vnd.pypi.simple.v1+json" }).end(JSON.stringify({ meta: { "api-version": "1.1" }, name: "pypi-attestations", files: [file] }));
      }
      if (path === "/simple/pypi-attestations/") {
        const attribute = page.html === null ? "" : ` data-provenance="${page.html ?? ""}"`;
        return void res
          .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
          .end(`<!DOCTYPE html><html><body><a href="../..${FILE_PATH}#sha256=${ATTESTED_SHA256}"${attribute}>${ATTESTED_DIST}</a></body></html>`);
      }
      if (path === `${FILE_PATH}.provenance`) return void res.writeHead(200, { "Content-Type": page.type }).end(readFileSync(provenance));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    index = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ask = (...extra: string[]): Promise<RunResult> =>
    verify("index", "--index", index, "--project", "pypi-attestations", "--filename", ATTESTED_DIST, "--dist", dist, "--user", USER, "--password", PASSWORD, ...extra);
  const PROVENANCE_URL = (): string => new URL(`${FILE_PATH}.provenance`, index).href;
  // The same relative URL in both; the HTML attribute escaped (`&amp;`), as a page writes a query.
  const RELATIVE = `../..${FILE_PATH}.provenance?v=1&x=2`;
  const ESCAPED = RELATIVE.replace("&", "&amp;");

  test("finds the provenance through both pages, fetches it with the credentials and verifies it", async () => {
    page = { json: RELATIVE, html: ESCAPED, type: "application/vnd.pypi.integrity.v1+json" };
    requests.length = 0;
    const result = await ask("--repository", REPOSITORY, "--workflow", WORKFLOW);
    assert.equal(result.code, 0, result.stderr);
    const out = outcome(result);
    assert.equal(out.url, `${PROVENANCE_URL()}?v=1&x=2`);
    assert.equal(out.verified, 1);
    assert.deepEqual(out.predicate_types, [SLSA]);
    assert.deepEqual(
      requests.map((r) => `${r.path} ${r.accept.split(",")[0]} ${r.authorized}`),
      ["/simple/pypi-attestations/ application/vnd.pypi.simple.v1+json true", "/simple/pypi-attestations/ text/html true", `${FILE_PATH}.provenance application/vnd.pypi.integrity.v1+json true`],
    );
  });

  test("refuses pages that name different provenance, a provenance served as another type, and a wrong expected workflow", async () => {
    page = { json: RELATIVE, html: `../..${FILE_PATH}.other`, type: "application/vnd.pypi.integrity.v1+json" };
    failed(await ask(), /the JSON page names .*\.provenance\?v=1&x=2, the HTML page .*\.other/);
    page = { json: RELATIVE, html: null, type: "application/vnd.pypi.integrity.v1+json" };
    failed(await ask(), /the anchor for pypi_attestations-0\.0\.19\.tar\.gz has no data-provenance/);
    page = { json: RELATIVE, html: ESCAPED, type: "application/octet-stream" };
    failed(await ask(), /is served as application\/octet-stream, not application\/vnd\.pypi\.integrity\.v1\+json/);
    page = { json: RELATIVE, html: ESCAPED, type: "application/vnd.pypi.integrity.v1+json" };
    failed(await ask("--repository", REPOSITORY, "--workflow", "ci.yml"), /ci\.yml.*Build Config URI/);
  });

  test("without credentials the index's 401 is the failure", async () => {
    page = { json: RELATIVE, html: ESCAPED, type: "application/vnd.pypi.integrity.v1+json" };
    failed(await verify("index", "--index", index, "--project", "pypi-attestations", "--filename", ATTESTED_DIST, "--dist", dist), /answered 401/);
  });

  test("--expect-none holds only when neither page names a provenance", async () => {
    page = { json: null, html: null, type: "application/vnd.pypi.integrity.v1+json" };
    const none = await ask("--expect-none");
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(outcome(none), { url: null, publishers: [], predicate_types: [], verified: 0 });
    page = { json: null, html: ESCAPED, type: "application/vnd.pypi.integrity.v1+json" };
    failed(await ask("--expect-none"), /expected without provenance; JSON says None, HTML data-provenance says/);
    page = { json: RELATIVE, html: null, type: "application/vnd.pypi.integrity.v1+json" };
    failed(await ask("--expect-none"), /expected without provenance; JSON says '\.\.\/\.\.\/files/);
  });
});
