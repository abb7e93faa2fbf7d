/**
 * The GitHub emulators held to GitHub's own recorded answers (`@octokit/fixtures`, recorded from
 * api.github.com with their headers): for every endpoint and media type the project calls that a
 * recording covers, the emulator must answer with the same status, content type (charset
 * included), paging and caching headers, and the same JSON shape; and Octokit, configured as the
 * project configures it, must turn both answers into the same kind of value. Endpoints with no
 * recording are listed with the documentation page their shape was taken from, and a run of the
 * project against the emulators proves the two lists name every endpoint it calls.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createGitHubClient, type GitHubClient } from "../generator/github/api-client.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import { releaseSchema, repositorySchema } from "../generator/github/schemas.js";
import { readGitHub } from "../generator/sources/github.js";
import { Warnings } from "../generator/diagnostics/warnings.js";
import { publish, unpublish } from "../infra/publish/git-data/publish.js";
import { GitHubEmulator, type EmulatedRepo } from "./helpers/github-emulator.js";
import { GitDataEmulator } from "./helpers/git-data-emulator.js";
import { acmeOrg } from "./helpers/github-org.js";
import { exchange, recordedHeader, recording, startReplay, type RecordedExchange, type Replay } from "./helpers/github-recordings.js";
import { shapeDifferences, valueKind, type ShapeOptions } from "./helpers/json-shape.js";
import { cliPath, repoRoot, tempDir } from "./helpers/paths.js";
import { run } from "./helpers/python.js";

const ORG = "octokit-fixture-org";
const TOKEN = "ghp_conformance000000000000000000000000";
/** The recorded README.md of hello-world, byte for byte: the same bytes must give the same blob id as ETag. */
const README = "# hello-world";

/**
 * Fields GitHub added after the recordings were made (July 2022), which the emulator sends because
 * GitHub's documentation says they are there today. Each names its page.
 */
const NEWER_THAN_RECORDING: Record<string, string> = {
  "owner.user_view_type": "https://docs.github.com/rest/users/users (simple-user, 2024)",
  "organization.user_view_type": "https://docs.github.com/rest/users/users (simple-user, 2024)",
  "author.user_view_type": "https://docs.github.com/rest/users/users (simple-user, 2024)",
  "uploader.user_view_type": "https://docs.github.com/rest/users/users (simple-user, 2024)",
  ".has_discussions": "https://docs.github.com/rest/repos/repos#get-a-repository (2022-09)",
  ".digest": "https://docs.github.com/rest/releases/assets#get-a-release-asset (sha256 digest, 2025)",
  "assets.digest": "https://docs.github.com/rest/releases/assets#get-a-release-asset (sha256 digest, 2025)",
  ".immutable": "https://docs.github.com/rest/releases/releases#get-a-release (immutable releases, 2025)",
  ".updated_at": "https://docs.github.com/rest/releases/releases#get-a-release (a release's updated_at)",
  ".status": "https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api (error bodies carry the status since 2024)",
};

let emu: GitHubEmulator;
let git: GitDataEmulator;
let github: GitHubClient;

// Topics as the recorded repository has some: a list's items are compared only where both sides hold one.
const helloWorld: EmulatedRepo = { name: "hello-world", defaultBranch: "master", topics: ["octokit"], tags: [{ name: "v1.0.0", files: { "README.md": README } }] };
const releaseAssets: EmulatedRepo = {
  name: "release-assets",
  releases: [{ tag: "v1.0.0", assets: [{ name: "test-upload.txt", bytes: Buffer.from("Hello, world!\n"), contentType: "text/plain" }] }],
};
/** As many releases as the recording has issues, so both listings page the same way. */
const paged = (count: number): EmulatedRepo => ({ name: "paginate-issues", releases: Array.from({ length: count }, (_, i) => ({ tag: `v0.${i}`, assets: [] })) });

before(async () => {
  [emu, git] = await Promise.all([GitHubEmulator.start(), GitDataEmulator.start({ owner: ORG, repo: "git-refs" })]);
  const issues = recording("paginate-issues").filter((x) => x.method === "GET" && x.status === 200);
  const recordedItems = issues.reduce((n, x) => n + (x.body as unknown[]).length, 0);
  emu.setOrg(ORG, [helloWorld, releaseAssets, paged(recordedItems), { name: "renamed-repository", formerNames: ["rename-repository"] }]);
  github = createGitHubClient({ baseUrl: emu.apiUrl, maxRateLimitWaitSeconds: 0, retries: 0, notice: () => {} }).client;
});
after(async () => {
  await Promise.all([emu?.close(), git?.close()]);
});

