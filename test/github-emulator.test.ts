import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { components } from "@octokit/openapi-types";
import { unzipSync } from "fflate";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { makeWheel } from "./helpers/python-dists.js";

type Repo = components["schemas"]["minimal-repository"];
type Release = components["schemas"]["release"];
type ContentFile = components["schemas"]["content-file"];
type PrivateUser = components["schemas"]["private-user"];

const NOT_FOUND = { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" };
const DATA = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251);
// Longer than 60 base64 columns, so the contents API has to wrap it.
const PYPROJECT = `[project]\nname = "alpha"\nversion = "1.0"\ndescription = "${"long ".repeat(20)}"\n`;
const wheel = makeWheel({ name: "Alpha.Tools", version: "1.0", summary: "Fixture", requiresDist: ["requests>=2"], payloadBytes: 4096 });

let gh: GitHubEmulator;
let plain: GitHubEmulator;

before(async () => {
  [gh, plain] = await Promise.all([GitHubEmulator.start(), GitHubEmulator.start({ rangeSupport: false, token: "s3cret" })]);
  gh.setOrg("acme", [
    {
      name: "alpha",
      topics: ["python"],
      releases: [
        { tag: "v1.1", draft: true, assets: [] },
        {
          tag: "v1.0",
          assets: [
            { name: wheel.filename, bytes: wheel.bytes },
            { name: "data.bin", bytes: () => DATA },
          ],
        },
      ],
      tags: [{ name: "v1.0", files: { "pyproject.toml": PYPROJECT } }],
    },
    { name: "beta", private: true },
    { name: "gamma", archived: true },
    { name: "delta", visibility: "internal" },
    { name: "epsilon" },
  ]);
  plain.setOrg("acme", [{ name: "alpha", releases: [{ tag: "v1", assets: [{ name: "data.bin", bytes: DATA }] }] }]);
});

after(() => Promise.all([gh.close(), plain.close()]));

const api = (path: string, init: RequestInit = {}) => fetch(`${gh.apiUrl}${path}`, init);
const remaining = (r: Response): number => Number(r.headers.get("x-ratelimit-remaining"));

