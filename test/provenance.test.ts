/**
 * PEP 740 provenance end to end: GitHub's real attestation of pypi_attestations-0.0.19.tar.gz
 * (test/fixtures/attestations) served by the GitHub emulator as GitHub serves it today (a
 * `bundle_url` on blob storage, snappy-compressed), the real sdist from PyPI as the release asset,
 * then the built index on every host (`serve`, a static host as Pages is, the CDN's functions over
 * a real S3 protocol, the GitHub gate), read by a consumer with pypi-attestations and verified
 * offline against the sdist. Beside it, files whose attestations must be left out, one reason
 * each, and what a warm run costs.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultAccessMapPath, readAccessFile } from "../generator/serving/access/access-map-file.js";
import { createAccessGate } from "../generator/serving/access/gate.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import type { Warning } from "../generator/diagnostics/warnings.js";
import type { GitHubSourceOptions } from "../generator/sources/github.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { PROVENANCE_JSON } from "../generator/protocol/media-types.js";
import { bucketManifest } from "../infra/cdn/bucket-manifest.js";
import { bucketSyncProvider } from "../infra/cdn/bucket-sync-provider.js";
import { viewerRequestFunctionCode } from "../infra/cdn/edge-function.js";
import { attestedDist } from "./helpers/attested-dist.js";
import { clientVenv } from "./helpers/client-venvs.js";
import { startCloudFrontFront, type CloudFrontFront } from "./helpers/cloudfront-front.js";
import { forgeBundle, REAL_SHA256, realBundleJson, statementAbout } from "./helpers/forged-bundle.js";
import { GitHubEmulator, type EmulatedRepo } from "./helpers/github-emulator.js";
import { MotoServer } from "./helpers/moto-server.js";
import { repoRoot, attestationsDir, tempDir } from "./helpers/paths.js";
import { makeWheel, type BuiltDist } from "./helpers/python-dists.js";
import { run } from "./helpers/python.js";
import { buildTo, folderObjects } from "./helpers/site.js";
import { startStaticHost, type StaticHost } from "./helpers/static-host.js";

const VERIFY = join(repoRoot, "test/provenance/verify_provenance.py");
const EXPECTED_ATTESTATION = join(attestationsDir, "pypi_attestations-0.0.19.tar.gz.slsa.attestation");
const BOT = `ghs_${"p1".repeat(18)}`;
const ALICE = `ghp_${"p2".repeat(18)}`;
const BOB = `ghp_${"p3".repeat(18)}`;
const BUCKET = "attested-index";
const REGION = "us-east-1";
const SDIST = "pypi_attestations-0.0.19.tar.gz";
const OWNER = "trailofbits";
const REPOSITORY = `${OWNER}/pypi-attestations`;

type Json = Record<string, unknown>;
/** A wheel made for the test, with its sha256 (the digest GitHub lists it by). */
type Dist = BuiltDist & { sha256: string };
const sha256Of = (d: Dist): string => d.sha256;
const digestKey = (hex: string): string => `sha256:${hex}`;

let emu: GitHubEmulator;
let sdistPath: string;
let site: string;
let cacheDir: string;
let cold: Awaited<ReturnType<typeof buildTo>>;
let serve: RunningServer;
let gated: RunningServer;
let staticHost: StaticHost;
let front: CloudFrontFront;
let moto: MotoServer;
/** The wheels that come with a reason to leave their attestations out, by repository. */
const hostile: Record<string, Dist> = {};

function githubOptions(extra: Partial<GitHubSourceOptions> = {}): GitHubSourceOptions {
  return {
    apiUrl: emu.apiUrl,
    token: BOT,
    org: OWNER,
    repositories: [],
    topics: [],
    includePrivate: true,
    includeArchived: false,
    tags: false,
    files: "mirror",
    cacheDir,
    maxRateLimitWaitSeconds: 5,
    retryBaseMs: 1,
    ...extra,
  };
}