interface Answer {
  status: number;
  header: (name: string) => string | null;
  body: unknown;
}

/** One request to an emulator, read as GitHub's answers are read: JSON when the type says so. */
async function ask(base: string, method: string, path: string, accept = "application/vnd.github.v3+json", body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { accept, authorization: `token ${TOKEN}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(`${base}${path}`, { method, headers, redirect: "manual", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await r.text();
  const json = /json/.test(r.headers.get("content-type") ?? "") && text !== "";
  return { status: r.status, header: (n) => r.headers.get(n), body: json ? (JSON.parse(text) as unknown) : text };
}

const etagForm = (etag: string | null): string => (etag === null ? "none" : /^W\/"[^"]+"$/.test(etag) ? "weak" : /^"[^"]+"$/.test(etag) ? "strong" : `malformed ${etag}`);

/**
 * The headers client code reads, compared: the content type exactly (charset included), caching
 * headers where the recording has them, GitHub's media-type echo, redirects, and rate-limit
 * accounting.
 */
function assertSameHeaders(recorded: RecordedExchange, emulated: Answer): void {
  const what = `${recorded.scenario} ${recorded.method} ${recorded.path}`;
  assert.equal(emulated.status, recorded.status, `${what}: status`);
  for (const name of ["content-type", "cache-control", "vary", "x-github-media-type"]) {
    assert.equal(emulated.header(name), recordedHeader(recorded, name), `${what}: ${name}`);
  }
  assert.equal(etagForm(emulated.header("etag")), etagForm(recordedHeader(recorded, "etag")), `${what}: etag`);
  for (const name of ["last-modified", "location", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used", "x-ratelimit-resource"]) {
    assert.equal(emulated.header(name) !== null, recordedHeader(recorded, name) !== null, `${what}: ${name} ${recordedHeader(recorded, name) === null ? "not " : ""}sent by GitHub`);
  }
}

function assertSameShape(recorded: unknown, emulated: unknown, what: string, options: ShapeOptions = {}): void {
  const oneSided = { ...NEWER_THAN_RECORDING, ...options.oneSided };
  assert.deepEqual(shapeDifferences(recorded, emulated, { oneSided }), [], `${what}: JSON shape`);
}

/** How Octokit, set up as the project sets it up, hands over the body of this answer. */
async function octokitKind(baseUrl: string, call: (client: GitHubClient) => Promise<{ data: unknown }>): Promise<string> {
  const client = createGitHubClient({ baseUrl, token: TOKEN, maxRateLimitWaitSeconds: 0, retries: 0, notice: () => {} }).client;
  return valueKind((await call(client)).data);
}

/** A replay of one recorded exchange at the path the project asks for. */
async function replayOf(answer: RecordedExchange, path: RegExp): Promise<Replay> {
  return startReplay([{ method: answer.method, path, answer }]);
}

test("the shape comparison finds what it must: a missing or extra field, an emulated null, another kind, an empty list, an allowance at the wrong place", () => {
  const recorded = { id: 1, owner: { login: "a" }, permissions: { pull: true }, topics: ["x"], assets: [{ digest: "d" }] };
  assert.deepEqual(shapeDifferences(recorded, recorded), []);
  assert.deepEqual(shapeDifferences(recorded, { ...recorded, id: "1", permissions: null, topics: [], owner: {}, extra: 1 }), [
    "id: recorded number, emulated string",
    "owner.login: recorded, not emulated",
    "permissions: recorded object, emulated null",
    "topics: recorded items, emulated an empty list",
    "extra: emulated, not recorded",
  ]);
  // A recorded null says nothing of the kind; a listed nullable field may be null in the emulator.
  assert.deepEqual(shapeDifferences({ license: null }, { license: { key: "mit" } }), []);
  assert.deepEqual(shapeDifferences({ license: { key: "mit" } }, { license: null }, { nullable: { ".license": "docs" } }), []);
  // An allowance holds for its parent only.
  const allowed = { oneSided: { "assets.digest": "docs" } };
  assert.deepEqual(shapeDifferences({ assets: [{}] }, { assets: [{ digest: "d" }] }, allowed), []);
  assert.deepEqual(shapeDifferences({ owner: {} }, { owner: { digest: "d" } }, allowed), ["owner.digest: emulated, not recorded"]);
});

describe("the emulator answers as api.github.com did (recordings of @octokit/fixtures)", () => {
  test("GET /repos/{owner}/{repo}: the access gate's question (get-repository)", async () => {
    const recorded = exchange("get-repository", "GET", /^\/repos\/octokit-fixture-org\/hello-world$/);
    const emulated = await ask(emu.apiUrl, "GET", `/repos/${ORG}/hello-world`);
    assertSameHeaders(recorded, emulated);
    assertSameShape(recorded.body, emulated.body, "repository");
    // What the project reads of it: the build's schema and the gate's verdict, on both answers.
    assert.ok(repositorySchema.safeParse(recorded.body).success && repositorySchema.safeParse(emulated.body).success);
    const replay = await replayOf(recorded, /^\/repos\/octokit-fixture-org\/hello-world$/);
    try {
      for (const apiUrl of [replay.url, emu.apiUrl]) {
        assert.deepEqual(await createGitHubAccess({ apiUrl }).repository(TOKEN, `${ORG}/hello-world`), { kind: "readable" }, apiUrl);
      }
      const route = (c: GitHubClient) => c.rest.repos.get({ owner: ORG, repo: "hello-world" });
      assert.equal(await octokitKind(emu.apiUrl, route), await octokitKind(replay.url, route));
    } finally {
      await replay.close();
    }
  });

  test("GET /repos/{owner}/{repo}/contents/{path} as raw: how tag indexing reads pyproject.toml (get-content)", async () => {
    const recorded = exchange("get-content", "GET", /\/contents\/README\.md$/);
    assert.equal(recorded.accept, "application/vnd.github.v3.raw", "the recording asks as Octokit's mediaType raw does");
    const emulated = await ask(emu.apiUrl, "GET", `/repos/${ORG}/hello-world/contents/README.md`, recorded.accept);
    assertSameHeaders(recorded, emulated);
    assert.equal(emulated.body, recorded.body);
    // The same bytes give the same ETag: GitHub's is the file's blob id.
    assert.equal(emulated.header("etag"), recordedHeader(recorded, "etag"));
    const replay = await replayOf(recorded, /\/contents\/README\.md/);
    try {
      const route = (c: GitHubClient) => c.rest.repos.getContent({ owner: ORG, repo: "hello-world", path: "README.md", mediaType: { format: "raw" } });
      const kinds = [await octokitKind(replay.url, route), await octokitKind(emu.apiUrl, route)];
      assert.deepEqual(kinds, ["string", "string"], "a raw file with a charset is a string to Octokit");
    } finally {
      await replay.close();
    }
  });

  test("a release and its assets, as GET /repos/{owner}/{repo}/releases lists them (release-assets)", async () => {
    const recorded = exchange("release-assets", "GET", /\/releases\/tags\/v1\.0\.0$/);
    const emulated = await ask(emu.apiUrl, "GET", `/repos/${ORG}/release-assets/releases/tags/v1.0.0`);
    assertSameHeaders(recorded, emulated);
    assertSameShape(recorded.body, emulated.body, "release");
    assert.ok(releaseSchema.safeParse(recorded.body).success && releaseSchema.safeParse(emulated.body).success);

    // The recording made its release before uploading, so the asset's shape comes from its own answer.
    const recordedAsset = exchange("release-assets", "GET", /\/releases\/assets\/\d+$/);
    const assetId = ((emulated.body as { assets: { id: number }[] }).assets[0] as { id: number }).id;
    const emulatedAsset = await ask(emu.apiUrl, "GET", `/repos/${ORG}/release-assets/releases/assets/${assetId}`);
    assertSameHeaders(recordedAsset, emulatedAsset);
    assertSameShape(recordedAsset.body, emulatedAsset.body, "release asset");
    const listed = exchange("release-assets", "GET", /\/releases\/\d+\/assets$/);
    assertSameShape(listed.body, (emulated.body as { assets: unknown[] }).assets, "a release's assets");
    // The project's schema accepts a release holding the recorded asset, digest-less as assets were then.
    assert.ok(releaseSchema.safeParse({ ...(recorded.body as object), assets: listed.body }).success);
  });

  test("paging: Link relations, their order and page numbers, and Octokit reads every item (paginate-issues)", async () => {
    const pages = recording("paginate-issues").filter((x) => x.method === "GET" && x.status === 200);
    const relations = (link: string | null): string[] =>
      (link ?? "")
        .split(",")
        .filter(Boolean)
        .map((part) => {
          const [, url, rel] = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim()) ?? [];
          const params = new URL(url ?? "http://x/").searchParams;
          return `${rel} page=${params.get("page")} per_page=${params.get("per_page")}`;
        });
    const emulated: string[][] = [];
    let next: string | undefined = `/repos/${ORG}/paginate-issues/releases?per_page=3`;
    while (next) {
      const page = await ask(emu.apiUrl, "GET", next);
      assert.equal(page.status, 200);
      emulated.push(relations(page.header("link")));
      const url = /<([^>]+)>;\s*rel="next"/.exec(page.header("link") ?? "")?.[1];
      next = url === undefined ? undefined : url.slice(emu.apiUrl.length);
    }
    assert.deepEqual(
      emulated,
      pages.map((p) => relations(recordedHeader(p, "link"))),
    );
    for (const p of pages) assertSameHeaders(p, await ask(emu.apiUrl, "GET", `/repos/${ORG}/paginate-issues/releases?${new URL(p.path, "http://x").searchParams.toString()}`));

    const replay = await startReplay(pages.map((answer) => ({ method: "GET", path: new RegExp(`^${answer.path.replace(/[?.]/g, "\\$&")}$`), answer })));
    try {
      const recordedClient = createGitHubClient({ baseUrl: replay.url, token: TOKEN, maxRateLimitWaitSeconds: 0, retries: 0, notice: () => {} }).client;
      const first = pages[0] as RecordedExchange;
      const viaRecording = await recordedClient.paginate(`GET ${first.path.split("?")[0] as string}`, { per_page: 3 });
      const viaEmulator = await github.paginate(github.rest.repos.listReleases, { owner: ORG, repo: "paginate-issues", per_page: 3 });
      assert.equal(viaEmulator.length, viaRecording.length);
      assert.ok(viaRecording.length > 3 * 2, "the recording spans several pages");
    } finally {
      await replay.close();
    }
  });

  test("an error: 404 with GitHub's JSON body and no caching headers (branch-protection)", async () => {
    const recorded = exchange("branch-protection", "GET", /\/branches\/main\/protection$/, 404);
    const emulated = await ask(emu.apiUrl, "GET", `/repos/${ORG}/no-such-repository`);
    assertSameHeaders(recorded, emulated);
    assertSameShape(recorded.body, emulated.body, "error");
  });

  test("a renamed repository: 301 to /repositories/{id}, which the gate follows with the token (rename-repository)", async () => {
    const moved = exchange("rename-repository", "GET", /^\/repos\/octokit-fixture-org\/tmp-scenario-rename-repository-[^/]+$/, 301);
    const target = exchange("rename-repository", "GET", /^\/repositories\/\d+$/, 200);
    const emulated = await ask(emu.apiUrl, "GET", `/repos/${ORG}/rename-repository`);
    assertSameHeaders(moved, emulated);
    assertSameShape(moved.body, emulated.body, "moved");
    const at = new URL(emulated.header("location") ?? "", emu.apiUrl).pathname;
    const landed = await ask(emu.apiUrl, "GET", at);
    assertSameHeaders(target, landed);
    assertSameShape(target.body, landed.body, "the repository at its id");
    const replay = await startReplay([
      { method: "GET", path: /^\/repos\/octokit-fixture-org\/rename-repository$/, answer: moved },
      { method: "GET", path: new RegExp(`^${target.path}$`), answer: target },
    ]);
    try {
      for (const apiUrl of [replay.url, emu.apiUrl]) {
        assert.deepEqual(await createGitHubAccess({ apiUrl }).repository(TOKEN, `${ORG}/rename-repository`), { kind: "readable" }, apiUrl);
      }
    } finally {
      await replay.close();
    }
  });
});

describe("the Git Data emulator answers as api.github.com did (git-refs, errors)", () => {
  let main = "";
  before(() => {
    main = git.pushOutside("main", { "README.md": README });
  });

  test("a reference: its shape as listed, and POST, PATCH and DELETE of /git/refs with their headers", async () => {
    const base = `/repos/${ORG}/git-refs`;
    const listed = exchange("git-refs", "GET", /\/git\/refs\/$/, 200, "first").body as unknown[];
    const one = await ask(git.apiUrl, "GET", `${base}/git/ref/heads/main`);
    assert.equal(one.status, 200);
    assertSameShape(listed[0], one.body, "reference");

    const created = await ask(git.apiUrl, "POST", `${base}/git/refs`, undefined, { ref: "refs/heads/test", sha: main });
    const recordedCreate = exchange("git-refs", "POST", /\/git\/refs$/);
    assertSameHeaders(recordedCreate, created);
    assertSameShape(recordedCreate.body, created.body, "created reference");

    const updated = await ask(git.apiUrl, "PATCH", `${base}/git/refs/heads/test`, undefined, { sha: main, force: true });
    const recordedUpdate = exchange("git-refs", "PATCH", /\/git\/refs\/heads\/test$/);
    assertSameHeaders(recordedUpdate, updated);
    assertSameShape(recordedUpdate.body, updated.body, "updated reference");

    const deleted = await ask(git.apiUrl, "DELETE", `${base}/git/refs/heads/test`);
    assertSameHeaders(exchange("git-refs", "DELETE", /\/git\/refs\/heads\/test$/), deleted);
    assert.equal(deleted.body, "");
  });

  test("a refused write: 422 with a message and a documentation page, no caching headers (errors)", async () => {
    const recorded = exchange("errors", "POST", /\/labels$/, 422);
    git.failNextRefUpdates(1);
    const refused = await ask(git.apiUrl, "PATCH", `/repos/${ORG}/git-refs/git/refs/heads/main`, undefined, { sha: main });
    assertSameHeaders(recorded, refused);
    // A validation failure lists `errors`; a lost race ("Update is not a fast forward") has none.
    assertSameShape(recorded.body, refused.body, "422", {
      oneSided: { ".errors": "only validation failures list them: https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api" },
    });
  });
});

/** Every endpoint and media type the project calls, and what its emulated answer is held to. */
const RECORDED: Record<string, string> = {
  "GET /repos/{owner}/{repo}": "get-repository",
  "GET /repos/{owner}/{repo}/contents/{path} (raw)": "get-content",
  "POST /repos/{owner}/{repo}/git/refs": "git-refs",
  "PATCH /repos/{owner}/{repo}/git/refs/{ref}": "git-refs",
  "DELETE /repos/{owner}/{repo}/git/refs/{ref}": "git-refs",
};
const DOCUMENTED_ONLY: Record<string, string> = {
  "GET /orgs/{org}/repos": "https://docs.github.com/rest/repos/repos#list-organization-repositories (items: get-repository's shape)",
  "GET /users/{username}/repos": "https://docs.github.com/rest/repos/repos#list-repositories-for-a-user",
  "GET /user/repos": "https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user",
  "GET /user": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
  "GET /installation/repositories": "https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation",
  "GET /repos/{owner}/{repo}/releases": "https://docs.github.com/rest/releases/releases#list-releases (items and paging: release-assets, paginate-issues)",
  "GET /repos/{owner}/{repo}/releases/assets/{asset_id} (bytes)": "https://docs.github.com/rest/releases/assets#get-a-release-asset (302 to the storage host)",
  "GET /repos/{owner}/{repo}/tags": "https://docs.github.com/rest/repos/repos#list-repository-tags",
  "GET /repos/{owner}/{repo}/attestations/{subject_digest}": "https://docs.github.com/rest/repos/repos#list-attestations (404 for none, as the gh CLI reads it; bundle_url since 2026-07)",
  "GET /repos/{owner}/{repo}/git/ref/{ref}": "https://docs.github.com/rest/git/refs#get-a-reference (item shape: git-refs)",
  "GET /repos/{owner}/{repo}/git/commits/{sha}": "https://docs.github.com/rest/git/commits#get-a-commit-object",
  "GET /repos/{owner}/{repo}/git/trees/{sha}": "https://docs.github.com/rest/git/trees#get-a-tree",
  "POST /repos/{owner}/{repo}/git/blobs": "https://docs.github.com/rest/git/blobs#create-a-blob",
  "POST /repos/{owner}/{repo}/git/trees": "https://docs.github.com/rest/git/trees#create-a-tree",
  "POST /repos/{owner}/{repo}/git/commits": "https://docs.github.com/rest/git/commits#create-a-commit",
};

/** The endpoint template of a request the emulators saw. */
function endpointOf(method: string, url: string, accept: string): string {
  const path = url.split("?")[0] ?? url;
  const templates: [RegExp, string][] = [
    [/^\/orgs\/[^/]+\/repos$/, "/orgs/{org}/repos"],
    [/^\/users\/[^/]+\/repos$/, "/users/{username}/repos"],
    [/^\/user\/repos$/, "/user/repos"],
    [/^\/user$/, "/user"],
    [/^\/installation\/repositories$/, "/installation/repositories"],
    [/^\/repos\/[^/]+\/[^/]+$/, "/repos/{owner}/{repo}"],
    [/^\/repos\/[^/]+\/[^/]+\/releases$/, "/repos/{owner}/{repo}/releases"],
    [/^\/repos\/[^/]+\/[^/]+\/releases\/assets\/\d+$/, `/repos/{owner}/{repo}/releases/assets/{asset_id} (${/octet-stream/.test(accept) ? "bytes" : "JSON"})`],
    [/^\/repos\/[^/]+\/[^/]+\/tags$/, "/repos/{owner}/{repo}/tags"],
    [/^\/repos\/[^/]+\/[^/]+\/attestations\/[^/]+$/, "/repos/{owner}/{repo}/attestations/{subject_digest}"],
    [/^\/repos\/[^/]+\/[^/]+\/contents\/.+$/, `/repos/{owner}/{repo}/contents/{path} (${/\.raw/.test(accept) ? "raw" : "JSON"})`],
    [/^\/repos\/[^/]+\/[^/]+\/git\/ref\/.+$/, "/repos/{owner}/{repo}/git/ref/{ref}"],
    [/^\/repos\/[^/]+\/[^/]+\/git\/refs\/.+$/, "/repos/{owner}/{repo}/git/refs/{ref}"],
    [/^\/repos\/[^/]+\/[^/]+\/git\/refs$/, "/repos/{owner}/{repo}/git/refs"],
    [/^\/repos\/[^/]+\/[^/]+\/git\/(commits|trees)\/[^/]+$/, "/repos/{owner}/{repo}/git/$1/{sha}"],
    [/^\/repos\/[^/]+\/[^/]+\/git\/(blobs|trees|commits)$/, "/repos/{owner}/{repo}/git/$1"],
  ];
  for (const [re, template] of templates) {
    const m = re.exec(path);
    if (m) return `${method} ${template.replace("$1", m[1] ?? "")}`;
  }
  return `${method} ${path} (unknown)`;
}

test("every endpoint the project calls is held to a recording or named with its documentation page", async () => {
  // The build (an organisation and a user account, releases, tags, mirrored files), the gate's
  // three questions for a person and for an app, and one publication to a branch.
  const acme = await acmeOrg();
  const people = await GitHubEmulator.start({ token: TOKEN });
  try {
    people.setOrg("acme", acme.repos);
    people.setUser("octocat", [{ name: "tool", tags: [{ name: "v1.0.0", files: { "pyproject.toml": '[project]\nname = "octo-tool"\n' } }] }]);
    const person = "ghp_octocat00000000000000000000000000000";
    people.setPeople([{ login: "octocat", tokens: [person], repositories: ["acme/core"] }]);
    const common = { apiUrl: people.apiUrl, repositories: [] as string[], topics: [] as string[], includePrivate: true, includeArchived: true, tags: true, maxRateLimitWaitSeconds: 0, retryBaseMs: 5 };
    await readGitHub({ ...common, token: TOKEN, org: "acme", files: "mirror", cacheDir: tempDir("conformance-cache") }, new Warnings());
    await readGitHub({ ...common, token: person, org: "octocat", files: "link", cacheDir: tempDir("conformance-cache") }, new Warnings());
    await readGitHub({ ...common, token: TOKEN, org: "octocat", files: "link", cacheDir: tempDir("conformance-cache") }, new Warnings());
    const access = createGitHubAccess({ apiUrl: people.apiUrl });
    for (const token of [person, TOKEN]) {
      await access.identity(token);
      await access.repository(token, "acme/core");
      await access.readableRepositories(token);
      // The shared public set, for an organisation and for a user account.
      await access.publicRepositories(token, "acme");
      await access.publicRepositories(token, "octocat");
    }
    const site = tempDir("conformance-site");
    // A binary file travels as a blob of its own; text goes inline in the tree.
    const bytes = Buffer.from([0, 1, 2, 255]);
    writeFileSync(join(site, "file.bin"), bytes);
    const blob = createHash("sha1")
      .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
      .digest("hex");
    const inputs = { apiUrl: git.apiUrl, owner: ORG, repository: "git-refs", branch: "gh-pages", siteDir: site, message: "publish" };
    await publish({ ...inputs, files: { "file.bin": blob } }, undefined);
    await unpublish(await publish({ ...inputs, files: {} }, undefined), undefined);

    const seen = new Set([
      ...people.requests.filter((r) => r.server === "api").map((r) => endpointOf(r.method, r.url, String(r.headers.accept ?? ""))),
      ...git.requests.map((r) => endpointOf(r.method, r.url, "")),
    ]);
    const listed = new Set([...Object.keys(RECORDED), ...Object.keys(DOCUMENTED_ONLY)]);
    assert.deepEqual([...seen].filter((e) => !listed.has(e)).sort(), [], "endpoints called but held to nothing");
    // Each list stays honest: an endpoint no longer called is taken off.
    assert.deepEqual([...listed].filter((e) => !seen.has(e)).sort(), [], "endpoints listed but never called");
    for (const scenario of new Set(Object.values(RECORDED))) assert.ok(recording(scenario).length > 0, scenario);
  } finally {
    await people.close();
  }
});

test("a build from GitHub's recorded answers themselves: an organisation with a tag, a release and a raw pyproject.toml", async () => {
  const repository = exchange("get-repository", "GET", /^\/repos\/octokit-fixture-org\/hello-world$/);
  const release = exchange("release-assets", "GET", /\/releases\/tags\/v1\.0\.0$/);
  const assets = exchange("release-assets", "GET", /\/releases\/\d+\/assets$/);
  const listing = exchange("git-refs", "GET", /\/git\/refs\/$/, 200, "first");
  const raw = exchange("get-content", "GET", /\/contents\/README\.md$/);
  const replay = await startReplay([
    // No recording lists an organisation's repositories: the listing's one item is the recorded repository.
    { method: "GET", path: /^\/orgs\/octokit-fixture-org\/repos\?/, answer: repository, body: [repository.body] },
    // The recorded release, holding the assets recorded after its upload.
    { method: "GET", path: /^\/repos\/octokit-fixture-org\/hello-world\/releases\?/, answer: release, body: [{ ...(release.body as object), assets: assets.body }] },
    // No recording lists tags: the item is the example of https://docs.github.com/rest/repos/repos#list-repository-tags, sent with a recorded listing's headers.
    {
      method: "GET",
      path: /^\/repos\/octokit-fixture-org\/hello-world\/tags\?/,
      answer: listing,
      body: [
        {
          name: "v0.1",
          commit: { sha: "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc", url: "https://api.github.com/repos/octokit-fixture-org/hello-world/commits/c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc" },
          zipball_url: "https://github.com/octokit-fixture-org/hello-world/zipball/v0.1",
          tarball_url: "https://github.com/octokit-fixture-org/hello-world/tarball/v0.1",
          node_id: "MDQ6VXNlcjE=",
        },
      ],
    },
    // Every file at the tag is answered with the recorded raw README ("# hello-world"): neither
    // pyproject.toml nor setup.cfg then names the project, so the repository's name does.
    { method: "GET", path: /^\/repos\/octokit-fixture-org\/hello-world\/contents\/(pyproject\.toml|setup\.cfg)\?ref=v0\.1$/, answer: raw },
  ]);
  try {
    const out = join(tempDir("replay-build"), "site");
    const env = { ...process.env, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: replay.url };
    const r = await run(process.execPath, [cliPath, "build", "--github-org", ORG, "--out", out, "--cache-dir", tempDir("replay-cache")], { cwd: repoRoot, env });
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^GitHub: 1 repository.*, 1 release, 0 distributions, 1 tag link, 1 other asset not indexed;/m);
    assert.deepEqual(
      replay.requests.filter((q) => q.status === 599),
      [],
      "every request had a recorded answer",
    );
    assert.deepEqual(
      replay.requests.filter((q) => q.url.includes("/contents/")).map((q) => [q.accept, q.status]),
      [
        ["application/vnd.github.v3.raw", 200],
        ["application/vnd.github.v3.raw", 200],
      ],
    );
    const page = JSON.parse(readFileSync(join(out, "simple", "hello-world", "index.json"), "utf8")) as { files: { filename: string; url: string }[] };
    assert.deepEqual(
      page.files.map((f) => f.url),
      ["git+https://github.com/octokit-fixture-org/hello-world.git@v0.1#egg=hello-world-0.1"],
    );
  } finally {
    await replay.close();
  }
});
