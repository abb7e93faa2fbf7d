/**
 * The private gate against what cannot be trusted, over real HTTP through `serve`'s server with
 * the GitHub emulator behind it: answers that are not GitHub's, refusals that would name private
 * repositories, revoked tokens, forged log lines and links out of the site.
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { escapeLogText, startServer, type RunningServer } from "../generator/serving/server.js";
import type { GitHubEmulator } from "./helpers/github-emulator.js";
import { tempDir } from "./helpers/paths.js";
import { serveGated, startPrivateOrg } from "./helpers/private-org.js";

const ALICE = "ghp_alice0000000000000000000000000000000";
const BOB = "ghp_bob000000000000000000000000000000000";
const INVENTED = "ghp_nobody00000000000000000000000000000";

let emu: GitHubEmulator;
let siteDir: string;
let server: RunningServer;
let now = Date.UTC(2026, 0, 1);
const log: string[] = [];

const basic = (token: string): string => `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;
async function get(path: string, token?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: token ? { authorization: basic(token) } : {}, redirect: "manual" });
}

before(async () => {
  const org = await startPrivateOrg({
    privateRepos: ["core", "app", "secret"],
    people: [
      { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app"] },
      { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
    ],
    label: "hardening",
  });
  emu = org.emu;
  siteDir = org.siteDir;
  ({ server } = await serveGated(org, { now: () => now, log: (line) => log.push(line) }));
});

after(async () => {
  await server?.close();
  await emu?.close();
});

beforeEach(() => {
  emu.clearFaults();
  emu.clearRequests();
  log.length = 0;
  now += 3_600_000; // every test starts with nothing cached
});

describe("answers that are not GitHub's never grant", () => {
  const notGitHub: [string, { status: number; body: unknown; headers?: Record<string, string> }][] = [
    ["an SSO or captive proxy's HTML page", { status: 200, body: "<html><body>Sign in to continue</body></html>", headers: { "content-type": "text/html" } }],
    ["an empty JSON object", { status: 200, body: {} }],
    ["a repository without permissions", { status: 200, body: { id: 1, full_name: "acme/app", private: true } }],
    ["a repository whose permissions.pull is not a boolean", { status: 200, body: { id: 1, full_name: "acme/app", permissions: { pull: "yes" } } }],
    ["a JSON list", { status: 200, body: [] }],
  ];
  for (const [what, fault] of notGitHub) {
    test(`${what} for every question: an invented token gets 503, and no file; so does a person when it answers for the repository`, async () => {
      emu.addFault({ path: /^\/(user|user\/repos|repos\/.*|orgs\/.*)$/, fault: { kind: "status", ...fault } });
      const r = await get("/files/acme-app/acme_app-0.1.0-py3-none-any.whl", INVENTED);
      assert.equal(r.status, 503);
      assert.equal(await r.text(), "Service Unavailable: GitHub could not confirm your access; try again shortly.\n");
      assert.match(log.join("\n"), /503 \(GitHub: GET \/user answered 200 with an unexpected body/);
      emu.clearFaults();
      emu.addFault({ path: /^\/repos\/.*$/, fault: { kind: "status", ...fault } });
      const alice = await get("/files/acme-app/acme_app-0.1.0-py3-none-any.whl", ALICE);
      assert.equal(alice.status, 503);
      assert.match(log.join("\n"), /503 \(GitHub: GET \/repos\/acme\/app answered 200 with an unexpected body/);
    });
  }

  test("a well-formed answer whose permissions.pull is false hides the project", async () => {
    emu.addFault({ path: "/repos/acme/app", fault: { kind: "status", status: 200, body: { id: 1, full_name: "acme/app", permissions: { pull: false } } } });
    assert.equal((await get("/simple/acme-app/", ALICE)).status, 404);
  });

  test("a /user answer whose login is not a GitHub login is not believed", async () => {
    emu.addFault({ path: "/user", fault: { kind: "status", status: 200, body: { login: "mallory\nGET /simple/acme-app/ 200 alice", id: 7 } } });
    // GitHub has not confirmed this token yet: 503 after that one call; the log names no forged person.
    assert.equal((await get("/simple/acme-app/", ALICE)).status, 503);
    assert.deepEqual(
      emu.requests.filter((r) => r.server === "api").map((r) => r.url),
      ["/user"],
    );
    assert.equal(log.length, 1);
    assert.match(log[0] ?? "", /^GET \/simple\/acme-app\/ 503 \(GitHub: GET \/user answered 200 with an unexpected body \(login: [^\n]*\)\)$/);
    assert.doesNotMatch(log[0] ?? "", /mallory/);
  });
});

describe("refusals say nothing about private repositories", () => {
  test("during a GitHub outage the 503 body is generic; the repository is in the log only", async () => {
    emu.addFault({ path: "/repos/acme/secret", fault: { kind: "status", status: 500 } });
    const r = await get("/simple/acme-secret/", ALICE);
    assert.equal(r.status, 503);
    const body = await r.text();
    assert.doesNotMatch(body, /secret|acme\/|HTTP 500/);
    assert.match(log.join("\n"), /acme\/secret answered HTTP 500/);
  });

  test("a hidden project and a missing one look the same to bob on every path form", async () => {
    const seen = async (path: string): Promise<string> => {
      const r = await get(path, BOB);
      const headers = [...r.headers.entries()]
        .filter(([k]) => k !== "date")
        .map(([k, v]) => `${k}: ${v}`)
        .sort();
      return JSON.stringify({ status: r.status, headers, body: await r.text() });
    };
    const forms = (name: string, file: string): string[] => [
      `/simple/${name}/`,
      `/simple/${name}`,
      `/simple/${name.toUpperCase().replace(/-/g, "_")}/`,
      `/simple/${name}/index.json`,
      `/files/${name}`,
      `/files/${name}/`,
      `/files/${name}/${file}`,
      `/files/${name}/${file}.metadata`,
      `/project/${name}/`,
      `/project/${name}`,
      `/project/${name.toUpperCase()}/`,
      `/project/${name}/index.html`,
    ];
    const hidden = forms("acme-app", "acme_app-0.1.0-py3-none-any.whl");
    // Names of one length, so even Content-Length cannot differ.
    const missing = forms("acme-zap", "acme_zap-0.1.0-py3-none-any.whl");
    for (let i = 0; i < hidden.length; i++) {
      const [h, m] = [await seen(hidden[i] as string), await seen(missing[i] as string)];
      // Redirects carry the path they point to; the rest must match to the byte.
      assert.equal(h.replaceAll("acme-app", "X").replaceAll("ACME_APP", "X"), m.replaceAll("acme-zap", "X").replaceAll("ACME_ZAP", "X"), `${hidden[i]} vs ${missing[i]}`);
    }
  });
});

/** A GET from a chosen loopback address, so one test can be two clients. */
function getFrom(localAddress: string, path: string, token: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { localAddress, headers: { authorization: basic(token) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }));
    });
    req.on("error", reject);
    req.end();
  });
}
const githubCalls = (): number => emu.requests.filter((r) => r.server === "api").length;

