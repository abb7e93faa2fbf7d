/**
 * PEP 752 namespaces (Simple API 1.5) on every host the index has: `serve`, the static files (the
 * Pages case), the CDN's functions over a real S3 protocol, and the GitHub gate. What the hosts
 * serve is read by test/namespaces/pep752_reader.py, written from the PEP and not from the
 * renderer; a namespaced name the index does not hold is 404 everywhere, and real pip and uv
 * never get the upstream's squatter for it.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultAccessMapPath, readAccessFile } from "../generator/serving/access/access-map-file.js";
import { createAccessGate } from "../generator/serving/access/gate.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { namespaceGrants, namespaceProblems } from "../generator/names/namespaces.js";
import type { EdgeResponse } from "../generator/serving/routing/lambda-edge-response.js";
import { route } from "../generator/serving/routing/router.js";
import type { OriginResponseEvent } from "../generator/serving/routing/upstream-origin-response.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { readUpstreamRecord } from "../generator/site/upstream-record.js";
import { bucketManifest } from "../infra/cdn/bucket-manifest.js";
import { bucketSyncProvider } from "../infra/cdn/bucket-sync-provider.js";
import { viewerRequestFunctionCode } from "../infra/cdn/edge-function.js";
import { upstreamEdgeBundle } from "../infra/cdn/lambda-edge-bundle.js";
import { clientVenv } from "./helpers/client-venvs.js";
import { startCloudFrontFront, type CloudFrontFront } from "./helpers/cloudfront-front.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { loadLambdaBundle } from "./helpers/lambda-bundle.js";
import { MotoServer } from "./helpers/moto-server.js";
import { repoRoot, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { run, venvAt } from "./helpers/python.js";
import { buildTo, folderObjects } from "./helpers/site.js";
import { startStaticHost, type StaticHost } from "./helpers/static-host.js";
import { startUpstreamIndex, writeUpstreamFolder, type UpstreamIndex } from "./helpers/upstream-index.js";

const READER = join(repoRoot, "test/namespaces/pep752_reader.py");
const ALICE = `ghp_${"n1".repeat(18)}`;
const BUCKET = "acme-namespaces";
const REGION = "us-east-1";
/** The projects the reader is asked about: two namespaced (a root's and a child's), one outside. */
const PROJECTS = ["acme-app", "acme-internal-tool", "demo-core"];
const EXPECTED = {
  "acme-app": [{ name: "acme", owned: true }],
  "acme-internal-tool": [
    { name: "acme", owned: true },
    { name: "acme-internal", owned: true },
  ],
  "demo-core": null,
};

let site: string;
let upstream: UpstreamIndex;
let serve: RunningServer;
let gated: RunningServer;
let staticHost: StaticHost;
let front: CloudFrontFront;
let moto: MotoServer;
let emu: GitHubEmulator;

before(async () => {
  upstream = await startUpstreamIndex(
    writeUpstreamFolder({
      // Squatters on names in our namespaces that we do not hold, and a higher version of one we do.
      "acme-internal-ghost": [makeWheel({ name: "acme-internal-ghost", version: "9.0.0" })],
      acme: [makeWheel({ name: "acme", version: "9.0.0" })],
      "acme-app": [makeWheel({ name: "acme-app", version: "99.0.0" })],
      "public-dep": [makeWheel({ name: "public-dep", version: "1.0.0" })],
    }),
    { host: "127.0.0.2" },
  );
  const dists = tempDir("ns-dists");
  for (const d of [
    makeWheel({ name: "acme-app", version: "1.0.0", requiresDist: ["public-dep"] }),
    makeWheel({ name: "acme-internal-tool", version: "1.0.0" }),
    makeWheel({ name: "demo-core", version: "1.0.0" }),
  ]) {
    writeFileSync(join(dists, d.filename), d.bytes);
  }
  site = join(tempDir("ns-site"), "site");
  const built = await buildTo(site, { from: [dists], config: { upstream: { url: upstream.url, claimed: [] }, namespaces: ["Acme", "acme.internal"] } });
  assert.deepEqual(built.warnings, []);
  const recorded = await readUpstreamRecord(site);
  assert.ok(recorded);
  serve = await startServer({ root: site, port: 0, upstream: recorded });
  staticHost = await startStaticHost(site);

  emu = await GitHubEmulator.start({ token: `ghs_${"n2".repeat(18)}` });
  emu.setOrg("acme", [{ name: "pypi", private: true }]);
  emu.setPeople([{ login: "alice", tokens: [ALICE], repositories: ["acme/pypi"] }]);
  const file = await readAccessFile(defaultAccessMapPath(site));
  assert.ok(file?.lists);
  const gate = createAccessGate({ gateRepository: "acme/pypi", map: file.map, github: createGitHubAccess({ apiUrl: emu.apiUrl }) });
  gated = await startServer({ root: site, port: 0, upstream: recorded, access: { gate, realm: "acme/pypi", lists: file.lists } });

  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: REGION });
  moto = await MotoServer.start();
  const { s3 } = await moto.createSite(BUCKET, REGION, "namespaces-test");
  await bucketSyncProvider.create({ bucket: BUCKET, region: REGION, endpoint: moto.motoEndpoint, siteDir: site, objects: bucketManifest(await folderObjects(site, 300)) });
  const originResponse = loadLambdaBundle<(event: OriginResponseEvent) => Promise<EdgeResponse>>(
    upstreamEdgeBundle({ upstream: recorded, indexMaxAgeSeconds: 300, held: built.index.projects.map((p) => p.name) }),
  );
  front = await startCloudFrontFront({ viewerRequest: viewerRequestFunctionCode({ indexMaxAgeSeconds: 300 }), bucket: BUCKET, s3, originResponse });
});

