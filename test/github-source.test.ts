/**
 * The GitHub source against a local emulator of the REST API (pagination, ETags, redirects to a
 * separate file host with Range, faults): what is indexed, what is downloaded, and what a warm
 * run costs.
 */
import { createHash } from "node:crypto";
import { test, before, after } from "node:test";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import assert from "node:assert/strict";
import { buildSite, type BuildResult } from "../generator/build.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { Warnings } from "../generator/diagnostics/warnings.js";
import type { GitHubSourceOptions } from "../generator/sources/github.js";
import { bytesOf, isFileRef, type Site } from "../generator/site/site.js";
import { sha256Bytes } from "../generator/util/hash-file.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { acmeOrg, type AcmeDists } from "./helpers/github-org.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { makeSdist, makeWheel } from "./helpers/python-dists.js";

const TOKEN = "ghp_testtoken123";
let emu: GitHubEmulator;
let dists: AcmeDists;

before(async () => {
  emu = await GitHubEmulator.start({ token: TOKEN });
  const org = await acmeOrg();
  dists = org.dists;
  emu.setOrg("acme", org.repos);
});
after(async () => {
  await emu.close();
});

function options(cacheDir: string, extra: Partial<GitHubSourceOptions> = {}): GitHubSourceOptions {
  return {
    apiUrl: emu.apiUrl,
    token: TOKEN,
    org: "acme",
    repositories: [],
    topics: ["python"],
    includePrivate: false,
    includeArchived: false,
    tags: true,
    files: "link",
    cacheDir,
    maxRateLimitWaitSeconds: 30,
    retryBaseMs: 5,
    ...extra,
  };
}

async function build(opts: GitHubSourceOptions, allowEmpty = false): Promise<BuildResult> {
  return buildSite({ github: opts, config: validateIndexConfig({}), warnings: new Warnings(), allowEmpty });
}

interface JsonFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  "requires-python"?: string;
  "core-metadata"?: Record<string, string> | boolean;
  size?: number;
  "upload-time"?: string;
}
interface ProjectJson {
  name: string;
  versions: string[];
  files: JsonFile[];
  "project-status"?: { status: string; reason?: string };
}
function projectJson(site: Site, project: string): ProjectJson {
  const entry = site.get(`simple/${project}/index.json`);
  assert.ok(entry && !isFileRef(entry.body), `no JSON page for ${project}`);
  return JSON.parse(Buffer.from(bytesOf(entry.body)).toString("utf8")) as ProjectJson;
}
function siteText(site: Site): Map<string, string> {
  return new Map([...site].map(([p, e]) => [p, isFileRef(e.body) ? `file ${e.body.sha256}` : Buffer.from(bytesOf(e.body)).toString("utf8")]));
}
const api = () => emu.requests.filter((r) => r.server === "api");
const downloads = () => emu.requests.filter((r) => r.server === "download");