const attestationCalls = (): string[] =>
  emu.requests
    .filter((r) => (r.server === "api" && r.url.includes("/attestations/")) || (r.server === "download" && r.url.startsWith("/attestation-bundles/")))
    .map((r) => `${r.status} ${decodeURIComponent(r.url.split("?")[0] ?? "")}`);

function warningsAbout(warnings: Warning[], code: string): string[] {
  return warnings.filter((w) => w.code === code).map((w) => w.message);
}

before(async () => {
  sdistPath = await attestedDist();
  const sdist = readFileSync(sdistPath);
  emu = await GitHubEmulator.start({ token: BOT });
  const wheel = (name: string): Dist => {
    const built = makeWheel({ name, version: "1.0.0" });
    return (hostile[name] = { ...built, sha256: createHash("sha256").update(built.bytes).digest("hex") });
  };
  const release = (d: Dist) => [{ tag: "v1.0.0", assets: [{ name: d.filename, bytes: d.bytes }] }];

  // The real record's bundle, broken one way at a time.
  const unlogged = realBundleJson();
  (unlogged.verificationMaterial as Json).tlogEntries = [];
  const privateInstance = realBundleJson();
  (privateInstance.verificationMaterial as Json).tlogEntries = [];
  (privateInstance.verificationMaterial as Json).timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp: Buffer.from("a timestamp").toString("base64") }] };
  const tampered = realBundleJson();
  const envelope = tampered.dsseEnvelope as Json;
  const statement = JSON.parse(Buffer.from(envelope.payload as string, "base64").toString("utf8")) as Json;
  statement.predicate = { buildDefinition: { buildType: "https://evil.example/built-it-elsewhere" } };
  envelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");

  const forged = wheel("forged-tool");
  const multi = wheel("multi-tool");
  const other = wheel("other-tool");
  const repos: EmulatedRepo[] = [
    {
      name: "pypi-attestations",
      // Private, so that the gate guards the provenance as it guards the file.
      private: true,
      releases: [{ tag: "v0.0.19", assets: [{ name: SDIST, bytes: sdist }] }],
      attestations: { [digestKey(REAL_SHA256)]: [{ bundle: realBundleJson() }] },
    },
    { name: "pypi", private: true },
    // GitHub's real bundle for other bytes.
    { name: "mismatch", releases: release(wheel("mismatch-tool")), attestations: { [digestKey(sha256Of(hostile["mismatch-tool"] as Dist))]: [{ bundle: realBundleJson() }] } },
    { name: "unlogged", releases: release(wheel("unlogged-tool")), attestations: { [digestKey(sha256Of(hostile["unlogged-tool"] as Dist))]: [{ bundle: unlogged }] } },
    { name: "tampered", releases: release(wheel("tampered-tool")), attestations: { [digestKey(sha256Of(hostile["tampered-tool"] as Dist))]: [{ bundle: tampered }] } },
    // Self-consistent, claiming the real publisher, chained to no Sigstore root.
    {
      name: "forged",
      releases: release(forged),
      attestations: {
        [digestKey(forged.sha256)]: [
          { bundle: await forgeBundle({ repository: `${OWNER}/forged`, workflow: ".github/workflows/release.yml" }, statementAbout([{ name: forged.filename, sha256: forged.sha256 }])) },
        ],
      },
    },
    // One statement for two files, as `subject-path: dist/*` writes it.
    {
      name: "multi",
      releases: release(multi),
      attestations: {
        [digestKey(multi.sha256)]: [
          {
            bundle: await forgeBundle(
              { repository: `${OWNER}/multi`, workflow: ".github/workflows/release.yml" },
              statementAbout([
                { name: multi.filename, sha256: multi.sha256 },
                { name: "multi_tool-1.0.0.tar.gz", sha256: "e".repeat(64) },
              ]),
            ),
          },
        ],
      },
    },
    { name: "malformed", releases: release(wheel("malformed-tool")), attestations: { [digestKey(sha256Of(hostile["malformed-tool"] as Dist))]: { raw: JSON.stringify({ attestations: "nope" }) } } },
    { name: "failing", releases: release(wheel("failing-tool")) },
    { name: "private-one", private: true, releases: release(wheel("private-one")), attestations: { [digestKey(sha256Of(hostile["private-one"] as Dist))]: [{ bundle: privateInstance }] } },
    { name: "private-two", private: true, releases: release(wheel("private-two")), attestations: { [digestKey(sha256Of(hostile["private-two"] as Dist))]: [{ bundle: privateInstance }] } },
    // No attestation at all.
    { name: "other", releases: release(other) },
  ];
  emu.setOrg(OWNER, repos);
  emu.addFault({ path: new RegExp(`^/repos/${OWNER}/failing/attestations/`), fault: { kind: "status", status: 502 } });
  emu.setPeople([
    { login: "alice", tokens: [ALICE], repositories: [`${OWNER}/pypi`, REPOSITORY] },
    { login: "bob", tokens: [BOB], repositories: [`${OWNER}/pypi`] },
  ]);

  cacheDir = tempDir("provenance-cache");
  site = join(tempDir("provenance-site"), "site");
  emu.clearRequests();
  cold = await buildTo(site, { github: githubOptions(), private: true });

  serve = await startServer({ root: site, port: 0 });
  staticHost = await startStaticHost(site);
  const file = await readAccessFile(defaultAccessMapPath(site));
  assert.ok(file?.lists);
  const gate = createAccessGate({ gateRepository: `${OWNER}/pypi`, map: file.map, github: createGitHubAccess({ apiUrl: emu.apiUrl }) });
  gated = await startServer({ root: site, port: 0, access: { gate, realm: `${OWNER}/pypi`, lists: file.lists } });
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: REGION });
  moto = await MotoServer.start();
  const { s3 } = await moto.createSite(BUCKET, REGION, "provenance-test");
  await bucketSyncProvider.create({ bucket: BUCKET, region: REGION, endpoint: moto.motoEndpoint, siteDir: site, objects: bucketManifest(await folderObjects(site, 300)) });
  front = await startCloudFrontFront({ viewerRequest: viewerRequestFunctionCode({ indexMaxAgeSeconds: 300 }), bucket: BUCKET, s3 });
});