describe("API", () => {
  test("paginates with GitHub's Link header, keeping the query", async () => {
    const link = (n: number, rel: string) => `<${gh.apiUrl}/orgs/acme/repos?type=all&per_page=2&page=${n}>; rel="${rel}"`;
    const page = async (n: number) => {
      const r = await api(`/orgs/acme/repos?type=all&per_page=2&page=${n}`);
      assert.equal(r.status, 200);
      return { link: r.headers.get("link"), names: ((await r.json()) as Repo[]).map((x) => x.name) };
    };
    assert.deepEqual(await page(1), { link: [link(2, "next"), link(3, "last")].join(", "), names: ["alpha", "beta"] });
    assert.deepEqual(await page(2), { link: [link(1, "prev"), link(3, "next"), link(3, "last"), link(1, "first")].join(", "), names: ["gamma", "delta"] });
    assert.deepEqual(await page(3), { link: [link(2, "prev"), link(1, "first")].join(", "), names: ["epsilon"] });

    const one = await api("/orgs/acme/repos?per_page=100");
    assert.equal(one.headers.get("link"), null);
    const repos = (await one.json()) as Repo[];
    assert.deepEqual(
      repos.map((r) => [r.name, r.private, r.visibility, r.archived]),
      [
        ["alpha", false, "public", false],
        ["beta", true, "private", false],
        ["gamma", false, "public", true],
        ["delta", true, "internal", false],
        ["epsilon", false, "public", false],
      ],
    );
    const alpha = repos[0];
    assert.equal(alpha?.full_name, "acme/alpha");
    assert.equal(alpha?.owner.login, "acme");
    assert.deepEqual(alpha?.topics, ["python"]);
    assert.equal(alpha?.clone_url, `${gh.htmlBase}/acme/alpha.git`);

    const missing = await api("/orgs/nobody/repos");
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), NOT_FOUND);
  });

  test("answers a matching If-None-Match with a free 304", async () => {
    const first = await api("/repos/acme/alpha/releases");
    const etag = first.headers.get("etag") ?? "";
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    const releases = (await first.json()) as Release[];
    assert.deepEqual(
      releases.map((r) => [r.tag_name, r.draft]),
      [
        ["v1.1", true],
        ["v1.0", false],
      ],
      "drafts are listed",
    );
    const asset = releases[1]?.assets[0];
    assert.equal(asset?.digest, `sha256:${createHash("sha256").update(wheel.bytes).digest("hex")}`);
    assert.equal(asset?.browser_download_url, `${gh.htmlBase}/acme/alpha/releases/download/v1.0/${wheel.filename}`);

    const again = await api("/repos/acme/alpha/releases", { headers: { "if-none-match": `W/"0000", ${etag}` } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(remaining(again), remaining(first), "a 304 costs nothing");
    assert.equal(await again.text(), "");
    assert.equal((await api("/repos/acme/alpha/releases", { headers: { "if-none-match": "*" } })).status, 304);
    const changed = await api("/repos/acme/alpha/releases", { headers: { "if-none-match": 'W/"0000"' } });
    assert.equal(changed.status, 200);
    assert.equal(remaining(changed), remaining(first) - 1);
    assert.deepEqual(
      gh.requests.slice(-4).map((r) => r.status),
      [200, 304, 304, 200],
    );
  });

  test("faults: persistent, counted, rate limit, reset", async (t) => {
    t.after(() => gh.clearFaults());
    gh.addFault({ path: "/repos/acme/gamma", fault: { kind: "status", status: 502 } });
    gh.addFault({ path: /^\/repos\/acme\/beta$/, fault: { kind: "status", status: 500 }, times: 2 });
    gh.addFault({ path: "/repos/acme/delta", fault: { kind: "rate-limit", resetInSeconds: 60 } });
    gh.addFault({ path: "/repos/acme/epsilon", fault: { kind: "reset" } });

    for (let i = 0; i < 3; i++) {
      const r = await api("/repos/acme/gamma");
      assert.equal(r.status, 502);
      assert.deepEqual(await r.json(), { message: "Server Error" });
    }
    const beta = [];
    for (let i = 0; i < 3; i++) beta.push((await api("/repos/acme/beta")).status);
    assert.deepEqual(beta, [500, 500, 200]);

    const limited = await api("/repos/acme/delta");
    assert.equal(limited.status, 403);
    assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
    const reset = Number(limited.headers.get("x-ratelimit-reset"));
    assert.ok(Math.abs(reset - (Date.now() / 1000 + 60)) < 5, `reset ${reset}`);
    assert.deepEqual(await limited.json(), {
      message: "API rate limit exceeded for user ID 1.",
      documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      status: "403",
    });

    await assert.rejects(api("/repos/acme/epsilon"));
    assert.equal(gh.requests.at(-1)?.status, 0);
  });

  test("contents: raw and base64 JSON at a tag, 404 otherwise", async () => {
    const raw = await api("/repos/acme/alpha/contents/pyproject.toml?ref=v1.0", { headers: { accept: "application/vnd.github.raw+json" } });
    // The media type asked for, with a charset, as api.github.com answers (see github-conformance.test.ts).
    assert.equal(raw.headers.get("content-type"), "application/vnd.github.raw; charset=utf-8");
    assert.equal(await raw.text(), PYPROJECT);

    const file = (await (await api("/repos/acme/alpha/contents/pyproject.toml?ref=v1.0")).json()) as ContentFile;
    assert.equal(file.encoding, "base64");
    const lines = file.content.split("\n");
    assert.equal(lines.pop(), "", "every line ends in a newline");
    assert.ok(lines.length > 1 && lines.every((l) => l.length <= 60));
    assert.equal(Buffer.from(file.content, "base64").toString(), PYPROJECT);
    assert.deepEqual([file.path, file.name, file.size], ["pyproject.toml", "pyproject.toml", Buffer.byteLength(PYPROJECT)]);
    const blob = createHash("sha1").update(`blob ${file.size}\0${PYPROJECT}`).digest("hex");
    assert.equal(file.sha, blob);

    for (const path of ["/repos/acme/alpha/contents/setup.cfg?ref=v1.0", "/repos/acme/alpha/contents/pyproject.toml?ref=v9"]) {
      const r = await api(path);
      assert.equal(r.status, 404);
      assert.deepEqual(await r.json(), NOT_FOUND);
    }
  });
});

