/**
 * The build, hardening round two: file names with no room for their sidecars on the hosts' file
 * systems, core metadata carrying characters no page may carry or naming another project, and a
 * private index whose names could be told apart by its upstream redirect (404 for ours, 302 for
 * the rest). Real wheels, the real folder publisher, the GitHub emulator and the real server.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultAccessMapPath, readAccessFile } from "../generator/serving/access/access-map-file.js";
import { createAccessGate } from "../generator/serving/access/gate.js";
import { createGitHubAccess } from "../generator/serving/access/github-access.js";
import { stackConfigSchema } from "../infra/config/stack-schema.js";
import type { GitHubSourceOptions } from "../generator/sources/github-report.js";
import { startServer, type RunningServer } from "../generator/serving/server.js";
import { buildIndexForStack } from "../infra/build/build-index.js";
import { GitHubEmulator } from "./helpers/github-emulator.js";
import { cliPath, demoDists, tempDir } from "./helpers/paths.js";
import { makeWheel } from "./helpers/python-dists.js";
import { run } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";

const WHEEL = "demo_core-1.2.0-py3-none-any.whl";
/** The build's token on the emulator (an App installation's, by its prefix). */
const BOT = "ghs_build_bot_token_for_hardening_two";

/**
 * `<stem>-py3-none-<platform>.whl` of exactly `bytes` bytes of UTF-8: the platform tag is padded
 * with `pad` while it fits, then with `x` (pip does not read the tag of a file it is not offered).
 */
function wheelNameOfBytes(stem: string, bytes: number, pad = "x"): string {
  const head = `${stem}-py3-none-`;
  let platform = "";
  while (Buffer.byteLength(`${head}${platform}${pad}.whl`) <= bytes) platform += pad;
  while (Buffer.byteLength(`${head}${platform}.whl`) < bytes) platform += "x";
  const name = `${head}${platform}.whl`;
  assert.equal(Buffer.byteLength(name), bytes);
  return name;
}

interface ProjectJson {
  name: string;
  files: { filename: string; "requires-python"?: string }[];
}
const projectJson = (site: string, project: string): ProjectJson => JSON.parse(readFileSync(join(site, "simple", project, "index.json"), "utf8")) as ProjectJson;

/** Every page of a site (HTML and JSON), as path -> text; distributions and their `.metadata` are files, not pages. */
function pages(site: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(site, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(html|json)$/.test(entry.name)) {
      const path = join(entry.parentPath, entry.name);
      out.set(relative(site, path), readFileSync(path, "utf8"));
    }
  }
  return out;
}