describe("junk tokens cost no more than one GitHub call", () => {
  test("strings that are not GitHub tokens are 401 without asking GitHub", async () => {
    for (const junk of ["hunter2", "ghp_short", `ghr_${"r".repeat(36)}`, "x".repeat(40), `ghp_${"a".repeat(36)}-`]) {
      const r = await get("/simple/", junk);
      assert.equal(r.status, 401, junk);
      assert.match(await r.text(), /not a GitHub token/);
    }
    assert.equal(githubCalls(), 0);
  });

  test("a flood of invented tokens from one address is 429 after a burst; a person elsewhere, and one already known, are unaffected", async () => {
    assert.equal((await getFrom("127.0.0.1", "/simple/acme-app/", ALICE)).status, 200);
    emu.clearRequests();
    const flood = await Promise.all(Array.from({ length: 80 }, (_, i) => getFrom("127.0.0.1", "/simple/", `ghp_flood${String(i).padStart(31, "0")}`)));
    const limited = flood.filter((r) => r.status === 429);
    // The default burst is 20 new tokens per address; alice's lookup was given back once GitHub confirmed her. Each invented one costs one call.
    assert.equal(flood.length - limited.length, 20);
    assert.equal(githubCalls(), 20);
    assert.ok(limited.every((r) => Number(r.retryAfter) >= 1));
    assert.equal((await getFrom("127.0.0.1", "/simple/acme-app/", ALICE)).status, 200, "a known token is not throttled");
    assert.equal((await getFrom("127.0.0.2", "/simple/acme-app/", BOB)).status, 404, "bob, from elsewhere, gets his own answer");
    assert.equal((await getFrom("127.0.0.1", "/simple/", `ghp_late${"0".repeat(32)}`)).status, 429);
    now += 5_000; // the bucket refills one token every 2 seconds
    assert.equal((await getFrom("127.0.0.1", "/simple/", `ghp_later${"0".repeat(31)}`)).status, 401);
  });
});