after(async () => {
  upstream?.close();
  staticHost?.close();
  await Promise.all([serve?.close(), gated?.close(), front?.close(), emu?.close()]);
  await moto?.stop();
});

describe("the setting", () => {
  test("names are normalised and validated: a valid project name, one spelling each, two deep at most", () => {
    assert.deepEqual(namespaceProblems(["acme", "acme-internal"]), []);
    assert.match(namespaceProblems(["acme", "-acme"])[0] ?? "", /"-acme" is not a valid project name/);
    assert.match(namespaceProblems(["Acme.Internal", "acme_internal"])[0] ?? "", /"acme_internal" and "Acme\.Internal" are the same namespace \(acme-internal\)/);
    assert.match(
      namespaceProblems(["acme", "acme-internal", "acme-internal-tools"])[0] ?? "",
      /"acme-internal-tools" would be a grant inside acme inside acme-internal: namespaces nest 2 deep at most/,
    );
    // A prefix that is not followed by a hyphen is no parent: `acmecorp` is a root of its own.
    assert.deepEqual(namespaceGrants(["acme", "acmecorp", "Acme_Internal"]), [
      { name: "acme", displayName: "acme", parent: null, children: ["acme-internal"] },
      { name: "acme-internal", displayName: "Acme_Internal", parent: "acme", children: [] },
      { name: "acmecorp", displayName: "acmecorp", parent: null, children: [] },
    ]);
  });

  test("a settings file with a bad namespace is an error naming it", () => {
    assert.throws(() => validateIndexConfig({ namespaces: ["acme", "ACME"] }, "index.yaml"), /index\.yaml.*namespaces.*"ACME" and "acme" are the same namespace/s);
  });

  test("a project named `namespaces` cannot be published beside the namespace list (its folder and the list's file would collide)", async () => {
    const dists = tempDir("ns-clash");
    const wheel = makeWheel({ name: "namespaces", version: "1.0.0" });
    writeFileSync(join(dists, wheel.filename), wheel.bytes);
    await assert.rejects(
      buildTo(join(tempDir("ns-clash-site"), "site"), { from: [dists], config: { namespaces: ["acme"] } }),
      /a project named `namespaces` cannot be published beside PEP 752's \/simple\/namespaces page/,
    );
    // Without namespaces there is no list to collide with.
    await buildTo(join(tempDir("ns-clash-ok"), "site"), { from: [dists] });
  });
});

describe("routing", () => {
  const get = (path: string) => route({ method: "GET", path, query: "", accept: "application/vnd.pypi.simple.v1+json" });
  test("/simple/namespaces and /simple/namespace/<name> are the PEP's JSON; with a trailing slash they are project pages", () => {
    assert.deepEqual(get("/simple/namespaces"), { kind: "file", path: "simple/namespaces", contentType: "application/vnd.pypi.simple.v1+json", cacheControl: "public, max-age=300" });
    assert.deepEqual(get("/simple/namespace/acme-internal"), {
      kind: "file",
      path: "simple/namespace/acme-internal",
      contentType: "application/vnd.pypi.simple.v1+json",
      cacheControl: "public, max-age=300",
    });
    assert.deepEqual(get("/simple/namespace/Acme.Internal"), { kind: "redirect", status: 301, location: "/simple/namespace/acme-internal" });
    assert.equal((get("/simple/namespaces/") as { path?: string }).path, "simple/namespaces/index.json");
    assert.equal((get("/simple/namespace/") as { path?: string }).path, "simple/namespace/index.json");
    assert.equal(get("/simple/namespace/-bad").kind, "error");
  });
});

