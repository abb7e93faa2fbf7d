/**
 * The private index's edge function as it is deployed: the bundle `pulumi up` uploads (config
 * baked in) is written to disk and loaded the way Lambda loads it, a small HTTP front plays
 * CloudFront (viewer-request event in, request or response out, then the origin), the gate asks
 * the GitHub emulator, and real pip installs through it.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { AccessMap } from "../generator/serving/access/access-map.js";
import type { EdgeRequest } from "../generator/serving/access/lambda-edge-handler.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { LAMBDA_EDGE_MAX_BYTES, lambdaEdgeBundle } from "../infra/cdn/lambda-edge-bundle.js";
import type { GitHubEmulator } from "./helpers/github-emulator.js";
import { loadLambdaBundle, type Handler } from "./helpers/lambda-bundle.js";
import { tempDir } from "./helpers/paths.js";
import { startPrivateOrg } from "./helpers/private-org.js";
import { createVenv, installed } from "./helpers/python.js";
import { makeWheel } from "./helpers/python-dists.js";
import { startUpstreamIndex, writeUpstreamFolder } from "./helpers/upstream-index.js";

const ALICE = "ghp_alice_edge_000000000000000000000000";
const BOB = "ghp_bob_edge_00000000000000000000000000";

let emu: GitHubEmulator;
let origin: RunningServer;
let front: http.Server;
let frontUrl = "";
let bundleBytes = 0;
let siteMap: AccessMap;
let siteRoot = "";
/** What reached the origin: the URI and whether any Authorization header came along. */
const originLog: string[] = [];
/** The function's own log lines (CloudWatch in production). */
const edgeLog: string[] = [];

/** CloudFront's side: the viewer-request event, the function's verdict, then the origin for a request. */
function cloudFront(handler: Handler): http.RequestListener {
  return (req, res) => {
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const headers: EdgeRequest["headers"] = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const key = req.rawHeaders[i] as string;
      (headers[key.toLowerCase()] ??= []).push({ key, value: req.rawHeaders[i + 1] as string });
    }
    const request: EdgeRequest = { clientIp: "127.0.0.1", method: req.method ?? "GET", uri: q < 0 ? raw : raw.slice(0, q), querystring: q < 0 ? "" : raw.slice(q + 1), headers };
    handler({ Records: [{ cf: { request } }] }).then(
      async (result) => {
        if ("status" in result) {
          const out: Record<string, string> = {};
          for (const [name, values] of Object.entries(result.headers)) out[name] = values.map((v) => v.value).join(", ");
          res.writeHead(Number(result.status), out);
          res.end(result.body);
          return;
        }
        originLog.push(`${result.uri} authorization=${"authorization" in result.headers}`);
        const answer = await fetch(`${origin.url}${result.uri}`);
        const body = Buffer.from(await answer.arrayBuffer());
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "", "cache-control": answer.headers.get("cache-control") ?? "" });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (e: Error) => {
        res.writeHead(502);
        res.end(String(e));
      },
    );
  };
}

before(async () => {
  const org = await startPrivateOrg({
    privateRepos: ["core", "app"],
    people: [
      { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
    ],
    label: "edge-auth",
  });
  emu = org.emu;
  const { siteDir, map } = org;
  siteMap = map;
  siteRoot = siteDir;
  const code = lambdaEdgeBundle({ gateRepository: "acme/pypi", apiUrl: emu.apiUrl, map, indexMaxAgeSeconds: 300, positiveTtlSeconds: 300, negativeTtlSeconds: 30, timeoutMs: 2000 });
  bundleBytes = Buffer.byteLength(code);
  // Loaded as Lambda loads index.js: a CommonJS module on its own, no access to this project's node_modules.
  const consoleLog = console.log;
  const handler = loadLambdaBundle(code);
  const logged: Handler = async (event) => {
    console.log = (line: string) => edgeLog.push(line);
    try {
      return await handler(event);
    } finally {
      console.log = consoleLog;
    }
  };
  origin = await startServer({ root: siteDir, port: 0 });
  front = http.createServer(cloudFront(logged));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

after(async () => {
  front?.closeAllConnections();
  await new Promise((resolve) => front?.close(resolve));
  await origin?.close();
  await emu?.close();
});

test("the bundle stands alone and fits Lambda@Edge's viewer-request limit", () => {
  assert.ok(bundleBytes > 0 && bundleBytes < LAMBDA_EDGE_MAX_BYTES, String(bundleBytes));
});

test("pip installs a private project and its dependency through the edge function with a token in the URL", async () => {
  emu.clearRequests();
  const venv = await createVenv(join(tempDir("edge-auth-venv"), "alice"));
  const index = `${frontUrl.replace("://", `://token:${ALICE}@`)}/simple/`;
  const r = await venv.pip(["install", "--index-url", index, "acme-app"]);
  assert.equal(r.code, 0, r.stdout + r.stderr + edgeLog.join("\n"));
  const pkgs = await installed(venv);
  assert.equal(pkgs.get("acme-app"), "0.1.0");
  assert.equal(pkgs.get("acme-core"), "1.1.0");
  // The function chose the JSON page by negotiation and passed the file on; the token never reached the origin.
  assert.ok(originLog.includes("/simple/acme-app/index.json authorization=false"), originLog.join("\n"));
  assert.ok(
    originLog.every((l) => l.endsWith("authorization=false")),
    originLog.join("\n"),
  );
  const calls = emu.requests
    .filter((x) => x.server === "api")
    .map((x) => `${x.method} ${x.url}`)
    .sort();
  assert.deepEqual(calls, ["GET /repos/acme/app", "GET /repos/acme/core", "GET /user"]);
  assert.ok(
    edgeLog.some((l) => {
      const line = JSON.parse(l) as { who?: unknown; status?: unknown };
      return line.who === "alice" && line.status === 200;
    }),
    edgeLog.join("\n"),
  );
  assert.ok(!edgeLog.join("\n").includes(ALICE), "the function never logs a token");
});

test("bob may read the gate only: acme-app is not found for him, a local project installs", async () => {
  const venv = await createVenv(join(tempDir("edge-auth-venv"), "bob"));
  const index = `${frontUrl.replace("://", `://token:${BOB}@`)}/simple/`;
  const denied = await venv.pip(["install", "--index-url", index, "acme-app"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /No matching distribution found for acme-app/);
  const ok = await venv.pip(["install", "--index-url", index, "demo-core==1.2.0"]);
  assert.equal(ok.code, 0, ok.stderr);
});

test("a file's PEP 740 provenance is guarded at the edge exactly as the file: 401 without a token, 404 for bob, 200 for alice", async () => {
  const wheel = readdirSync(join(siteRoot, "files/acme-core")).find((f) => f.endsWith(".whl"));
  assert.ok(wheel, "the site holds acme-core's wheel");
  const provenance = `/files/acme-core/${wheel}.provenance`;
  writeFileSync(join(siteRoot, provenance), `${JSON.stringify({ version: 1, attestation_bundles: [] })}\n`);
  const as = (token?: string): Promise<Response> => fetch(`${frontUrl}${provenance}`, token ? { headers: { authorization: `Basic ${Buffer.from(`token:${token}`).toString("base64")}` } } : {});
  for (const path of [`/files/acme-core/${wheel}`, provenance]) {
    const who = path === provenance ? "provenance" : "file";
    const url = `${frontUrl}${path}`;
    assert.equal((await fetch(url)).status, 401, `${who} without a token`);
    assert.equal((await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`token:${BOB}`).toString("base64")}` } })).status, 404, `${who} for bob`);
    assert.equal((await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`token:${ALICE}`).toString("base64")}` } })).status, 200, `${who} for alice`);
  }
  const alice = await as(ALICE);
  assert.equal(alice.headers.get("content-type"), "application/vnd.pypi.integrity.v1+json");
  assert.match(alice.headers.get("cache-control") ?? "", /immutable/);
});