after(async () => {
  staticHost?.close();
  await Promise.all([serve?.close(), gated?.close(), front?.close(), emu?.close()]);
  await moto?.stop();
});

/** The consumer's check (pypi-attestations, offline) of one file on one host. */
async function verifyOn(indexUrl: string, args: string[], credentials?: { user: string; password: string }): Promise<Json> {
  const venv = await clientVenv("pypi-attestations");
  const auth = credentials ? ["--user", credentials.user, "--password", credentials.password] : [];
  const result = await run(venv.python, [VERIFY, "index", "--index", indexUrl, ...auth, ...args]);
  assert.equal(result.code, 0, `${indexUrl}: ${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout) as Json;
}

describe("the real attestation, on every host", () => {
  /** Each host, its simple root, the credentials it needs, and the type it serves a `.provenance` with (a static host: by extension, which it does not know). */
  const hosts = (): [string, string, { user: string; password: string } | undefined, string[]][] => [
    ["serve", `${serve.url}/simple/`, undefined, ["--provenance-type", PROVENANCE_JSON]],
    ["a static host (Pages)", `${staticHost.url}/simple/`, undefined, ["--provenance-type", "application/octet-stream", "--static"]],
    ["the CDN", `${front.url}/simple/`, undefined, ["--provenance-type", PROVENANCE_JSON]],
    ["the GitHub gate", `${gated.url}/simple/`, { user: "alice", password: ALICE }, ["--provenance-type", PROVENANCE_JSON]],
  ];

  test("a consumer finds it from the HTML and JSON pages and verifies it offline against the real sdist, as built by its release workflow", async () => {
    for (const [name, url, credentials, hostArgs] of hosts()) {
      const args = ["--project", "pypi-attestations", "--filename", SDIST, "--dist", sdistPath, "--repository", REPOSITORY, "--workflow", "release.yml", ...hostArgs];
      const out = await verifyOn(url, args, credentials);
      assert.ok(Number(out.verified) >= 1, `${name}: ${JSON.stringify(out)}`);
    }
  });

  test("what the index serves is GitHub's attestation converted field for field into the shared PEP 740 object", async () => {
    const provenance = join(tempDir("provenance-served"), `${SDIST}.provenance`);
    const body = await (await fetch(`${serve.url}/files/pypi-attestations/${SDIST}.provenance`)).arrayBuffer();
    writeFileSync(provenance, Buffer.from(body));
    const venv = await clientVenv("pypi-attestations");
    const result = await run(venv.python, [VERIFY, "compare", "--provenance", provenance, "--expected", EXPECTED_ATTESTATION]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  });

  test("a file without provenance carries neither key on any host", async () => {
    for (const [name, url, credentials, hostArgs] of hosts()) {
      // other-tool's repository is public, so alice may read it behind the gate too.
      const other = hostile["other-tool"] as Dist;
      const out = await verifyOn(url, ["--project", "other-tool", "--filename", other.filename, "--expect-none", ...hostArgs], credentials);
      assert.equal(out.verified, 0, name);
    }
  });

  test("the gate guards the provenance exactly as the file: 401 without a token, 404 for someone who may not read the repository", async () => {
    const path = `/files/pypi-attestations/${SDIST}`;
    for (const suffix of ["", ".provenance"]) {
      const anonymous = await fetch(`${gated.url}${path}${suffix}`);
      assert.equal(anonymous.status, 401, `${suffix || "file"} without a token`);
      const bob = await fetch(`${gated.url}${path}${suffix}`, { headers: { authorization: `Basic ${Buffer.from(`bob:${BOB}`).toString("base64")}` } });
      assert.equal(bob.status, 404, `${suffix || "file"} for bob`);
      const alice = await fetch(`${gated.url}${path}${suffix}`, { headers: { authorization: `Basic ${Buffer.from(`alice:${ALICE}`).toString("base64")}` } });
      assert.equal(alice.status, 200, `${suffix || "file"} for alice`);
      assert.match(alice.headers.get("cache-control") ?? "", /immutable/);
    }
  });
});

describe("attestations left out, each with its named warning; the file is indexed all the same", () => {
  test("one warning per reason, naming the file, and no provenance for any of them", () => {
    const expected: [string, string, RegExp][] = [
      ["attestation-mismatch", "mismatch-tool", /is about pypi_attestations-0\.0\.19\.tar\.gz/],
      ["attestation-unlogged", "unlogged-tool", /no transparency log entry/],
      ["attestation-malformed", "tampered-tool", /signature does not verify/],
      ["attestation-unverified", "forged-tool", /Sigstore's public-good roots/],
      ["attestation-unsupported", "multi-tool", /one statement for 2 files/],
      ["attestations-unavailable", "malformed-tool", /not GitHub's list of attestations/],
      ["attestations-unavailable", "failing-tool", /HTTP 502/],
    ];
    for (const [code, project, reason] of expected) {
      const filename = (hostile[project] as Dist).filename;
      const about = warningsAbout(cold.warnings, code).filter((m) => m.includes(filename));
      assert.equal(about.length, 1, `${code} for ${project}: ${JSON.stringify(cold.warnings)}`);
      assert.match(about[0] as string, reason);
      const page = cold.index.projects.find((p) => p.name === project);
      assert.ok(page, `${project} is indexed`);
      assert.ok(
        page.files.every((f) => f.provenance === undefined),
        `${project} has no provenance`,
      );
    }
  });

  test("GitHub's private Sigstore instance is said once per build, however many files", () => {
    assert.equal(warningsAbout(cold.warnings, "attestations-private-sigstore").length, 1);
    for (const project of ["private-one", "private-two"]) assert.ok(cold.index.projects.find((p) => p.name === project)?.files.every((f) => f.provenance === undefined));
  });

  test("the bundles came from blob storage without the token, and each attested file was asked once", () => {
    const blobs = emu.requests.filter((r) => r.server === "download" && r.url.startsWith("/attestation-bundles/"));
    assert.ok(blobs.length >= 1);
    assert.ok(blobs.every((r) => r.headers.authorization === undefined));
  });
});

describe("what a warm run costs", () => {
  test("nothing cached is asked again; what failed is asked again, then nothing", async () => {
    const firstProvenance = readFileSync(join(site, "files/pypi-attestations", `${SDIST}.provenance`));
    // GitHub heals, and adds an attestation for the sdist: the published provenance does not change.
    emu.clearFaults();
    const malformedRepo = emu.repo(OWNER, "malformed");
    const malformed = hostile["malformed-tool"] as Dist;
    if (malformedRepo?.attestations) delete malformedRepo.attestations[digestKey(malformed.sha256)];
    const realRepo = emu.repo(OWNER, "pypi-attestations");
    const held = realRepo?.attestations?.[digestKey(REAL_SHA256)];
    assert.ok(Array.isArray(held));
    held.push({ bundle: realBundleJson() });

    emu.clearRequests();
    const healed = await buildTo(site, { github: githubOptions(), private: true });
    assert.deepEqual(attestationCalls().sort(), [
      `404 /repos/${OWNER}/failing/attestations/${digestKey((hostile["failing-tool"] as Dist).sha256)}`,
      `404 /repos/${OWNER}/malformed/attestations/${digestKey(malformed.sha256)}`,
    ]);
    assert.deepEqual(warningsAbout(healed.warnings, "attestations-unavailable"), []);
    assert.deepEqual(readFileSync(join(site, "files/pypi-attestations", `${SDIST}.provenance`)), firstProvenance);

    emu.clearRequests();
    const warm = await buildTo(site, { github: githubOptions(), private: true });
    assert.deepEqual(attestationCalls(), []);
    assert.equal(warm.github?.api.answeredOtherThan304, 0);
    assert.equal(warm.github?.attestations.listings, 0);
    assert.equal(warm.github?.attestations.bundles, 0);
    assert.ok((warm.github?.attestations.attested ?? 0) >= 1);
    // Warm runs report what cold ones did.
    assert.deepEqual(warningsAbout(warm.warnings, "attestation-mismatch"), warningsAbout(cold.warnings, "attestation-mismatch"));
  });

  test("a file with no attestation uploaded in the last day is asked again; an older one is not", async () => {
    const young = makeWheel({ name: "young-tool", version: "1.0.0" });
    const repo = emu.repo(OWNER, "other");
    assert.ok(repo);
    repo.releases = [{ tag: "v1.1.0", assets: [{ name: young.filename, bytes: young.bytes, createdAt: new Date(Date.now() - 3600_000).toISOString() }] }, ...(repo.releases ?? [])];
    await buildTo(site, { github: githubOptions(), private: true });
    emu.clearRequests();
    await buildTo(site, { github: githubOptions(), private: true });
    assert.deepEqual(attestationCalls(), [`404 /repos/${OWNER}/other/attestations/${digestKey(createHash("sha256").update(young.bytes).digest("hex"))}`]);
  });
});

describe("linked files", () => {
  test("a linked file's provenance is served by the site, at the place a mirrored one would be", async () => {
    const linked = await buildTo(join(tempDir("provenance-linked"), "site"), { github: githubOptions({ files: "link", cacheDir: tempDir("provenance-link-cache") }), private: true });
    const project = linked.index.projects.find((p) => p.name === "pypi-attestations");
    const file = project?.files.find((f) => f.filename === SDIST);
    assert.equal(file?.location.kind, "url");
    assert.ok(linked.site.has(`files/pypi-attestations/${SDIST}.provenance`));
  });
});