test("indexes release assets and version tags of the selected repositories, linking GitHub's download URLs", async () => {
  emu.clearRequests();
  const result = await build(options(tempDir("gh-cache")));
  const { site, github } = result;
  assert.ok(github);
  const projects = result.index.projects.map((p) => p.name);
  assert.deepEqual(projects, ["acme-app", "acme-core", "acme-tagged", "tagged"]);

  // Drafts are not published; pre-releases are (pip decides whether to take them).
  const core = projectJson(site, "acme-core");
  assert.deepEqual(core.versions, ["1.0.0", "1.1.0", "1.2.0rc1"]);
  const byName = new Map(core.files.map((f) => [f.filename, f]));
  assert.deepEqual([...byName.keys()].sort(), [dists.core10sdist.filename, dists.core10.filename, dists.core11.filename, dists.coreRc.filename].sort());
  for (const d of [dists.core10, dists.core10sdist, dists.core11, dists.coreRc]) {
    const f = byName.get(d.filename);
    assert.ok(f);
    assert.equal(f.hashes.sha256, sha256Bytes(d.bytes), `${d.filename}: the digest, or the hash of the downloaded bytes`);
    assert.equal(f.size, d.bytes.length);
    assert.match(f.url, new RegExp(`^${emu.htmlBase}/acme/core/releases/download/v[^/]+/${d.filename.replace(/[.+]/g, "\\$&")}$`));
    assert.match(f["upload-time"] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  }
  // upload-time is when the asset was uploaded (created_at), not when its label was last edited (updated_at).
  const listed = (await (await fetch(`${emu.apiUrl}/repos/acme/core/releases`, { headers: { authorization: `token ${TOKEN}` } })).json()) as {
    assets: { name: string; created_at: string; updated_at: string }[];
  }[];
  const assets = new Map(listed.flatMap((r) => r.assets).map((a) => [a.name, a]));
  for (const d of [dists.core10, dists.core11]) {
    const asset = assets.get(d.filename);
    assert.ok(asset && asset.created_at !== asset.updated_at, "the emulated asset was edited after its upload");
    assert.equal(Date.parse(byName.get(d.filename)?.["upload-time"] ?? ""), Date.parse(asset.created_at), d.filename);
  }
  // Requires-Python comes from each file's own metadata, read remotely.
  assert.equal(byName.get(dists.core10.filename)?.["requires-python"], ">=3.8");
  assert.equal(byName.get(dists.core10sdist.filename)?.["requires-python"], ">=3.8");
  assert.equal(byName.get(dists.core11.filename)?.["requires-python"], ">=3.9");
  // A linked wheel's .metadata exists only where the release published one: no false promise.
  assert.equal(byName.get(dists.core10.filename)?.["core-metadata"], undefined);
  const app = projectJson(site, "acme-app").files[0];
  assert.deepEqual(app?.["core-metadata"], { sha256: sha256Bytes(dists.app.metadata) });

  // Tags: pyproject.toml names the project; setup.cfg too; a tag with neither falls back to the repository name.
  const tagged = projectJson(site, "acme-tagged");
  assert.deepEqual(tagged.versions, ["1.0.0", "1.1.0"]);
  const cloneUrl = `${emu.htmlBase}/acme/tagged.git`;
  assert.deepEqual(
    tagged.files.map((f) => [f.url, f["requires-python"]]),
    [
      [`git+${cloneUrl}@v1.0.0#egg=acme-tagged-1.0.0`, ">=3.8"],
      [`git+${cloneUrl}@v1.1.0#egg=acme-tagged-1.1.0`, ">=3.9"],
    ],
  );
  assert.deepEqual(
    projectJson(site, "tagged").files.map((f) => f.url),
    [`git+${cloneUrl}@v0.9#egg=tagged-0.9`],
  );
  const html = siteText(site).get("simple/acme-tagged/index.html") ?? "";
  assert.ok(html.includes(`href="git+${cloneUrl}@v1.0.0#egg=acme-tagged-1.0.0"`), html);

  // Archived and private repositories are skipped, the private one by name; other topics filtered out.
  assert.equal(github.skippedArchived, 1);
  assert.equal(github.skippedPrivate, 1);
  assert.equal(github.filteredOut, 1);
  assert.equal(github.otherAssets, 1, "checksums.txt is not a distribution");
  const privateWarning = result.warnings.items.find((w) => w.code === "private-repository-skipped");
  assert.match(privateWarning?.message ?? "", /acme\/secret/);
  assert.deepEqual(
    result.warnings.items.map((w) => w.code),
    ["private-repository-skipped"],
  );

  // The token goes to the API only; the file host never sees it.
  assert.ok(api().every((r) => r.headers.authorization === `token ${TOKEN}`));
  assert.ok(downloads().length > 0);
  assert.ok(
    downloads().every((r) => r.headers.authorization === undefined),
    "no token on signed URLs",
  );

  // Range: the 1.0.0 wheel (with a digest) was read with ranges only, and not whole; the 1.1.0
  // wheel (no digest) had to be downloaded whole to be hashed.
  const fetched = (name: string) => downloads().filter((r) => r.url.includes(`/${name}`));
  const core10 = fetched(dists.core10.filename);
  assert.ok(core10.length >= 1 && core10.every((r) => r.status === 206 && typeof r.headers.range === "string"), JSON.stringify(core10));
  assert.ok(core10.reduce((n, r) => n + r.bytes, 0) < dists.core10.bytes.length / 2);
  const core11 = fetched(dists.core11.filename);
  assert.deepEqual(
    core11.map((r) => [r.status, r.bytes]),
    [[200, dists.core11.bytes.length]],
  );
  // The sdist is read from its start and the stream closed after PKG-INFO.
  const sdist = fetched(dists.core10sdist.filename);
  assert.equal(sdist.length, 1);
  assert.ok(github.downloads.bytesSaved > 0);
});

test("a warm run sends only conditional requests answered 304 and downloads nothing; a new release costs one listing and its file", async () => {
  const cacheDir = tempDir("gh-cache");
  const cold = await build(options(cacheDir));
  emu.clearRequests();
  const warm = await build(options(cacheDir));
  assert.deepEqual(siteText(warm.site), siteText(cold.site), "same site from the cache");
  assert.ok(api().length > 0);
  assert.deepEqual(
    api()
      .filter((r) => r.status !== 304)
      .map((r) => `${r.status} ${r.url}`),
    [],
  );
  assert.equal(downloads().length, 0);
  assert.equal(warm.github?.api.answeredOtherThan304, 0);
  assert.equal(warm.github?.downloads.bytes, 0);

  const repo = emu.repo("acme", "core");
  const added = makeWheel({ name: "acme-core", version: "1.3.0", requiresPython: ">=3.10" });
  repo.releases?.unshift({ tag: "v1.3.0", assets: [{ name: added.filename, bytes: added.bytes }] });
  emu.clearRequests();
  const changed = await build(options(cacheDir));
  assert.deepEqual(
    api()
      .filter((r) => r.status !== 304)
      .map((r) => `${r.status} ${decodeURIComponent(r.url.split("?")[0] ?? "")}`)
      .sort(),
    [
      "200 /repos/acme/core/releases",
      `302 /repos/acme/core/releases/assets/${/\/assets\/(\d+)/.exec(api().find((r) => r.status === 302)?.url ?? "")?.[1]}`,
      // The new file's attestations, asked once (none: 404); the files asked about before are not asked again.
      `404 /repos/acme/core/attestations/sha256:${createHash("sha256").update(added.bytes).digest("hex")}`,
    ].sort(),
  );
  assert.ok(downloads().every((r) => r.url.includes(added.filename)));
  const core = projectJson(changed.site, "acme-core");
  assert.deepEqual(core.versions, ["1.0.0", "1.1.0", "1.2.0rc1", "1.3.0"]);
  assert.equal(core.files.find((f) => f.filename === added.filename)?.["requires-python"], ">=3.10");
  repo.releases?.shift();
});

test("--include-private and archived repositories add those repositories; an archived one's project is marked archived; link mode warns that private files need credentials", async () => {
  const result = await build(options(tempDir("gh-cache"), { includePrivate: true, includeArchived: true }));
  const projects = result.index.projects.map((p) => p.name);
  assert.ok(projects.includes("acme-secret") && projects.includes("acme-legacy"), projects.join(","));
  // PEP 792: archived, with the repository named; its files are still offered.
  const legacy = projectJson(result.site, "acme-legacy");
  assert.deepEqual(legacy["project-status"], { status: "archived", reason: "The GitHub repository acme/legacy is archived" });
  assert.deepEqual(
    legacy.files.map((f) => f.filename),
    [dists.legacy.filename],
  );
  assert.equal(projectJson(result.site, "acme-core")["project-status"], undefined, "an active project carries no status");
  assert.equal(result.github?.archived, 1);
  const w = result.warnings.items.find((x) => x.code === "private-files-linked");
  assert.match(w?.message ?? "", /acme\/secret is private.*--files mirror/);
  assert.ok(!result.warnings.items.some((x) => x.code === "private-repository-skipped"));
});

test("--repo globs select repositories; a pattern that matches nothing is named", async () => {
  const result = await build(options(tempDir("gh-cache"), { org: undefined, topics: [], repositories: ["acme/c*", "acme/nothing-*"] }));
  assert.deepEqual(
    result.index.projects.map((p) => p.name),
    ["acme-core"],
  );
  assert.deepEqual(
    result.warnings.items.map((w) => [w.code, w.message]),
    [["repository-pattern-unmatched", "--repo acme/nothing-* matched no repository"]],
  );
});

test("mirror mode copies files into the site, verifies digests and serves each wheel's metadata beside it", async () => {
  const cacheDir = tempDir("gh-cache");
  const result = await build(options(cacheDir, { files: "mirror" }));
  const core = projectJson(result.site, "acme-core");
  const wheel = core.files.find((f) => f.filename === dists.core10.filename);
  assert.equal(wheel?.url, `../../files/acme-core/${dists.core10.filename}`);
  assert.deepEqual(wheel?.["core-metadata"], { sha256: sha256Bytes(dists.core10.metadata) });
  const entry = result.site.get(`files/acme-core/${dists.core10.filename}`);
  assert.ok(entry && isFileRef(entry.body) && entry.body.sha256 === sha256Bytes(dists.core10.bytes));
  const meta = result.site.get(`files/acme-core/${dists.core10.filename}.metadata`);
  assert.ok(meta && !isFileRef(meta.body) && Buffer.from(bytesOf(meta.body)).equals(Buffer.from(dists.core10.metadata)));
  // Whole downloads, once: a warm run finds the files in the cache.
  emu.clearRequests();
  await build(options(cacheDir, { files: "mirror" }));
  assert.equal(downloads().length, 0);
});

test("a file whose bytes do not match GitHub's digest stops the build, naming the asset", async () => {
  const bad = makeWheel({ name: "acme-bad", version: "1.0.0" });
  emu.setOrg("badorg", [{ name: "bad", releases: [{ tag: "v1.0.0", assets: [{ name: bad.filename, bytes: bad.bytes, digest: `sha256:${"0".repeat(64)}` }] }] }]);
  await assert.rejects(build(options(tempDir("gh-cache"), { org: "badorg", topics: [], files: "mirror" })), (e: Error) => {
    assert.match(e.message, new RegExp(`badorg/bad release v1\\.0\\.0 asset ${bad.filename.replace(/\./g, "\\.")}: the downloaded bytes have sha256 [0-9a-f]{64}, but GitHub's digest says 0{64}`));
    return true;
  });
});

test("a file host that ignores Range sends whole files: metadata is still read and the digest checked", async () => {
  const plain = await GitHubEmulator.start({ rangeSupport: false });
  try {
    const org = await acmeOrg();
    plain.setOrg("acme", org.repos);
    const result = await buildSite({
      github: { ...options(tempDir("gh-cache")), apiUrl: plain.apiUrl },
      config: validateIndexConfig({}),
      warnings: new Warnings(),
    });
    const core = projectJson(result.site, "acme-core");
    assert.equal(core.files.find((f) => f.filename === org.dists.core10.filename)?.["requires-python"], ">=3.8");
    assert.ok(plain.requests.filter((r) => r.server === "download").every((r) => r.status === 200));
    assert.ok((result.github?.downloads.fullDownloads ?? 0) >= 3);
  } finally {
    await plain.close();
  }
});

test("pagination: every page of a long listing is read through its Link header", async () => {
  emu.setOrg(
    "many",
    Array.from({ length: 105 }, (_, i) => ({ name: `repo-${String(i).padStart(3, "0")}` })),
  );
  emu.clearRequests();
  const result = await build(options(tempDir("gh-cache"), { org: "many", topics: [], tags: false }), true);
  assert.equal(result.github?.repositories, 105);
  assert.deepEqual(
    api()
      .filter((r) => r.url.startsWith("/orgs/many/repos"))
      .map((r) => new URL(r.url, "http://x").searchParams.get("page") ?? "1"),
    ["1", "2"],
  );
});

test("GitHub mixes with local folders and the config file: yanks apply to GitHub files too", async () => {
  const result = await buildSite({
    github: options(tempDir("gh-cache")),
    from: [demoDists],
    config: validateIndexConfig({ yanked: { "acme-core": { "1.0.0": "broken build" } } }),
    warnings: new Warnings(),
  });
  const names = result.index.projects.map((p) => p.name);
  assert.ok(names.includes("demo-core") && names.includes("acme-core"), names.join(","));
  const core = projectJson(result.site, "acme-core") as unknown as { files: (JsonFile & { yanked?: string | boolean })[] };
  for (const f of core.files) assert.equal(f.yanked ?? false, f.filename.includes("-1.0.0") ? "broken build" : false, f.filename);
});

/** A gzipped tar of the given files, built here so a test can leave out what a real sdist has. */
async function tarGz(files: Record<string, string>): Promise<Uint8Array> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => tar.on("end", () => resolve()));
  for (const [name, text] of Object.entries(files)) tar.entry({ name, mode: 0o644, mtime: new Date(0) }, text);
  tar.finalize();
  await ended;
  return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}

