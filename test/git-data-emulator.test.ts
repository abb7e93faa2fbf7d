import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { components } from "@octokit/openapi-types";
import { snapshot } from "./helpers/files.js";
import { GitDataEmulator } from "./helpers/git-data-emulator.js";
import { tempDir } from "./helpers/paths.js";

type GitRef = components["schemas"]["git-ref"];
type GitTree = components["schemas"]["git-tree"];
type GitCommit = components["schemas"]["git-commit"];
type ShortBlob = components["schemas"]["short-blob"];
type Blob = components["schemas"]["blob"];

const ALL_BYTES = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i));
const INDEX_HTML = "<!doctype html>\n<h1>Index – ünïcode</h1>\n";
const FIRST_FILES = new Map<string, Buffer>([
  ["index.html", Buffer.from(INDEX_HTML)],
  ["simple/alpha/data.bin", ALL_BYTES],
  ["simple/alpha/index.html", Buffer.from("<a>alpha</a>\n")],
  ["simple/beta/index.html", Buffer.from("<a>beta</a>\n")],
  ["bin/run.sh", Buffer.from("#!/bin/sh\necho hi\n")],
]);

let gh: GitDataEmulator;
let locked: GitDataEmulator;

before(async () => {
  [gh, locked] = await Promise.all([GitDataEmulator.start(), GitDataEmulator.start({ owner: "Org", repo: "site", token: "s3cret" })]);
});
after(async () => {
  await Promise.all([gh.close(), locked.close()]);
});