describe("a file name the hosts cannot hold with its sidecars", () => {
  test("from --from: each too long for `<file>.provenance` in 255 bytes (bytes, not characters) is a named warning and left out; the rest is built", async () => {
    const dir = tempDir("long-names");
    copyFileSync(join(demoDists, WHEEL), join(dir, WHEEL));
    const wheel = makeWheel({ name: "longname", version: "1.0", summary: "Long" });
    const fits = wheelNameOfBytes("longname-1.0", 244); // `<file>.provenance` is exactly 255 bytes
    const noProvenance = wheelNameOfBytes("longname-1.0", 245); // `.metadata` fits, `.provenance` would not
    const noMetadata = wheelNameOfBytes("longname-1.0", 250); // its `.metadata` is 259 bytes: the build stopped with ENAMETOOLONG
    const wide = wheelNameOfBytes("longname-1.0", 245, "é"); // far fewer characters than bytes
    assert.ok(wide.length < 150, "the wide name is short in characters");
    for (const name of [fits, noProvenance, noMetadata, wide]) writeFileSync(join(dir, name), wheel.bytes);

    const site = join(tempDir("long-names-site"), "site");
    const r = await buildTo(site, { from: [dir] });
    const refused = r.warnings.filter((w) => w.code === "filename-too-long");
    assert.deepEqual(refused.map((w) => w.subject).sort(), [noProvenance, noMetadata, wide].sort());
    for (const w of refused) assert.match(w.message, /^\/.*: the file name is \d+ bytes; the site writes `<file>\.provenance` beside it, which must fit in 255 bytes: at most 244; not indexed$/);
    assert.ok(
      refused.some((w) => w.message.startsWith(join(dir, wide)) && w.message.includes(": the file name is 245 bytes;")),
      "bytes are counted, not characters",
    );

    // The name that fits is published with its sidecar; the others are nowhere.
    assert.deepEqual(
      projectJson(site, "longname").files.map((f) => f.filename),
      [fits],
    );
    assert.ok(existsSync(join(site, "files", "longname", fits)));
    assert.ok(existsSync(join(site, "files", "longname", `${fits}.metadata`)));
    assert.deepEqual(readdirSync(join(site, "files", "longname")).sort(), [fits, `${fits}.metadata`].sort());
    assert.deepEqual(
      projectJson(site, "demo-core").files.map((f) => f.filename),
      [WHEEL],
    );
  });

  test("from package lists: a name, or a project folder, too long is left out with the same warning naming its line", async () => {
    const lists = tempDir("long-lists");
    const long = `${"a".repeat(240)}-1.0.tar.gz`; // its project folder fits, the file's name does not
    const longer = `${"b".repeat(300)}-1.0.tar.gz`; // even its project folder passes 255 bytes: the build stopped with ENAMETOOLONG
    const longWheel = wheelNameOfBytes("wheely-1.0", 246);
    writeFileSync(join(lists, "l.txt"), `${long}\ndemo-1.0.tar.gz\n${longer}\n`);
    const hash = `sha256=${"0".repeat(64)}`;
    writeFileSync(join(lists, "l.jsonl"), `${JSON.stringify({ filename: longWheel, hash, core_metadata: true })}\n${JSON.stringify({ filename: "wheely-1.1-py3-none-any.whl", hash })}\n`);
    const site = join(tempDir("long-lists-site"), "site");
    const r = await buildTo(site, { packageLists: [join(lists, "l.txt")], packageListsJson: [join(lists, "l.jsonl")], config: { packagesUrl: "https://files.example/pool/" } });
    assert.deepEqual(
      r.index.projects.map((p) => `${p.name} ${p.files.map((f) => f.filename).join(" ")}`),
      ["demo demo-1.0.tar.gz", "wheely wheely-1.1-py3-none-any.whl"],
    );
    const refused = r.warnings.filter((w) => w.code === "filename-too-long");
    assert.deepEqual(
      refused.map((w) => w.subject),
      [long, longer, longWheel],
    );
    assert.match(refused[0]?.message ?? "", /l\.txt:1: the file name is 251 bytes/);
    assert.match(refused[1]?.message ?? "", /l\.txt:3: the file name is 311 bytes/);
    assert.match(refused[2]?.message ?? "", /l\.jsonl:1: the file name is 246 bytes/);
  });

  test("from GitHub (mirrored): an asset whose name is too long is left out with the same warning; the release's other files are indexed", async () => {
    const emu = await GitHubEmulator.start({ token: BOT });
    try {
      const good = makeWheel({ name: "acme-long", version: "1.0" });
      const long = makeWheel({ name: "acme-long", version: "1.1" });
      const longName = wheelNameOfBytes("acme_long-1.1", 250);
      emu.setOrg("acme", [
        {
          name: "long",
          releases: [
            { tag: "v1.1", assets: [{ name: longName, bytes: long.bytes }] },
            { tag: "v1.0", assets: [{ name: good.filename, bytes: good.bytes }] },
          ],
        },
      ]);
      const site = join(tempDir("long-gh-site"), "site");
      const r = await buildTo(site, { github: githubSource(emu, "long-gh", false) });
      assert.deepEqual(
        r.warnings.filter((w) => w.code === "filename-too-long").map((w) => w.subject),
        [longName],
      );
      assert.deepEqual(
        projectJson(site, "acme-long").files.map((f) => f.filename),
        [good.filename],
      );
      assert.deepEqual(readdirSync(join(site, "files", "acme-long")).sort(), [good.filename, `${good.filename}.metadata`]);
    } finally {
      await emu.close();
    }
  });
});