test("a token GitHub rejects loses every cached grant at once, not after the TTL", async () => {
  const token = "ghp_carl00000000000000000000000000000000";
  emu.setPeople([
    { login: "alice", tokens: [ALICE], repositories: ["acme/pypi", "acme/core", "acme/app"] },
    { login: "bob", tokens: [BOB], repositories: ["acme/pypi"] },
    { login: "carl", tokens: [token], repositories: ["acme/pypi", "acme/core", "acme/app"] },
  ]);
  assert.equal((await get("/simple/acme-app/", token)).status, 200);
  emu.revokeToken(token);
  now += 10_000; // well inside the 300 s grant
  // A question not cached yet reaches GitHub, which says 401.
  assert.equal((await get("/simple/acme-core/", token)).status, 401);
  // The grant cached 10 s ago is gone with it.
  assert.equal((await get("/simple/acme-app/", token)).status, 401);
});

test("serve writes one line per request whatever GitHub's messages hold", async () => {
  emu.addFault({ path: "/repos/acme/app", fault: { kind: "status", status: 403, body: { message: "Resource protected by SAML\nGET /simple/acme-app/ 200 alice" } } });
  assert.equal((await get("/simple/acme-app/", BOB)).status, 404);
  assert.equal(log.length, 1);
  assert.doesNotMatch(log[0] ?? "", /\n/);
  assert.match(log[0] ?? "", /SAML\\x0aGET/);
  assert.equal(escapeLogText("a\r\nb\\c\u2028d\u0000"), "a\\x0d\\x0ab\\\\c\\u2028d\\x00");
});

test("serve never follows a link out of the site", async () => {
  const outside = tempDir("outside");
  writeFileSync(join(outside, "secret.txt"), "private key material\n");
  const site = join(tempDir("linked-site"), "site");
  mkdirSync(join(site, "simple", "evil"), { recursive: true });
  mkdirSync(join(site, "files", "evil"), { recursive: true });
  writeFileSync(join(site, "simple", "index.html"), "<!DOCTYPE html><title>x</title>\n");
  symlinkSync(join(outside, "secret.txt"), join(site, "simple", "evil", "index.html"));
  symlinkSync(outside, join(site, "files", "evil", "dir"));
  symlinkSync(join(outside, "secret.txt"), join(site, "files", "evil", "evil-1.0.tar.gz"));
  // A link inside the site to another file of the site is fine.
  symlinkSync(join(site, "simple", "index.html"), join(site, "files", "evil", "inside-1.0.tar.gz"));
  const plain = await startServer({ root: site, port: 0 });
  try {
    for (const path of ["/simple/evil/", "/files/evil/evil-1.0.tar.gz", "/files/evil/dir/secret.txt"]) {
      const r = await fetch(`${plain.url}${path}`);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(await r.text(), /private key/);
    }
    assert.equal((await fetch(`${plain.url}/files/evil/inside-1.0.tar.gz`)).status, 200);
  } finally {
    await plain.close();
  }
  // Served through a link to the site folder, as a deploy swapped by symlink is.
  const alias = join(tempDir("alias"), "current");
  symlinkSync(site, alias);
  const aliased = await startServer({ root: alias, port: 0 });
  try {
    assert.equal((await fetch(`${aliased.url}/simple/`)).status, 200);
    assert.equal((await fetch(`${aliased.url}/simple/evil/`)).status, 404);
  } finally {
    await aliased.close();
  }
});

test("pages behind the gate allow images from the index only; a public site's catalog policy is unchanged", async () => {
  const r = await get("/project/acme-app/", ALICE);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-security-policy"), "img-src 'self' data:");
  // The catalog's own policy (in the page) still allows https: images; a browser enforces both.
  assert.match(await r.text(), /img-src 'self' https: data:/);
  const publicServer = await startServer({ root: siteDir, port: 0 });
  try {
    assert.equal((await fetch(`${publicServer.url}/project/acme-app/`)).headers.get("content-security-policy"), null);
  } finally {
    await publicServer.close();
  }
});