test("files downloaded whole are checked to the end: a cut archive is a named warning and not indexed, cold, warm and in link mode", async () => {
  const good = makeWheel({ name: "acme-good", version: "1.0.0" });
  const wheel = makeWheel({ name: "acme-cutwheel", version: "1.0.0" });
  const sdist = await makeSdist({ name: "acme-cutsdist", version: "1.0.0" });
  const cut = {
    [wheel.filename]: wheel.bytes.subarray(0, Math.floor(wheel.bytes.length / 2)),
    // Valid gzip up to the trailer and PKG-INFO readable: only a check to the end sees it.
    [sdist.filename]: sdist.bytes.subarray(0, sdist.bytes.length - 4),
  };
  const assets = (digest: "auto" | null) => [{ name: good.filename, bytes: good.bytes, digest }, ...Object.entries(cut).map(([name, bytes]) => ({ name, bytes, digest }))];
  const corruptNamed = (r: BuildResult): string[] =>
    r.warnings.items
      .filter((w) => w.code === "corrupt-archive")
      .map((w) => /asset (\S+): not a complete/.exec(w.message)?.[1] ?? w.message)
      .sort();

  emu.setOrg("cutorg", [{ name: "cut", releases: [{ tag: "v1.0.0", assets: assets("auto") }] }]);
  const cacheDir = tempDir("gh-cache");
  const mirror = () => build(options(cacheDir, { org: "cutorg", topics: [], files: "mirror" }));
  const cold = await mirror();
  assert.deepEqual(corruptNamed(cold), Object.keys(cut).sort());
  assert.deepEqual(
    cold.index.projects.map((p) => p.name),
    ["acme-good"],
  );
  assert.deepEqual([...cold.site.keys()].filter((p) => p.startsWith("files/")).sort(), [`files/acme-good/${good.filename}`, `files/acme-good/${good.filename}.metadata`]);
  emu.clearRequests();
  const warm = await mirror();
  assert.deepEqual(corruptNamed(warm), Object.keys(cut).sort(), "a warm run says it again");
  assert.equal(downloads().length, 0, "from the cached verdict");

  // Link mode downloads whole only what has no digest; those are checked the same way.
  emu.setOrg("cutorg", [{ name: "cut", releases: [{ tag: "v1.0.0", assets: assets(null) }] }]);
  const linked = await build(options(tempDir("gh-cache"), { org: "cutorg", topics: [] }));
  assert.deepEqual(corruptNamed(linked), Object.keys(cut).sort());
  assert.deepEqual(
    linked.index.projects.map((p) => p.name),
    ["acme-good"],
  );
});