async function call<T>(method: string, path: string, body?: unknown, emu = gh, token?: string): Promise<{ status: number; json: T }> {
  const headers: Record<string, string> = { accept: "application/vnd.github+json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = token;
  const res = await fetch(`${emu.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

const repo = "/repos/acme/pypi";
const paths = (tree: GitTree) => tree.tree.map((e) => `${e.type} ${e.path}`).sort();

// No user or system configuration (autocrlf, templates) may colour what plain git checks out.
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: tempDir("git-test-home") };

/** Clones the bare repository with plain git and returns the working files (without .git). */
function cloneFiles(branch: string): Map<string, Buffer> {
  const dir = join(tempDir("git-clone"), "work");
  execFileSync("git", ["clone", "-q", "--branch", branch, gh.bareRepo, dir], { env: gitEnv });
  const files = snapshot(dir);
  for (const key of [...files.keys()]) if (key.startsWith(".git/")) files.delete(key);
  return files;
}

describe("Git Data emulator", () => {
  let first: GitCommit;
  let second: GitCommit;

  test("blobs, a nested tree without base, a commit and a new branch come out byte for byte", async () => {
    const text = await call<ShortBlob>("POST", `${repo}/git/blobs`, { content: INDEX_HTML, encoding: "utf-8" });
    assert.equal(text.status, 201);
    assert.match(text.json.sha, /^[0-9a-f]{40}$/);
    assert.equal(text.json.url, `${gh.apiUrl}${repo}/git/blobs/${text.json.sha}`);
    // git's own id for the same bytes: the emulator stores real objects.
    assert.equal(text.json.sha, execFileSync("git", ["hash-object", "--stdin"], { input: INDEX_HTML, env: gitEnv }).toString().trim());

    const binary = await call<ShortBlob>("POST", `${repo}/git/blobs`, { content: ALL_BYTES.toString("base64"), encoding: "base64" });
    assert.equal(binary.status, 201);
    const back = await call<Blob>("GET", `${repo}/git/blobs/${binary.json.sha}`);
    assert.equal(back.json.size, 256);
    assert.deepEqual(Buffer.from(back.json.content, "base64"), ALL_BYTES);

    const tree = await call<GitTree>("POST", `${repo}/git/trees`, {
      tree: [
        { path: "index.html", mode: "100644", type: "blob", sha: text.json.sha },
        { path: "simple/alpha/data.bin", mode: "100644", type: "blob", sha: binary.json.sha },
        { path: "simple/alpha/index.html", mode: "100644", type: "blob", content: "<a>alpha</a>\n" },
        { path: "simple/beta/index.html", mode: "100644", type: "blob", content: "<a>beta</a>\n" },
        { path: "bin/run.sh", mode: "100755", type: "blob", content: "#!/bin/sh\necho hi\n" },
      ],
    });
    assert.equal(tree.status, 201);
    assert.equal(tree.json.truncated, false);
    // Create-a-tree answers with the top level only, like GitHub.
    assert.deepEqual(paths(tree.json), ["blob index.html", "tree bin", "tree simple"]);

    const commit = await call<GitCommit>("POST", `${repo}/git/commits`, { message: "Publish index\n", tree: tree.json.sha, parents: [] });
    assert.equal(commit.status, 201);
    first = commit.json;
    assert.equal(first.tree.sha, tree.json.sha);
    assert.deepEqual(first.parents, []);
    assert.equal(first.message, "Publish index\n");
    assert.match(first.author.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const fetched = await call<GitCommit>("GET", `${repo}/git/commits/${first.sha}`);
    assert.deepEqual(fetched.json, first);

    assert.equal(gh.checkout(), undefined, "no gh-pages branch yet");
    assert.equal((await call("GET", `${repo}/git/ref/heads/gh-pages`)).status, 404);
    const ref = await call<GitRef>("POST", `${repo}/git/refs`, { ref: "refs/heads/gh-pages", sha: first.sha });
    assert.equal(ref.status, 201);
    assert.deepEqual(ref.json.object, { sha: first.sha, type: "commit", url: `${gh.apiUrl}${repo}/git/commits/${first.sha}` });
    const again = await call<{ message: string }>("POST", `${repo}/git/refs`, { ref: "refs/heads/gh-pages", sha: first.sha });
    assert.equal(again.status, 422);
    assert.equal(again.json.message, "Reference already exists");

    const got = await call<GitRef>("GET", `${repo}/git/ref/heads/gh-pages`);
    assert.equal(got.status, 200);
    assert.equal(got.json.ref, "refs/heads/gh-pages");
    assert.equal(got.json.object.sha, first.sha);

    const expected = FIRST_FILES;
    const out = gh.checkout();
    assert.ok(out);
    assert.deepEqual(snapshot(out), expected);
    assert.deepEqual(cloneFiles("gh-pages"), expected);
    // The executable bit survives too.
    const listing = execFileSync("git", ["--git-dir", gh.bareRepo, "ls-tree", "-r", "gh-pages"]).toString();
    assert.match(listing, /^100755 blob [0-9a-f]{40}\tbin\/run\.sh$/m);
  });

  test("a tree on a base changes, deletes and adds; the fast-forward update lands", async () => {
    const tree = await call<GitTree>("POST", `${repo}/git/trees`, {
      base_tree: first.tree.sha,
      tree: [
        { path: "index.html", mode: "100644", type: "blob", content: "<h1>v2</h1>\n" },
        { path: "simple/beta/index.html", mode: "100644", type: "blob", sha: null },
        { path: "simple/gamma/files/readme.txt", mode: "100644", type: "blob", content: "gamma\n" },
      ],
    });
    assert.equal(tree.status, 201);
    const commit = await call<GitCommit>("POST", `${repo}/git/commits`, { message: "Second", tree: tree.json.sha, parents: [first.sha] });
    assert.equal(commit.status, 201);
    second = commit.json;
    assert.deepEqual(
      second.parents.map((p) => p.sha),
      [first.sha],
    );

    const patched = await call<GitRef>("PATCH", `${repo}/git/refs/heads/gh-pages`, { sha: second.sha });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.object.sha, second.sha);

    const listed = await call<GitTree>("GET", `${repo}/git/trees/${second.tree.sha}?recursive=1`);
    assert.equal(listed.status, 200);
    // The emptied "simple/beta" folder is gone, like on GitHub.
    assert.deepEqual(paths(listed.json), [
      "blob bin/run.sh",
      "blob index.html",
      "blob simple/alpha/data.bin",
      "blob simple/alpha/index.html",
      "blob simple/gamma/files/readme.txt",
      "tree bin",
      "tree simple",
      "tree simple/alpha",
      "tree simple/gamma",
      "tree simple/gamma/files",
    ]);
    const data = listed.json.tree.find((e) => e.path === "simple/alpha/data.bin");
    assert.equal(data?.size, 256);
    assert.equal(data?.mode, "100644");
    assert.equal(listed.json.tree.find((e) => e.path === "simple")?.mode, "040000");

    const out = gh.checkout();
    assert.ok(out);
    const files = snapshot(out);
    assert.equal(files.get("index.html")?.toString(), "<h1>v2</h1>\n");
    assert.equal(files.has("simple/beta/index.html"), false);
    assert.deepEqual(files.get("simple/alpha/data.bin"), ALL_BYTES);
    assert.deepEqual(cloneFiles("gh-pages"), files);
  });

  test("a lost race is a 422 not a fast forward; injected failures; force wins", async () => {
    const theirs = gh.pushOutside("gh-pages", { "other.txt": "someone else\n" });
    assert.equal((await call<GitRef>("GET", `${repo}/git/ref/heads/gh-pages`)).json.object.sha, theirs);
    assert.equal(
      snapshot(gh.checkout() ?? "")
        .get("other.txt")
        ?.toString(),
      "someone else\n",
    );

    const mine = await call<GitCommit>("POST", `${repo}/git/commits`, { message: "Mine", tree: first.tree.sha, parents: [second.sha] });
    const lost = await call<{ message: string; documentation_url: string; status: string }>("PATCH", `${repo}/git/refs/heads/gh-pages`, { sha: mine.json.sha });
    assert.equal(lost.status, 422);
    assert.deepEqual(lost.json, {
      message: "Update is not a fast forward",
      documentation_url: "https://docs.github.com/rest/git/refs#update-a-reference",
      status: "422",
    });

    // Rebased on their tip it would land, but one injected failure comes first.
    const rebased = await call<GitCommit>("POST", `${repo}/git/commits`, { message: "Mine", tree: first.tree.sha, parents: [theirs] });
    gh.failNextRefUpdates(1);
    assert.equal((await call("PATCH", `${repo}/git/refs/heads/gh-pages`, { sha: rebased.json.sha })).status, 422);
    assert.equal((await call("PATCH", `${repo}/git/refs/heads/gh-pages`, { sha: rebased.json.sha })).status, 200);

    const forced = await call<GitRef>("PATCH", `${repo}/git/refs/heads/gh-pages`, { sha: mine.json.sha, force: true });
    assert.equal(forced.status, 200);
    assert.equal(forced.json.object.sha, mine.json.sha);
    assert.deepEqual(snapshot(gh.checkout() ?? ""), FIRST_FILES);
    assert.equal(gh.requests.filter((r) => r.method === "PATCH" && r.status === 422).length, 2);
  });

  test("bad input and unknown objects are answered like GitHub", async () => {
    assert.deepEqual((await call("GET", `${repo}/git/ref/heads/nope`)).json, {
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest/git/refs#get-a-reference",
      status: "404",
    });
    // Octokit escapes the slash in a ref name.
    assert.equal((await call("GET", `${repo}/git/ref/heads%2Fgh-pages`)).status, 200);
    assert.ok(gh.requests.every((r) => r.status < 500));
    const unknown = "0123456789abcdef0123456789abcdef01234567";
    assert.equal((await call("GET", `${repo}/git/commits/${unknown}`)).status, 404);
    assert.equal((await call("GET", `${repo}/git/trees/${unknown}`)).status, 404);
    assert.equal((await call("GET", `${repo}/git/trees/${first.sha}`)).status, 200, "a commit stands for its tree");
    assert.equal((await call("POST", `${repo}/git/trees`, { base_tree: unknown, tree: [] })).status, 422);
    assert.equal((await call("POST", `${repo}/git/trees`, { tree: [{ path: "a", mode: "100644", type: "blob", sha: unknown }] })).status, 422);
    assert.equal((await call("POST", `${repo}/git/trees`, { tree: [{ path: "../a", mode: "100644", type: "blob", content: "x" }] })).status, 422);
    assert.equal((await call("POST", `${repo}/git/commits`, { message: "m", tree: first.tree.sha, parents: [unknown] })).status, 422);
    assert.equal((await call("PATCH", `${repo}/git/refs/heads/nope`, { sha: first.sha })).status, 422);
    assert.equal((await call("POST", `${repo}/git/nothing`, {})).status, 404);
    assert.equal((await call("GET", "/repos/acme/other/git/ref/heads/gh-pages")).status, 404);

    const info = await call<{ default_branch: string; full_name: string }>("GET", repo);
    assert.equal(info.json.full_name, "acme/pypi");
    assert.equal(info.json.default_branch, "main");

    await call("POST", `${repo}/git/refs`, { ref: "refs/heads/scratch", sha: first.sha });
    assert.equal((await call("DELETE", `${repo}/git/refs/heads/scratch`)).status, 204);
    assert.equal((await call("GET", `${repo}/git/ref/heads/scratch`)).status, 404);
    assert.ok(gh.requests.some((r) => r.method === "DELETE" && r.status === 204 && r.url === `${repo}/git/refs/heads/scratch`));
  });

  test("a token, when set, is required", async () => {
    const path = "/repos/Org/site/git/blobs";
    const body = { content: "x", encoding: "utf-8" };
    const denied = await call<{ message: string }>("POST", path, body, locked);
    assert.equal(denied.status, 401);
    assert.equal(denied.json.message, "Bad credentials");
    assert.equal((await call("POST", path, body, locked, "token wrong")).status, 401);
    assert.equal((await call("POST", path, body, locked, "token s3cret")).status, 201);
    assert.equal((await call("POST", "/repos/org/SITE/git/blobs", body, locked, "Bearer s3cret")).status, 201);
    assert.deepEqual(
      locked.requests.map((r) => r.status),
      [401, 401, 201, 201],
    );
  });
});