test("no credentials: 401 with the challenge; redirects and bad paths answered at the edge", async () => {
  const res = await fetch(`${frontUrl}/simple/acme-core/`);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), 'Basic realm="acme/pypi", charset="UTF-8"');
  const moved = await fetch(`${frontUrl}/simple/Acme_Core/`, { redirect: "manual" });
  assert.equal(moved.status, 301);
  assert.equal(moved.headers.get("location"), "/simple/acme-core/");
  assert.equal((await fetch(`${frontUrl}/.github-pypi/access.json`)).status, 404);
});

test("GitHub down: 503 with Retry-After, fail closed", async () => {
  emu.addFault({ path: /^\/(user|user\/repos|repos\/.*)$/, fault: { kind: "status", status: 503 } });
  try {
    const res = await fetch(`${frontUrl}/simple/`, { headers: { authorization: `Bearer ghp_new_person_token${"0".repeat(20)}` } });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "10");
  } finally {
    emu.clearFaults();
  }
});

test("one URL through the edge function: public names redirect upstream without credentials; a project bob may not read is 404, never the upstream's squatter", async () => {
  const up = await startUpstreamIndex(
    writeUpstreamFolder({
      "public-dep": [makeWheel({ name: "public-dep", version: "1.0.0" })],
      "acme-app": [makeWheel({ name: "acme-app", version: "99.0.0" })],
    }),
  );
  const code = lambdaEdgeBundle({
    gateRepository: "acme/pypi",
    apiUrl: emu.apiUrl,
    indexMaxAgeSeconds: 300,
    positiveTtlSeconds: 300,
    negativeTtlSeconds: 30,
    timeoutMs: 2000,
    map: siteMap,
    upstream: { url: up.url, claimed: [] },
  });
  const upFront = http.createServer(cloudFront(loadLambdaBundle(code)));
  await new Promise<void>((resolve) => upFront.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(upFront.address() as AddressInfo).port}`;
  try {
    const alice = await createVenv(join(tempDir("edge-up-venv"), "alice"));
    const asAlice = `${url.replace("://", `://token:${ALICE}@`)}/simple/`;
    const r = await alice.pip(["install", "--index-url", asAlice, "acme-app", "public-dep"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const pkgs = await installed(alice);
    assert.equal(pkgs.get("acme-app"), "0.1.0", "ours, not the squatter's 99.0.0");
    assert.equal(pkgs.get("public-dep"), "1.0.0");
    await up.settle();
    assert.ok(
      up.requests.some((q) => q.path === "/simple/public-dep/"),
      JSON.stringify(up.requests),
    );
    assert.deepEqual(
      up.requests.filter((q) => q.credentials || q.path.includes("acme")),
      [],
    );

    const bob = await createVenv(join(tempDir("edge-up-venv"), "bob"));
    const denied = await bob.pip(["download", "--no-deps", "--dest", tempDir("edge-up-dl"), "--index-url", `${url.replace("://", `://token:${BOB}@`)}/simple/`, "acme-app"]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /No matching distribution found for acme-app/);
    await up.settle();
    assert.deepEqual(
      up.requests.filter((q) => q.path.includes("acme")),
      [],
      "the hidden project never went upstream",
    );
    assert.equal((await fetch(`${url}/simple/public-dep/`, { redirect: "manual" })).status, 401, "anonymous: 401 on every name");
  } finally {
    up.close();
    upFront.closeAllConnections();
    await new Promise((resolve) => upFront.close(resolve));
  }
});