/** Runs the reader; returns what it read, or fails with its violation. */
async function read(root: string, extra: string[] = []): Promise<{ namespaces: Record<string, unknown>; projects: Record<string, unknown> }> {
  const r = await run("python3", [READER, root, ...extra, ...PROJECTS]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as { namespaces: Record<string, unknown>; projects: Record<string, unknown> };
}

const NAMESPACES = {
  acme: { name: "acme", parent: null, children: ["acme-internal"] },
  "acme-internal": { name: "acme-internal", parent: "acme", children: [] },
};

describe("the PEP's JSON, read by an independent reader, on every host", () => {
  test("serve", async () => {
    const got = await read(`${serve.url}/simple/`);
    assert.deepEqual(got, { namespaces: NAMESPACES, projects: EXPECTED });
  });

  test("the static files, as GitHub Pages serves them (project pages' JSON at index.json; the namespace pages extensionless)", async () => {
    const got = await read(`${staticHost.url}/simple/`, ["--static"]);
    assert.deepEqual(got, { namespaces: NAMESPACES, projects: EXPECTED });
  });

  test("the CDN: the viewer-request function and the upstream origin-response function over the bucket", async () => {
    const got = await read(`${front.url}/simple/`);
    assert.deepEqual(got, { namespaces: NAMESPACES, projects: EXPECTED });
    assert.ok(
      front.log.some((l) => /GET \/simple\/namespaces -> \/simple\/namespaces 200/.test(l)),
      front.log.join("\n"),
    );
  });

  test("behind the GitHub gate, each person's own landing page says which namespace a project is in, as the site's does", async () => {
    const page = await (await fetch(`${gated.url}/`, { headers: { authorization: `Basic ${Buffer.from(`token:${ALICE}`).toString("base64")}` } })).text();
    assert.match(page, /acme-app[\s\S]*in namespace Acme</);
    assert.match(page, /acme-internal-tool[\s\S]*in namespace acme\.internal</);
  });

  test("behind the GitHub gate (a person's token); without one, 401", async () => {
    const got = await read(`${gated.url}/simple/`, ["--token", ALICE]);
    assert.deepEqual(got, { namespaces: NAMESPACES, projects: EXPECTED });
    assert.equal((await fetch(`${gated.url}/simple/namespaces`)).status, 401);
  });
});

describe("a namespaced name the index does not hold: 404, never the upstream's squatter", () => {
  for (const host of ["serve", "cdn", "gate"] as const) {
    test(`on ${host}`, async () => {
      const base = host === "serve" ? serve.url : host === "cdn" ? front.url : gated.url;
      const headers: Record<string, string> = host === "gate" ? { authorization: `Basic ${Buffer.from(`token:${ALICE}`).toString("base64")}` } : {};
      await upstream.settle();
      const before = upstream.requests.length;
      for (const name of ["acme", "acme-internal-ghost"]) {
        const r = await fetch(`${base}/simple/${name}/`, { headers, redirect: "manual" });
        assert.equal(r.status, 404, `${name} on ${host}`);
      }
      // A name outside every namespace still goes to the upstream.
      const outside = await fetch(`${base}/simple/public-dep/`, { headers, redirect: "manual" });
      assert.equal(outside.status, 302);
      await upstream.settle();
      assert.deepEqual(upstream.requests.slice(before), []);
    });
  }

  test("real pip and uv through the one URL: ours and the public dependency; the namespaced squatters are not found", async () => {
    const pip = venvAt((await clientVenv("pip-26.2.1")).dir);
    const dir = tempDir("ns-pip");
    const got = await pip.pip(["download", "--no-cache-dir", "-d", join(dir, "ok"), "--index-url", `${serve.url}/simple/`, "acme-app"]);
    assert.equal(got.code, 0, got.stdout + got.stderr);
    const ghost = await pip.pip(["download", "--no-cache-dir", "-d", join(dir, "ghost"), "--index-url", `${serve.url}/simple/`, "acme-internal-ghost"]);
    assert.notEqual(ghost.code, 0);
    assert.match(ghost.stdout + ghost.stderr, /No matching distribution found for acme-internal-ghost/);
    assert.doesNotMatch(got.stdout + got.stderr + ghost.stdout + ghost.stderr, /api-version|repository-version/i);

    const uv = await clientVenv("uv");
    const work = tempDir("ns-uv");
    mkdirSync(join(work, "tmp"));
    const env = { UV_CACHE_DIR: join(work, "cache"), TMPDIR: join(work, "tmp"), UV_PYTHON_DOWNLOADS: "never" };
    const compiled = await run(uv.bin("uv"), ["pip", "compile", "--no-header", "--index-url", `${serve.url}/simple/`, "--python-version", "3.12", "-"], { cwd: work, env, input: "acme-app\nacme\n" });
    assert.notEqual(compiled.code, 0, "acme (a namespace's own name) is not ours and not the squatter's");
    assert.match(compiled.stdout + compiled.stderr, /acme was not found in the package registry/);
    const ok = await run(uv.bin("uv"), ["pip", "compile", "--no-header", "--index-url", `${serve.url}/simple/`, "--python-version", "3.12", "-"], { cwd: work, env, input: "acme-app\n" });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^acme-app==1\.0\.0$/m);
    assert.doesNotMatch(ok.stderr, /api-version/i);
  });
});