describe("core metadata that no page may carry", () => {
  /** Characters HTML and XML do not allow in a page, from C0, DEL, C1 and the noncharacters, put where each field reaches a page. */
  const INJECTED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ufffe"];
  const strip = (s: string): string => [...s].filter((c) => !INJECTED.includes(c)).join("");
  const summary = "Fast\x00 tool\x1b[31m red\x7f\ufffe";
  const license = "MIT\x0c licence\x85";

  test("control characters are removed from text (Summary, License, Description, Requires-Python) and links and dependencies carrying them are left out, with a named warning; no page carries one", async () => {
    const dir = tempDir("control-chars");
    copyFileSync(join(demoDists, WHEEL), join(dir, WHEEL));
    const wheel = makeWheel({
      name: "ctrl-demo",
      version: "1.0",
      summary,
      requiresPython: ">=3.8\x01",
      requiresDist: ["dep\x08>=1", "demo-core>=1"],
      headers: [`License: ${license}`, "Home-page: https://exa\x00mple.com/", "Project-URL: Docs, https://docs.example/\x1b", "Project-URL: Source, https://src.example/ctrl"],
      description: { text: "# Title\x00\n\nBody\x0c text\x0b end\x01", contentType: "text/markdown" },
    });
    writeFileSync(join(dir, wheel.filename), wheel.bytes);
    const site = join(tempDir("control-chars-site"), "site");
    const r = await buildTo(site, { from: [dir] });

    const warned = r.warnings.filter((w) => w.code === "control-characters");
    assert.equal(warned.length, 1, JSON.stringify(r.warnings));
    assert.equal(warned[0]?.subject, wheel.filename);
    assert.match(
      warned[0]?.message ?? "",
      /ctrl_demo-1\.0-py3-none-any\.whl: its core metadata holds characters no page may carry \(control characters, noncharacters\): removed from Summary, Requires-Python, License, Description; left out: Home-page "https:\/\/exa\\u0000mple\.com\/", Project-URL "Docs, https:\/\/docs\.example\/\\u001b", Requires-Dist "dep\\b>=1"$/,
    );

    for (const [path, text] of pages(site)) {
      for (const c of INJECTED) assert.ok(!text.includes(c), `${path} carries U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    }
    // The per-person list pages are rendered from entries the build writes beside the site.
    const lists = (await readAccessFile(defaultAccessMapPath(site)))?.lists;
    for (const entry of lists?.projects ?? []) for (const c of INJECTED) assert.ok(!entry.row.includes(c), `list row of ${entry.name}`);

    // What is left is what was written, less those characters.
    const all = pages(site);
    assert.ok(all.get("index.html")?.includes(strip(summary)), "the landing page shows the summary without them");
    const page = all.get("project/ctrl-demo/index.html") ?? "";
    assert.ok(page.includes(strip(summary)));
    assert.ok(page.includes(strip(license)));
    assert.ok(page.includes("Body text end"), "the description keeps its text");
    assert.ok(page.includes('href="https://src.example/ctrl"'), "a clean link is kept");
    assert.ok(!page.includes("example.com") && !page.includes("docs.example"), "a link that carried one is left out, not rewritten");
    const dependencies = page.match(/<li class="dependency">.*<\/li>/g) ?? [];
    assert.equal(dependencies.length, 1, "a dependency that carried one is left out");
    assert.match(dependencies[0] ?? "", /demo-core.*&gt;=1/, "a clean dependency is kept");
    assert.equal(projectJson(site, "ctrl-demo").files[0]?.["requires-python"], ">=3.8");
    assert.match(all.get("simple/ctrl-demo/index.html") ?? "", /data-requires-python="&gt;=3\.8"/);
    // The PEP 658 file is the wheel's own METADATA, byte for byte: pip checks it against its hash.
    assert.deepEqual(readFileSync(join(site, "files", "ctrl-demo", `${wheel.filename}.metadata`)), Buffer.from(wheel.metadata));
  });

  test("a Requires-Python with such characters from a package list is cleaned the same way", async () => {
    const lists = tempDir("control-list");
    writeFileSync(join(lists, "l.jsonl"), `${JSON.stringify({ filename: "listed-1.0.tar.gz", hash: `sha256=${"1".repeat(64)}`, requires_python: ">=3.9\u0000" })}\n`);
    const site = join(tempDir("control-list-site"), "site");
    const r = await buildTo(site, { packageListsJson: [join(lists, "l.jsonl")], config: { packagesUrl: "https://files.example/pool/" } });
    assert.deepEqual(
      r.warnings.filter((w) => w.code === "control-characters").map((w) => w.subject),
      ["listed-1.0.tar.gz"],
    );
    assert.equal(projectJson(site, "listed").files[0]?.["requires-python"], ">=3.9");
    for (const [path, text] of pages(site)) assert.ok(!text.includes("\u0000"), path);
  });

  test("a Name that is another project's is a named warning and never the project's name on any page; the file name's spelling is", async () => {
    const dir = tempDir("foreign-name");
    // METADATA says Evil-Corp; the file (and its own dist-info folder) says Acme_App.
    const foreign = makeWheel({ name: "Evil-Corp", version: "1.0", distInfoName: "acme_app-1.0", summary: "App" });
    writeFileSync(join(dir, "Acme_App-1.0-py3-none-any.whl"), foreign.bytes);
    // A Name that normalises to the file's project is the project's own spelling, kept.
    const own = makeWheel({ name: "Good.Lib", version: "2.0" });
    writeFileSync(join(dir, own.filename), own.bytes);
    const site = join(tempDir("foreign-name-site"), "site");
    const r = await buildTo(site, { from: [dir] });

    const root = JSON.parse(readFileSync(join(site, "simple", "index.json"), "utf8")) as { projects: { name: string }[] };
    assert.deepEqual(
      root.projects.map((p) => p.name),
      ["Acme_App", "Good.Lib"],
    );
    assert.ok(
      r.warnings.some(
        (w) =>
          w.code === "metadata-mismatch" &&
          w.message.includes('metadata names project "Evil-Corp" but the file name says "Acme_App"; listed under acme-app, and that Name is never shown as the project\'s'),
      ),
      JSON.stringify(r.warnings),
    );
    for (const [path, text] of pages(site)) assert.ok(!text.includes("Evil-Corp"), `${path} shows the foreign name`);
    const lists = (await readAccessFile(defaultAccessMapPath(site)))?.lists;
    assert.deepEqual(
      lists?.projects.map((p) => p.displayName),
      ["Acme_App", "Good.Lib"],
    );
    assert.ok(lists?.projects.every((p) => !p.row.includes("Evil-Corp")));
  });
});

function githubSource(emu: GitHubEmulator, label: string, includePrivate: boolean): GitHubSourceOptions {
  return {
    apiUrl: emu.apiUrl,
    token: BOT,
    org: "acme",
    repositories: [],
    topics: [],
    includePrivate,
    includeArchived: false,
    tags: false,
    files: "mirror",
    cacheDir: tempDir(`${label}-cache`),
    maxRateLimitWaitSeconds: 5,
    retryBaseMs: 1,
  };
}

describe("a private index with an upstream: names no claimed pattern covers", () => {
  /** Nothing listens there: the redirect is looked at, never followed. */
  const UPSTREAM = "http://127.0.0.1:9/simple/";
  const ALICE = `ghp_alice${"0".repeat(31)}`;
  let emu: GitHubEmulator;

  before(async () => {
    emu = await GitHubEmulator.start({ token: BOT });
    emu.setOrg("acme", [
      { name: "secret", private: true, releases: [{ tag: "v0.1.0", assets: [{ name: "acme_secret-0.1.0-py3-none-any.whl", bytes: makeWheel({ name: "acme-secret", version: "0.1.0" }).bytes }] }] },
      { name: "open", releases: [{ tag: "v0.1.0", assets: [{ name: "acme_open-0.1.0-py3-none-any.whl", bytes: makeWheel({ name: "acme-open", version: "0.1.0" }).bytes }] }] },
      { name: "pypi", private: true },
    ]);
    // Alice may use the index (the gate) but not the secret repository.
    emu.setPeople([{ login: "alice", tokens: [ALICE], repositories: ["acme/pypi"] }]);
  });
  after(() => emu?.close());

  const siteOf = (label: string): string => join(tempDir(`${label}-site`), "site");
  const build = (label: string, claimed: string[] | undefined, extra: { private?: boolean; site?: string; namespaces?: string[] } = {}) =>
    buildTo(extra.site ?? siteOf(label), {
      from: [demoDists],
      github: githubSource(emu, label, true),
      ...(extra.private === undefined ? {} : { private: extra.private }),
      config: { ...(claimed === undefined ? {} : { upstream: { url: UPSTREAM, claimed } }), ...(extra.namespaces ? { namespaces: extra.namespaces } : {}) },
    });

  test("the build warns for each name only some readers of the gate may see, naming it and the fix; covered names, and names every reader sees, are not named", async () => {
    const r = await build("unclaimed", []);
    const warned = r.warnings.filter((w) => w.code === "private-name-unclaimed");
    // acme-open is a public repository's and demo-* follow the gate: every reader of the gate sees them on /simple/.
    assert.deepEqual(
      warned.map((w) => w.subject),
      ["acme-secret"],
    );
    assert.match(
      warned[0]?.message ?? "",
      /^acme-secret: no namespace or upstream\.claimed pattern covers it, so to anyone who may read the gate it answers 404 while a name the index does not hold answers 302 to the upstream: a guessed name can be tested\. Cover it, e\.g\. namespaces: \["acme"\]$/,
    );
    // A namespace covers it, as a claimed pattern does; another namespace does not.
    assert.deepEqual(
      (await build("namespaced", [], { namespaces: ["Acme"] })).warnings.filter((w) => w.code === "private-name-unclaimed"),
      [],
    );
    const elsewhere = (await build("other-namespace", [], { namespaces: ["acme-open"] })).warnings.filter((w) => w.code === "private-name-unclaimed");
    assert.deepEqual(
      elsewhere.map((w) => w.subject),
      ["acme-secret"],
    );
    assert.match(elsewhere[0]?.message ?? "", /\(namespaces now: acme-open\)/);
    assert.deepEqual(
      (await build("claimed", ["acme-*"])).warnings.filter((w) => w.code === "private-name-unclaimed"),
      [],
    );
    assert.deepEqual(
      (await build("claimed-exact", ["ACME_secret"])).warnings.filter((w) => w.code === "private-name-unclaimed"),
      [],
      "patterns match normalised names",
    );
    assert.deepEqual(
      (await build("no-upstream", undefined)).warnings.filter((w) => w.code === "private-name-unclaimed"),
      [],
    );
    // A public index (the stack's cdn.access: public, even with includePrivate) has no gate to probe.
    assert.deepEqual(
      (await build("public", [], { private: false })).warnings.filter((w) => w.code === "private-name-unclaimed"),
      [],
    );
  });

  test("the CLI: --include-private with an upstream prints the warning; --strict makes it an error and writes nothing", async () => {
    const config = join(tempDir("unclaimed-cli"), "c.yaml");
    writeFileSync(config, `upstream:\n  url: ${UPSTREAM}\n  claimed: []\n`);
    const args = [
      "build",
      "--github-org",
      "acme",
      "--include-private",
      "--no-tags",
      "--files",
      "mirror",
      "--github-api-url",
      emu.apiUrl,
      "--token",
      BOT,
      "--config",
      config,
      "--cache-dir",
      tempDir("unclaimed-cli-cache"),
      "--quiet",
    ];
    const out = join(tempDir("unclaimed-cli-out"), "site");
    const ok = await run(process.execPath, [cliPath, ...args, "--out", out]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /^warning\[private-name-unclaimed\]: acme-secret: no namespace or upstream\.claimed pattern covers it/m);
    const strictOut = join(tempDir("unclaimed-cli-strict"), "site");
    const strict = await run(process.execPath, [cliPath, ...args, "--strict", "--out", strictOut]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /--strict: 1 warning above; nothing was written/);
    assert.equal(existsSync(strictOut), false);
  });

  test("the stack: cdn.access github is a private index and warns; cdn.access public does not", async () => {
    const warnedFor = async (access: "github" | "public"): Promise<string[]> => {
      const config = stackConfigSchema.parse({
        upstream: { url: UPSTREAM, claimed: [] },
        files: "mirror",
        sources: { org: "acme", includePrivate: true, tags: false, includeArchived: false },
        cdn: { enabled: true, access },
      });
      const built = await buildIndexForStack(config, { owner: "acme", apiUrl: emu.apiUrl, token: BOT, workDir: tempDir(`stack-${access}`), log: { info: () => undefined, warn: () => undefined } });
      return built.warnings.filter((w) => w.code === "private-name-unclaimed").map((w) => w.subject ?? "");
    };
    assert.deepEqual(await warnedFor("github"), ["acme-secret"]);
    assert.deepEqual(await warnedFor("public"), []);
  });

  test("serve --auth github: with the name covered, a hidden name and a missing one answer alike (404); uncovered, they differ (the oracle the warning names)", async () => {
    const site = siteOf("served");
    const r = await build("served", ["acme-*"], { site });
    assert.ok(r.index.projects.some((p) => p.name === "acme-secret"));
    const file = await readAccessFile(defaultAccessMapPath(site));
    assert.ok(file?.lists);
    const serve = (claimed: string[]): Promise<RunningServer> => {
      const gate = createAccessGate({ gateRepository: "acme/pypi", map: file.map, github: createGitHubAccess({ apiUrl: emu.apiUrl }) });
      return startServer({ root: site, port: 0, upstream: { url: UPSTREAM, claimed }, access: { gate, realm: "acme/pypi", lists: file.lists as NonNullable<typeof file.lists> } });
    };
    const auth = { Authorization: `Basic ${Buffer.from(`token:${ALICE}`).toString("base64")}` };
    const get = async (server: RunningServer, name: string) => {
      const res = await fetch(`${server.url}/simple/${name}/`, { headers: auth, redirect: "manual" });
      const headers = [...res.headers].filter(([k]) => k !== "date");
      return { status: res.status, headers, body: await res.text() };
    };
    const covered = await serve(["acme-*"]);
    const uncovered = await serve([]);
    try {
      // Same length names, so even Content-Length could not tell them apart.
      const hidden = await get(covered, "acme-secret");
      const missing = await get(covered, "acme-absent");
      assert.equal(hidden.status, 404);
      assert.deepEqual(hidden, missing);
      assert.equal((await get(covered, "acme-open")).status, 200, "alice reads a public repository's project");
      assert.equal((await get(covered, "requests")).status, 302, "a name no pattern covers goes upstream");
      // Without the pattern, the same two answer differently: what the build warns about.
      assert.equal((await get(uncovered, "acme-secret")).status, 404);
      assert.equal((await get(uncovered, "acme-absent")).status, 302);
    } finally {
      await Promise.all([covered.close(), uncovered.close()]);
    }
  });
});
