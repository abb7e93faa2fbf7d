/**
 * The one-commit publication, run the way `pulumi up` runs it: the provider text comes from a
 * SitePublication declared under Pulumi's mocks (the SDK's own serialisation), Pulumi's own
 * dynamic-provider host loads it in a separate plain `node` process, and this test plays the
 * engine over gRPC: check, create, diff, update, read and delete against the Git Data API
 * emulator, whose bare repository is then checked out and compared with the site byte for byte.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SitePublication } from "../infra/publish/site-publication.js";
import { siteManifest } from "../infra/publish/site-manifest.js";
import type { PublicationProvider } from "../infra/publish/git-data-provider.js";
import { captureSerialisedProviders, DynamicProviderHost, loadProviderFromText } from "./helpers/dynamic-provider-host.js";
import { snapshot } from "./helpers/files.js";
import { GitDataEmulator } from "./helpers/git-data-emulator.js";
import { demoDists, tempDir } from "./helpers/paths.js";
import { buildTo, folderObjects } from "./helpers/site.js";

const TOKEN = "ghp_publicationTestToken0123456789";
const URN = "urn:pulumi:dev::github-pypi::github-pypi:pages:IndexRepository$pulumi-nodejs:dynamic/publish:SitePublication::index";

// The SDK serialises the provider when the resource is declared; the mock monitor receives the text.
const serialisedProvider = captureSerialisedProviders();

/** The environment a CI runner would hand the engine, minus anything that could leak a token or a loader. */
const defaultEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
/** The emulator has no secondary rate limits, so most tests drop GitHub's second between writes (one test keeps it). */
const hostEnv: NodeJS.ProcessEnv = { ...defaultEnv, GITHUB_PYPI_WRITE_INTERVAL_MS: "0" };

let emu: GitDataEmulator;
let host: DynamicProviderHost;
let siteDir: string;
let providerText: string;

async function build(config: Record<string, unknown> = {}): Promise<Record<string, string>> {
  await buildTo(siteDir, { from: [demoDists], config });
  return siteManifest(await folderObjects(siteDir));
}

function inputs(files: Record<string, string>): Record<string, unknown> {
  return { apiUrl: emu.apiUrl, owner: "acme", repository: "pypi", branch: "gh-pages", siteDir, files, message: "Publish the package index", __provider: providerText };
}

function git(...args: string[]): string {
  return execFileSync("git", ["--git-dir", emu.bareRepo, ...args], { env: { PATH: process.env.PATH ?? "", HOME: tempDir("git-home") } })
    .toString()
    .trim();
}