describe("downloads", () => {
  const dataAsset = async (emu: GitHubEmulator, init: RequestInit = {}) => {
    const r = await fetch(`${emu.apiUrl}/repos/acme/alpha/releases`, init);
    const releases = (await r.json()) as Release[];
    const asset = releases.flatMap((x) => x.assets).find((a) => a.name === "data.bin");
    assert.ok(asset);
    return asset;
  };

  test("asset redirect, then Range: suffix, a-b, unsatisfiable", async () => {
    const asset = await dataAsset(gh);
    assert.equal(asset.size, DATA.length);
    const redirect = await fetch(asset.url, { headers: { accept: "application/octet-stream" }, redirect: "manual" });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get("location") ?? "";
    assert.match(location, new RegExp(`^${gh.downloadUrl}/releases-assets/${asset.id}/data\\.bin\\?X-Amz-Signature=[0-9a-f]+&X-Amz-Expires=300$`));
    assert.equal(await redirect.text(), "");

    const get = (range: string) => fetch(location, { headers: { range } });
    const suffix = await get("bytes=-100");
    assert.equal(suffix.status, 206);
    assert.equal(suffix.headers.get("content-range"), "bytes 900-999/1000");
    assert.deepEqual(new Uint8Array(await suffix.arrayBuffer()), DATA.slice(900));
    const middle = await get("bytes=10-19");
    assert.equal(middle.headers.get("content-range"), "bytes 10-19/1000");
    assert.deepEqual(new Uint8Array(await middle.arrayBuffer()), DATA.slice(10, 20));
    const beyond = await get("bytes=1000-");
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get("content-range"), "bytes */1000");

    // Followed by fetch with a token: the object host never sees it.
    const followed = await fetch(asset.url, { headers: { accept: "application/octet-stream", authorization: "token abc" } });
    assert.equal(followed.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(new Uint8Array(await followed.arrayBuffer()), DATA);
    const downloads = gh.requests.filter((r) => r.server === "download");
    assert.equal(downloads.at(-1)?.bytes, DATA.length);
    assert.ok(downloads.every((r) => r.headers.authorization === undefined));
    const stats = gh.stats();
    assert.deepEqual([stats.download[206], stats.download[416], stats.download[200]], [2, 1, 1]);
  });

  test("without Range support the whole body comes back; a token is enforced when set", async () => {
    assert.equal((await fetch(`${plain.apiUrl}/repos/acme/alpha/releases`)).status, 401);
    const wrong = await fetch(`${plain.apiUrl}/repos/acme/alpha/releases`, { headers: { authorization: "token nope" } });
    assert.deepEqual(await wrong.json(), { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
    const asset = await dataAsset(plain, { headers: { authorization: "Bearer s3cret" } });
    const redirect = await fetch(asset.url, { headers: { accept: "application/octet-stream", authorization: "token s3cret" }, redirect: "manual" });
    const r = await fetch(redirect.headers.get("location") ?? "", { headers: { range: "bytes=-100" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("accept-ranges"), null);
    assert.deepEqual(new Uint8Array(await r.arrayBuffer()), DATA);
  });
});

describe("people", () => {
  const ALICE = "ghp_alice0000000000000000000000000000";
  const ALICE_FINE = "github_pat_11ALICE_0000:with:colons";
  const BOB = "gho_bob000000000000000000000000000000";
  const basic = (token: string, user = "x-access-token") => `Basic ${Buffer.from(`${user}:${token}`).toString("base64")}`;
  let people: GitHubEmulator;
  const get = (path: string, authorization?: string) => fetch(`${people.apiUrl}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  const status = async (path: string, authorization?: string) => (await get(path, authorization)).status;

  before(async () => {
    people = await GitHubEmulator.start();
    people.setOrg("Acme", [{ name: "Secret", private: true }, { name: "open" }, { name: "inside", visibility: "internal" }]);
    people.setPeople([
      { login: "alice", tokens: [ALICE, ALICE_FINE], repositories: ["acme/secret"] },
      { login: "bob", tokens: [BOB], repositories: [] },
    ]);
  });
  after(() => people.close());

  test("GET /user names the token's owner; unknown, revoked and missing tokens get 401", async () => {
    const r = await get("/user", `token ${ALICE}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("etag") ?? "", /^"[0-9a-f]{64}"$/);
    assert.ok(r.headers.get("x-ratelimit-remaining"));
    const alice = (await r.json()) as PrivateUser;
    assert.deepEqual([alice.login, alice.type, alice.site_admin, alice.html_url], ["alice", "User", false, `${people.htmlBase}/alice`]);
    assert.equal(alice.url, `${people.apiUrl}/users/alice`);
    assert.match(alice.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = (await (await get("/user", basic(ALICE_FINE))).json()) as PrivateUser;
    assert.deepEqual([again.id, again.node_id], [alice.id, alice.node_id], "the id is stable per login");
    const bob = (await (await get("/user", `bearer ${BOB}`)).json()) as PrivateUser;
    assert.equal(bob.login, "bob");
    assert.notEqual(bob.id, alice.id);

    const BAD = { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" };
    for (const authorization of ["token ghp_nobody", basic("ghp_nobody"), basic(ALICE.slice(1)), "Basic !!!", "Digest abc"]) {
      const bad = await get("/user", authorization);
      assert.equal(bad.status, 401, authorization);
      assert.deepEqual(await bad.json(), BAD);
    }
    const anonymous = await get("/user");
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await anonymous.json(), { message: "Requires authentication", documentation_url: "https://docs.github.com/rest", status: "401" });

    const spare = "ghp_spare";
    people.setPeople([
      { login: "alice", tokens: [ALICE, ALICE_FINE], repositories: ["acme/secret"] },
      { login: "bob", tokens: [BOB, spare], repositories: [] },
    ]);
    assert.equal(await status("/user", `token ${spare}`), 200);
    people.revokeToken(spare);
    const revoked = await get("/user", `token ${spare}`);
    assert.equal(revoked.status, 401);
    assert.deepEqual(await revoked.json(), BAD);
    assert.equal(await status("/user", `token ${BOB}`), 200, "bob's other token still works");
  });

  test("private and internal repositories answer only those granted; public ones everybody", async () => {
    const r = await get("/repos/ACME/secret", `token ${ALICE}`);
    assert.equal(r.status, 200);
    const repo = (await r.json()) as Repo;
    assert.deepEqual([repo.full_name, repo.private], ["Acme/Secret", true]);
    assert.deepEqual(repo.permissions, { admin: false, maintain: false, push: false, triage: false, pull: true });

    for (const authorization of [`token ${BOB}`, undefined]) {
      for (const path of ["/repos/acme/secret", "/repos/acme/inside", "/repos/acme/secret/releases"]) {
        const hidden = await get(path, authorization);
        assert.equal(hidden.status, 404, `${path} ${authorization}`);
        assert.deepEqual(await hidden.json(), NOT_FOUND);
      }
    }
    assert.equal(await status("/repos/acme/inside", `token ${ALICE}`), 404, "internal counts as private");

    const open = (await (await get("/repos/acme/open", `token ${BOB}`)).json()) as Repo;
    assert.equal(open.permissions?.pull, true);
    const anonymous = await get("/repos/acme/open");
    assert.equal(anonymous.status, 200);
    assert.equal(((await anonymous.json()) as Repo).permissions, undefined, "no permissions without a caller");

    const listed = async (authorization?: string) => ((await (await get("/orgs/acme/repos", authorization)).json()) as Repo[]).map((x) => x.name);
    assert.deepEqual(await listed(`token ${ALICE}`), ["Secret", "open"]);
    assert.deepEqual(await listed(`token ${BOB}`), ["open"]);
    assert.deepEqual(await listed(), ["open"]);
  });

  test("grant then revoke flips the answer", async () => {
    assert.equal(await status("/repos/acme/secret", `token ${BOB}`), 404);
    people.grant("Bob", "ACME/SECRET");
    assert.equal(await status("/repos/acme/secret", `token ${BOB}`), 200);
    assert.equal(await status("/repos/acme/secret", undefined), 404, "still hidden from anonymous callers");
    people.revoke("bob", "acme/secret");
    assert.equal(await status("/repos/acme/secret", `token ${BOB}`), 404);
    assert.throws(() => people.grant("carol", "acme/secret"), /no person carol/);
  });

  test("token, Bearer and Basic (password after the first colon) all authenticate, and are recorded", async () => {
    people.clearRequests();
    const forms = [`token ${ALICE}`, `TOKEN ${ALICE}`, `Bearer ${ALICE}`, `bearer ${ALICE_FINE}`, basic(ALICE), basic(ALICE_FINE), basic(ALICE_FINE, "alice")];
    for (const authorization of forms) {
      const r = await get("/user", authorization);
      assert.equal(r.status, 200, authorization);
      assert.equal(((await r.json()) as PrivateUser).login, "alice");
      assert.equal(await status("/repos/acme/secret", authorization), 200, authorization);
    }
    assert.equal(people.requests.length, forms.length * 2);
    assert.deepEqual(
      people.requests.map((r) => [r.method, r.url, r.status, r.headers.authorization]),
      forms.flatMap((a) => [
        ["GET", "/user", 200, a],
        ["GET", "/repos/acme/secret", 200, a],
      ]),
    );
  });

  test("faults apply to /user", async (t) => {
    t.after(() => people.clearFaults());
    people.addFault({ path: "/user", fault: { kind: "status", status: 503 }, times: 1 });
    assert.equal(await status("/user", `token ${ALICE}`), 503);
    assert.equal(await status("/user", `token ${ALICE}`), 200);
  });

  test("with options.token too: the bot sees everything, people their own, no header is 401", async (t) => {
    const both = await GitHubEmulator.start({ token: "bot-token" });
    t.after(() => both.close());
    both.setOrg("acme", [{ name: "secret", private: true }]);
    both.setPeople([{ login: "bob", tokens: [BOB], repositories: [] }]);
    const at = (path: string, authorization?: string) => fetch(`${both.apiUrl}${path}`, { headers: authorization ? { authorization } : {} });
    const bot = await at("/repos/acme/secret", "token bot-token");
    assert.deepEqual(((await bot.json()) as Repo).permissions, { admin: true, maintain: true, push: true, triage: true, pull: true });
    assert.equal(((await (await at("/user", "Bearer bot-token")).json()) as PrivateUser).type, "Bot");
    assert.equal((await at("/repos/acme/secret", `token ${BOB}`)).status, 404);
    assert.equal((await at("/user", `token ${BOB}`)).status, 200);
    const none = await at("/repos/acme/secret");
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { message: string }).message, "Requires authentication");
    both.revokeToken("bot-token");
    assert.equal((await at("/repos/acme/secret", "token bot-token")).status, 401);
  });
});

test("makeWheel: METADATA bytes inside, RECORD last", () => {
  const files = unzipSync(wheel.bytes);
  const names = Object.keys(files);
  assert.equal(wheel.filename, "alpha_tools-1.0-py3-none-any.whl");
  assert.deepEqual(files["alpha_tools-1.0.dist-info/METADATA"], wheel.metadata);
  assert.equal(names.at(-1), "alpha_tools-1.0.dist-info/RECORD");
  assert.equal(files["alpha_tools/_payload.bin"]?.length, 4096);
  assert.match(new TextDecoder().decode(wheel.metadata), /^Metadata-Version: 2\.1\nName: Alpha\.Tools\nVersion: 1\.0\n/);
});