test("link mode: an sdist read to its end is checked against GitHub's digest, and a download shorter than the listed size is refused", async () => {
  const noPkgInfo = await tarGz({ "acme_plain-1.0.0/setup.py": "from setuptools import setup\nsetup()\n" });
  emu.setOrg("digestorg", [{ name: "plain", releases: [{ tag: "v1.0.0", assets: [{ name: "acme_plain-1.0.0.tar.gz", bytes: noPkgInfo, digest: `sha256:${"1".repeat(64)}` }] }] }]);
  await assert.rejects(build(options(tempDir("gh-cache"), { org: "digestorg", topics: [] })), (e: Error) => {
    assert.match(e.message, /digestorg\/plain release v1\.0\.0 asset acme_plain-1\.0\.0\.tar\.gz: the downloaded bytes have sha256 [0-9a-f]{64}, but GitHub's digest says 1{64}/);
    return true;
  });
  // With the right digest the same file is indexed, and the missing PKG-INFO is named.
  emu.setOrg("digestorg", [{ name: "plain", releases: [{ tag: "v1.0.0", assets: [{ name: "acme_plain-1.0.0.tar.gz", bytes: noPkgInfo }] }] }]);
  const ok = await build(options(tempDir("gh-cache"), { org: "digestorg", topics: [] }));
  assert.deepEqual(
    ok.index.projects.map((p) => p.name),
    ["acme-plain"],
  );
  assert.ok(ok.warnings.items.some((w) => w.code === "metadata-unreadable" && w.message.includes("acme_plain-1.0.0.tar.gz")));

  // No digest to compare, and the host stops early with no error: the listed size tells.
  const wheel = makeWheel({ name: "acme-short", version: "1.0.0" });
  emu.setOrg("digestorg", [{ name: "short", releases: [{ tag: "v1.0.0", assets: [{ name: wheel.filename, bytes: wheel.bytes, digest: null, listedSize: wheel.bytes.length + 100 }] }] }]);
  await assert.rejects(build(options(tempDir("gh-cache"), { org: "digestorg", topics: [], files: "mirror" })), (e: Error) => {
    assert.match(
      e.message,
      new RegExp(`asset ${wheel.filename.replace(/\./g, "\\.")}: the download ended after ${wheel.bytes.length} bytes, but GitHub lists the asset at ${wheel.bytes.length + 100}`),
    );
    return true;
  });
});

test("a file name indexed from GitHub keeps its bytes: an asset uploaded again with other bytes stops the build, whichever site it goes to, unless replaced on purpose", async () => {
  const first = makeWheel({ name: "acme-reup", version: "1.0.0", summary: "first upload" });
  const second = makeWheel({ name: "acme-reup", version: "1.0.0", summary: "uploaded again" });
  assert.equal(first.filename, second.filename);
  assert.notEqual(sha256Bytes(first.bytes), sha256Bytes(second.bytes));
  const upload = (bytes: Uint8Array) => emu.setOrg("reuporg", [{ name: "reup", releases: [{ tag: "v1.0.0", assets: [{ name: first.filename, bytes }] }] }]);
  const cacheDir = tempDir("gh-cache");
  const opts = (extra: Partial<GitHubSourceOptions> = {}) => options(cacheDir, { org: "reuporg", topics: [], ...extra });

  upload(first.bytes);
  await build(opts());
  upload(second.bytes);
  for (const files of ["link", "mirror"] as const) {
    await assert.rejects(build(opts({ files })), (e: Error) => {
      assert.match(e.message, /1 GitHub file changed bytes under a name already indexed; nothing was written/);
      assert.ok(e.message.includes(`${first.filename} (reuporg/reup release v1.0.0 asset ${first.filename}): indexed before with sha256 ${sha256Bytes(first.bytes)}`), e.message);
      assert.ok(e.message.includes(`now ${sha256Bytes(second.bytes)}`) && e.message.includes("--replace-file"), e.message);
      return true;
    });
  }
  // Replaced on purpose: the new bytes are indexed and become the ones the name keeps.
  const replaced = await build(opts({ replaceFiles: [first.filename] }));
  assert.equal(projectJson(replaced.site, "acme-reup").files[0]?.hashes.sha256, sha256Bytes(second.bytes));
  await build(opts());
  upload(first.bytes);
  await assert.rejects(build(opts()), /changed bytes under a name already indexed/);
});

test("a user account's repositories are listed too: its public ones for anyone, its private ones with its own token", async () => {
  const other = await GitHubEmulator.start({ token: TOKEN });
  try {
    const pub = makeWheel({ name: "octo-tool", version: "1.0" });
    const priv = makeWheel({ name: "octo-secret", version: "1.0" });
    other.setUser("octo", [
      { name: "tool", releases: [{ tag: "v1.0", assets: [{ name: pub.filename, bytes: pub.bytes }] }] },
      { name: "secret", private: true, releases: [{ tag: "v1.0", assets: [{ name: priv.filename, bytes: priv.bytes }] }] },
    ]);
    const OCTO = "ghp_octoOwnToken000000000000000000000000";
    other.setPeople([{ login: "octo", tokens: [OCTO], repositories: [] }]);
    const at = (token: string): GitHubSourceOptions => ({ ...options(tempDir("gh-cache"), { org: "octo", topics: [], includePrivate: true, token }), apiUrl: other.apiUrl });
    // Another token (the bot's): GET /orgs/octo/repos is 404, so the user's public listing.
    const seen = await build(at(TOKEN));
    assert.deepEqual(
      seen.index.projects.map((p) => p.name),
      ["octo-tool"],
    );
    // Asked for private repositories it cannot list: a named warning, never silence.
    assert.deepEqual(
      seen.warnings.items.map((w) => w.code),
      ["private-repositories-unlisted"],
    );
    const paths = other.requests.filter((r) => r.server === "api" && /repos$|repos\?/.test(r.url)).map((r) => `${r.status} ${r.url.replace(/\?.*/, "")}`);
    assert.deepEqual(paths, ["404 /orgs/octo/repos", "200 /users/octo/repos"]);
    // The owner's own token: the private repository too.
    const own = await build(at(OCTO));
    assert.deepEqual(
      own.index.projects.map((p) => p.name),
      ["octo-secret", "octo-tool"],
    );
    assert.deepEqual(
      own.warnings.items.map((w) => w.code),
      ["private-files-linked"],
      "its own token: nothing unlisted (the private files are linked, as for any private repository)",
    );
    // Neither an organisation nor a user: the error says what was tried.
    await assert.rejects(build({ ...at(TOKEN), org: "nobody" }), /listing the repositories of nobody \(not an organisation, so as a user account\) failed with HTTP 404/);
  } finally {
    await other.close();
  }
});