/** The requests since `from`, as "METHOD /path-without-repo-prefix", GETs left out unless asked. */
function writesSince(from: number): string[] {
  return emu.requests
    .slice(from)
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.url.replace("/repos/acme/pypi", "").replace(/\/[0-9a-f]{40}$/, "/<sha>")}`);
}

function assertCheckoutEqualsSite(): void {
  const checkout = emu.checkout("gh-pages");
  assert.ok(checkout, "the pages branch exists");
  const got = snapshot(checkout);
  const want = snapshot(siteDir);
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [path, bytes] of want) assert.ok(got.get(path)?.equals(bytes), `${path} differs`);
}

before(async () => {
  emu = await GitDataEmulator.start({ token: TOKEN });
  emu.pushOutside("main", { "README.md": "# pypi\n" }); // what autoInit leaves in a new repository
  siteDir = tempDir("publication-site");
  const files = await build();
  new SitePublication("index", { apiUrl: emu.apiUrl, owner: "acme", repository: "pypi", branch: "gh-pages", siteDir, files, message: "Publish the package index" });
  providerText = await serialisedProvider("pulumi-nodejs:dynamic/publish:SitePublication");
  host = await DynamicProviderHost.start(hostEnv);
  await host.configure({ "github:token": TOKEN, "github:owner": "acme" });
});

after(async () => {
  await host?.stop();
  await emu?.close();
});

describe("publication through the serialised dynamic provider", () => {
  let id = "";
  let state: Record<string, unknown> = {};
  let firstFiles: Record<string, string> = {};

  test("the serialised provider has no TypeScript loader or ESM import in it", () => {
    assert.doesNotMatch(providerText, /\bimport\s*\(|from\s+["']|tsx|__require/);
    assert.doesNotMatch(providerText, new RegExp(TOKEN), "the token is never part of the provider text");
  });

  test("create: the whole site lands as one commit with .nojekyll, text inline and one blob per binary file", async () => {
    firstFiles = siteManifest(await folderObjects(siteDir));
    assert.ok(firstFiles[".nojekyll"], "the site carries .nojekyll");
    const checked = await host.check(URN, {}, inputs(firstFiles));
    assert.deepEqual(checked.failures, []);
    const from = emu.requests.length;
    const created = await host.create(URN, checked.inputs);
    id = created.id;
    state = created.properties;
    assert.equal(id, "acme/pypi@gh-pages");
    assertCheckoutEqualsSite();
    assert.equal(git("rev-list", "--count", "gh-pages"), "1", "one commit");
    assert.equal(state.commit, git("rev-parse", "gh-pages"));
    const binaries = Object.keys(firstFiles).filter((p) => /\.(whl|tar\.gz|zip)$/.test(p)).length;
    assert.ok(binaries >= 5);
    const writes = writesSince(from);
    assert.equal(writes.filter((w) => w === "POST /git/blobs").length, binaries);
    assert.deepEqual(
      writes.filter((w) => w !== "POST /git/blobs"),
      ["POST /git/trees", "POST /git/commits", "POST /git/refs"],
    );
    assert.deepEqual((state.lastPublish as { added: number }).added, Object.keys(firstFiles).length);
    assert.equal(emu.requests.slice(from).filter((r) => r.status === 401).length, 0, "every request carried the token");
  });

  test("diff: an unchanged site has nothing to do, so preview shows no change", async () => {
    const from = emu.requests.length;
    const diff = await host.diff(id, URN, state, inputs(siteManifest(await folderObjects(siteDir))));
    assert.deepEqual(diff, { changes: "none", replaces: [] });
    assert.equal(emu.requests.length, from, "the diff makes no request");
  });

  test("diff lists exactly the changed paths; a different branch or repository is a replacement", async () => {
    const files = await build({ yanked: { "demo-core": { "1.0.0": "broken" } } });
    assert.deepEqual(await host.diff(id, URN, state, inputs(files)), { changes: "some", replaces: [] });
    // The engine learns the changed paths from the `files` map; the provider's diff names them too.
    const provider = loadProviderFromText<PublicationProvider>(providerText);
    const diff = await provider.diff(id, state as never, inputs(files) as never);
    // A yank shows on the project's index pages and on its catalog page.
    assert.deepEqual(diff.changedPaths, [
      { path: "project/demo-core/index.html", kind: "update" },
      { path: "simple/demo-core/index.html", kind: "update" },
      { path: "simple/demo-core/index.json", kind: "update" },
    ]);
    const moved = await host.diff(id, URN, state, { ...inputs(files), branch: "pages", repository: "PyPI" });
    assert.deepEqual(moved.replaces, ["branch"], "repository names compare case-insensitively");
  });

  test("update: one tree, one commit and one fast-forward for a change; the checkout equals the new site", async () => {
    const files = siteManifest(await folderObjects(siteDir));
    const before = git("rev-parse", "gh-pages");
    const from = emu.requests.length;
    state = await host.update(id, URN, state, inputs(files));
    assert.deepEqual(writesSince(from), ["POST /git/trees", "POST /git/commits", "PATCH /git/refs/heads/gh-pages"]);
    assertCheckoutEqualsSite();
    assert.equal(git("rev-list", "--count", "gh-pages"), "2");
    assert.equal(git("rev-parse", "gh-pages^"), before, "a fast-forward on top of the previous publication");
    // The yank's three pages: the project's two index pages and its catalog page.
    assert.deepEqual({ added: 0, changed: 3, deleted: 0, blobs: 0 }, (({ added, changed, deleted, blobs }) => ({ added, changed, deleted, blobs }))(state.lastPublish as Record<string, number>));
    assert.match(git("log", "-1", "--format=%B", "gh-pages"), /^Publish the package index\n\n0 added, 3 changed, 0 deleted\./);
  });

  test("a lost race is retried on top of the new tip, and files others pushed to the branch are removed", async () => {
    const files = await build(); // back to no yank
    emu.pushOutside("gh-pages", { "stray.txt": "pushed by hand\n" });
    emu.failNextRefUpdates(1);
    const from = emu.requests.length;
    state = await host.update(id, URN, state, inputs(files));
    const patches = writesSince(from).filter((w) => w.startsWith("PATCH"));
    assert.equal(patches.length, 2, "the first ref update lost the race, the second won");
    assert.equal((state.lastPublish as { attempts: number }).attempts, 2);
    assert.match(host.stderr, /gh-pages moved while publishing; retrying/);
    assertCheckoutEqualsSite();
    assert.deepEqual(files, firstFiles);
  });

  test("an update whose site the branch already holds writes nothing", async () => {
    const from = emu.requests.length;
    state = await host.update(id, URN, state, inputs(siteManifest(await folderObjects(siteDir))));
    assert.deepEqual(writesSince(from), []);
    assert.equal((state.lastPublish as { requests: number }).requests, 3, "ref, commit and tree reads only");
  });

  test("read (refresh) reports what the branch really holds, so drift shows in the next diff", async () => {
    emu.pushOutside("gh-pages", { "drift.txt": "edited on GitHub\n" });
    const read = await host.read(id, URN, state);
    assert.equal(read.id, id);
    assert.ok((read.properties.files as Record<string, string>)["drift.txt"]);
    assert.equal(read.properties.__provider, providerText, "the provider survives a refresh");
    const diff = await host.diff(id, URN, read.properties, inputs(siteManifest(await folderObjects(siteDir))));
    assert.equal(diff.changes, "some");
    state = await host.update(id, URN, read.properties, inputs(siteManifest(await folderObjects(siteDir))));
    assertCheckoutEqualsSite();
  });

  test("a flaky GitHub: 5xx answers are retried with backoff and a 429 waits out its rate-limit reset; the publication still lands once", async () => {
    const files = await build({ yanked: { "demo-core": { "1.1.0": "flaky test" } } });
    emu.faults.push(
      { method: "GET", path: /^\/git\/ref\/heads\/gh-pages$/, status: 502, times: 2 },
      { method: "POST", path: /^\/git\/trees$/, status: 503, times: 1 },
      // GitHub's primary rate limit: nothing left until x-ratelimit-reset (epoch seconds), a second after the answer.
      { method: "POST", path: /^\/git\/commits$/, status: 429, headers: () => ({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1) }), times: 1 },
    );
    const from = emu.requests.length;
    const commits = Number(git("rev-list", "--count", "gh-pages"));
    state = await host.update(id, URN, state, inputs(files));
    const seen = emu.requests.slice(from).map((r) => `${r.method} ${r.status}`);
    assert.deepEqual(
      seen.filter((r) => /^(GET|POST) (5\d\d|429)$/.test(r)),
      ["GET 502", "GET 502", "POST 503", "POST 429"],
      seen.join("\n"),
    );
    assert.match(host.stderr, /GitHub rate limit on POST \/repos\/acme\/pypi\/git\/commits: waiting [1-3]s for it to reset/);
    assert.equal(Number(git("rev-list", "--count", "gh-pages")), commits + 1, "one commit, not one per attempt");
    assertCheckoutEqualsSite();
    assert.deepEqual(
      emu.faults.map((f) => f.times),
      [0, 0, 0],
      "every fault was met",
    );
    emu.faults.length = 0;
    // Back to the first site, for the tests after this one.
    state = await host.update(id, URN, state, inputs(await build()));
    assertCheckoutEqualsSite();
  });

  test("by default writes go one at a time, a second apart (GitHub's rule against secondary rate limits); a bad interval is refused", async () => {
    const other = await DynamicProviderHost.start(defaultEnv);
    try {
      await other.configure({ "github:token": TOKEN });
      const from = emu.requests.length;
      state = await other.update(id, URN, state, inputs(await build({ yanked: { "demo-core": { "1.1.0": "spacing test" } } })));
      const writes = emu.requests.slice(from).filter((r) => r.method !== "GET");
      assert.ok(writes.length >= 3, `a tree, a commit and a ref update at least (${writes.length})`);
      const gaps = writes.slice(1).map((w, i) => w.at - (writes[i] as (typeof writes)[number]).at);
      assert.ok(
        gaps.every((g) => g >= 900),
        `gaps between writes: ${gaps.join(", ")} ms`,
      );
      assertCheckoutEqualsSite();
    } finally {
      await other.stop();
    }
    const bad = await DynamicProviderHost.start({ ...defaultEnv, GITHUB_PYPI_WRITE_INTERVAL_MS: "fast" });
    try {
      await bad.configure({ "github:token": TOKEN });
      await assert.rejects(bad.update(id, URN, state, inputs(await build())), /GITHUB_PYPI_WRITE_INTERVAL_MS must be a whole number of milliseconds, not "fast"/);
    } finally {
      await bad.stop();
    }
    state = await host.update(id, URN, state, inputs(await build()));
    assertCheckoutEqualsSite();
  });

  test("a GitHub that keeps failing stops the update with the status, after its retries", async () => {
    emu.faults.push({ method: "GET", path: /^\/git\/ref\/heads\/gh-pages$/, status: 500, times: 10 });
    try {
      await assert.rejects(host.update(id, URN, state, inputs(siteManifest(await folderObjects(siteDir)))), /GET \/repos\/acme\/pypi\/git\/ref\/heads\/gh-pages failed with HTTP 500/);
      assert.equal(emu.faults[0]?.times, 6, "four attempts, then the error");
    } finally {
      emu.faults.length = 0;
    }
  });

  test("a truncated recursive listing (GitHub's limit) is read folder by folder, and the diff is still exact", async () => {
    emu.truncateRecursiveAfter = 10;
    try {
      const from = emu.requests.length;
      const read = await host.read(id, URN, state);
      const listed = read.properties.files as Record<string, string>;
      assert.deepEqual(Object.keys(listed).sort(), Object.keys(siteManifest(await folderObjects(siteDir))).sort(), "every file, not the first 10");
      const trees = emu.requests.slice(from).filter((r) => r.method === "GET" && r.url.includes("/git/trees/"));
      assert.ok(trees.length > 2, `one listing per folder after the truncated one (${trees.length})`);
      const diff = await host.diff(id, URN, read.properties, inputs(siteManifest(await folderObjects(siteDir))));
      assert.equal(diff.changes, "none");
    } finally {
      emu.truncateRecursiveAfter = undefined;
    }
  });

  test("a change set larger than one create-tree request is chained through base_tree, in one commit", async () => {
    await build();
    // 20 text files of 500 KiB travel inline (under the 512 KiB inline limit): 10 MB, more than one tree request carries.
    mkdirSync(join(siteDir, "bulk"));
    for (let i = 0; i < 20; i++) writeFileSync(join(siteDir, "bulk", `page-${i}.txt`), `${i}\n`.padEnd(500 * 1024, "x"));
    const files = siteManifest(await folderObjects(siteDir));
    const from = emu.requests.length;
    const commits = Number(git("rev-list", "--count", "gh-pages"));
    state = await host.update(id, URN, state, inputs(files));
    const writes = writesSince(from);
    assert.deepEqual(writes, ["POST /git/trees", "POST /git/trees", "POST /git/commits", "PATCH /git/refs/heads/gh-pages"]);
    // The second tree is built on the first: a chain that dropped either half would miss files here.
    assertCheckoutEqualsSite();
    assert.equal(Number(git("rev-list", "--count", "gh-pages")), commits + 1);
    state = await host.update(id, URN, state, inputs(await build()));
    assertCheckoutEqualsSite();
  });

  test("check rejects paths git cannot hold and ids that are not blob ids, naming them", async () => {
    const bad = await host.check(URN, {}, inputs({ "../escape": "a".repeat(40), "ok/file": "xyz", "x/.git/config": "b".repeat(40) }));
    assert.deepEqual(
      bad.failures.map((f) => f.reason),
      ['"../escape" is not a valid path in a git tree', 'ok/file: "xyz" is not a git blob id', '"x/.git/config" is not a valid path in a git tree'],
    );
  });

  test("a rejected token fails with GitHub's status and a hint, and never shows the token", async () => {
    const other = await DynamicProviderHost.start(hostEnv);
    try {
      await other.configure({ "github:token": "ghp_wrongWrongWrong" });
      await assert.rejects(other.create(URN, inputs(siteManifest(await folderObjects(siteDir)))), (e: Error) => {
        assert.match(
          e.message,
          /GitHub: GET \/repos\/acme\/pypi\/git\/ref\/heads\/gh-pages failed with HTTP 401: Bad credentials \(the token was rejected: set a valid one with `pulumi config set --secret github:token`/,
        );
        assert.doesNotMatch(e.message, /ghp_wrong/);
        return true;
      });
    } finally {
      await other.stop();
    }
    assert.doesNotMatch(host.stderr, new RegExp(TOKEN));
  });

  test("the token also comes from GITHUB_TOKEN when stack config has none", async () => {
    const other = await DynamicProviderHost.start({ ...hostEnv, GITHUB_TOKEN: TOKEN });
    try {
      await other.configure({});
      const read = await other.read(id, URN, state);
      assert.equal(read.id, id);
    } finally {
      await other.stop();
    }
  });

  test("delete removes the pages branch, and deleting again is not an error", async () => {
    await host.delete(id, URN, state);
    assert.equal(emu.checkout("gh-pages"), undefined);
    assert.ok(emu.checkout("main"), "the default branch is untouched");
    await host.delete(id, URN, state);
    const read = await host.read(id, URN, state);
    assert.equal(read.id, "", "a refresh after deletion reports the publication gone");
  });

  test("on the default branch, delete empties it instead (GitHub refuses to delete the default branch)", async () => {
    const onMain = { ...inputs(firstFiles), branch: "main" };
    const created = await host.create(URN, onMain);
    assert.ok(emu.checkout("main"));
    await host.delete(created.id, URN, created.properties);
    const left = emu.checkout("main");
    assert.ok(left);
    assert.equal(snapshot(left).size, 0, "the default branch is left with an empty tree");
  });
});
