/**
 * The generator's output against the standards (PEP 503, 592, 629, 658, 691, 700, 714), its
 * determinism and atomicity, and its handling of bad input. Hashes and archive contents are
 * checked independently of the generator's own readers (Node's crypto, Python's zipfile).
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { demoDists, hostileDists, tempDir } from "./helpers/paths.js";
import { clientEnv } from "./helpers/python.js";
import { buildTo } from "./helpers/site.js";
import { anchors } from "./helpers/html.js";
import { snapshot } from "./helpers/files.js";
import { UserError } from "../generator/diagnostics/warnings.js";
import { loadIndexConfig, validateIndexConfig } from "../generator/config/load.js";

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const read = (site: string, path: string): string => readFileSync(join(site, path), "utf8");
const json = (site: string, path: string): Record<string, unknown> => JSON.parse(read(site, path)) as Record<string, unknown>;

interface JsonFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  "requires-python"?: string;
  "core-metadata"?: Record<string, string>;
  "dist-info-metadata"?: Record<string, string>;
  yanked?: string | boolean;
  size?: number;
  "upload-time"?: string;
}
interface ProjectJson {
  meta: { "api-version": string };
  name: string;
  versions: string[];
  files: JsonFile[];
}

/** The demo dists plus the hostile fixture, in one folder. */
function demoPlusHostile(): string {
  const dir = tempDir("dists");
  for (const f of readdirSync(demoDists)) copyFileSync(join(demoDists, f), join(dir, f));
  for (const f of readdirSync(hostileDists)) copyFileSync(join(hostileDists, f), join(dir, f));
  return dir;
}

describe("a site built from real wheels and sdists", async () => {
  const site = tempDir("site");
  const dists = demoPlusHostile();
  const built = await buildTo(site, { from: [dists], config: { title: "Acme <packages>", yanked: { "Demo-Core": { "1.0": "Broken import" } } } });
  const distFiles = readdirSync(dists).sort();

  test("has the documented layout", () => {
    for (const p of [".nojekyll", "index.html", "simple/index.html", "simple/index.json", "assets/catalog.css", "assets/catalog.js", "assets/favicon.svg"]) {
      assert.ok(existsSync(join(site, p)), p);
    }
    for (const project of ["demo-app", "demo-core", "demo-sdist-only", "demo-zip", "demo-hostile"]) {
      assert.ok(existsSync(join(site, "simple", project, "index.html")), project);
      assert.ok(existsSync(join(site, "simple", project, "index.json")), project);
      assert.ok(existsSync(join(site, "project", project, "index.html")), `${project}: catalog page`);
    }
    const copied = snapshot(join(site, "files"));
    for (const f of distFiles) {
      const key = [...copied.keys()].find((k) => k.endsWith(`/${f}`));
      assert.ok(key, `${f} copied into files/`);
      assert.deepEqual(copied.get(key), readFileSync(join(dists, f)), `${f} copied byte for byte`);
      assert.equal(copied.has(`${key}.metadata`), f.endsWith(".whl"), `${f}: .metadata exactly for wheels`);
    }
    assert.equal(built.warnings.length, 0, JSON.stringify(built.warnings));
  });

  test("PEP 503 root: normalised project URLs with trailing slashes, PEP 629 meta", () => {
    const html = read(site, "simple/index.html");
    assert.match(html, /<meta name="pypi:repository-version" content="1\.4">/);
    const links = anchors(html);
    assert.deepEqual(
      links.map((a) => a.href),
      ["demo-app/", "demo-core/", "demo-hostile/", "demo-sdist-only/", "demo-zip/"],
    );
    // The anchor text keeps the project's own spelling; the URL is normalised.
    assert.equal(links[0]?.text, "Demo_App");
  });

  test("PEP 503 project pages: anchor text is the file name, #sha256 matches the bytes, files resolve", () => {
    for (const project of ["demo-app", "demo-core", "demo-sdist-only", "demo-zip", "demo-hostile"]) {
      const html = read(site, `simple/${project}/index.html`);
      assert.match(html, /<meta name="pypi:repository-version" content="1\.4">/);
      for (const a of anchors(html)) {
        const [url, fragment] = a.href.split("#");
        assert.ok(url && fragment, a.href);
        assert.equal(decodeURIComponent(url.split("/").pop() ?? ""), a.text);
        const local = join(site, "simple", project, decodeURIComponent(url));
        assert.ok(existsSync(local), `${a.href} resolves from the project page`);
        assert.equal(fragment, `sha256=${sha256(readFileSync(local))}`);
        assert.equal(a.text, a.text.trim());
      }
    }
  });

  test("PEP 658 / 714: .metadata is the wheel's METADATA, advertised under the PEP 714 name only", () => {
    const html = read(site, "simple/demo-core/index.html");
    const wheels = anchors(html).filter((a) => a.text.endsWith(".whl"));
    assert.equal(wheels.length, 4);
    for (const a of wheels) {
      const file = join(site, "simple/demo-core", a.href.split("#")[0] ?? "");
      const metadata = readFileSync(`${file}.metadata`);
      const value = a.attrs.get("data-core-metadata");
      assert.equal(value, `sha256=${sha256(metadata)}`);
      // The legacy name makes pip 22.3-23.1 reject wheels whose METADATA Name is not normalised.
      assert.equal(a.attrs.has("data-dist-info-metadata"), false);
      // Python's zipfile is the oracle for what the wheel holds.
      const fromZip = execFileSync(
        "python3",
        ["-c", `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); n=[x for x in z.namelist() if x.endswith('.dist-info/METADATA')]; sys.stdout.buffer.write(z.read(n[0]))`, file],
        { env: clientEnv() },
      );
      assert.deepEqual(metadata, fromZip);
    }
    for (const a of anchors(html).filter((x) => x.text.endsWith(".tar.gz"))) {
      assert.equal(a.attrs.has("data-core-metadata"), false, "no PEP 658 claim for sdists");
    }
  });

  test("data-requires-python comes from METADATA / PKG-INFO and is HTML-escaped", () => {
    const html = read(site, "simple/demo-core/index.html");
    assert.match(html, /data-requires-python="&lt;4,&gt;=3\.8"/);
    assert.doesNotMatch(html, /data-requires-python="[^"]*[<>][^"]*"/);
    const byName = new Map(anchors(html).map((a) => [a.text, a.attrs.get("data-requires-python")]));
    assert.equal(byName.get("demo_core-2.0.0-py3-none-any.whl"), ">=3.99");
    assert.equal(byName.get("demo_core-2.0.0.tar.gz"), ">=3.99", "read from the sdist's PKG-INFO");
    assert.equal(anchors(read(site, "simple/demo-sdist-only/index.html"))[0]?.attrs.get("data-requires-python"), ">=3.8");
    assert.equal(anchors(read(site, "simple/demo-zip/index.html"))[0]?.attrs.get("data-requires-python"), ">=3.8", "read from a .zip sdist");
    assert.match(read(site, "simple/demo-hostile/index.html"), /data-requires-python="!=3\.9\.\*,&lt;4,&gt;=3\.8"/);
  });

  test("PEP 592: configured yanks (matched by PEP 440 equality and normalised name) carry their reason", () => {
    const links = anchors(read(site, "simple/demo-core/index.html"));
    for (const a of links) {
      if (a.text.includes("-1.0.0")) assert.equal(a.attrs.get("data-yanked"), "Broken import", a.text);
      else assert.equal(a.attrs.has("data-yanked"), false, a.text);
    }
    const doc = json(site, "simple/demo-core/index.json") as unknown as ProjectJson;
    assert.equal(doc.files.filter((f) => f.yanked === "Broken import").length, 2);
  });

  test("PEP 691 + 700 JSON: same files as the HTML, with versions, size and upload-time", () => {
    const root = json(site, "simple/index.json") as { meta: { "api-version": string }; projects: { name: string }[] };
    assert.equal(root.meta["api-version"], "1.5");
    assert.deepEqual(
      root.projects.map((p) => p.name),
      ["Demo_App", "demo-core", "demo-hostile", "demo-sdist-only", "demo-zip"],
    );
    for (const project of ["demo-app", "demo-core", "demo-hostile", "demo-sdist-only", "demo-zip"]) {
      const doc = json(site, `simple/${project}/index.json`) as unknown as ProjectJson;
      assert.equal(doc.meta["api-version"], "1.5");
      assert.equal(doc.name, project);
      const html = anchors(read(site, `simple/${project}/index.html`));
      assert.deepEqual(
        doc.files.map((f) => f.filename),
        html.map((a) => a.text),
      );
      for (const f of doc.files) {
        const bytes = readFileSync(join(site, "simple", project, decodeURIComponent(f.url)));
        assert.equal(f.size, bytes.length);
        assert.equal(f.hashes.sha256, sha256(bytes));
        assert.match(f["upload-time"] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        // pip 22.3-23.1 crash on the legacy key (PEP 714).
        assert.equal("dist-info-metadata" in f, false);
        assert.equal(f["core-metadata"] !== undefined, f.filename.endsWith(".whl"));
      }
    }
    const core = json(site, "simple/demo-core/index.json") as unknown as ProjectJson;
    assert.deepEqual(core.versions, ["1.0.0", "1.1.0", "1.2.0", "2.0.0"]);
    assert.equal(core.files.find((f) => f.filename === "demo_core-1.1.0.tar.gz")?.["requires-python"], "<4,>=3.8");
  });

  test("upload-time is the build time recorded inside each archive, not the checkout's mtime", () => {
    const doc = json(site, "simple/demo-core/index.json") as unknown as ProjectJson;
    // The fixtures were built with SOURCE_DATE_EPOCH=1700000000.
    for (const f of doc.files) assert.equal(f["upload-time"], "2023-11-14T22:13:20.000000Z", f.filename);
  });

  test("hostile metadata is escaped on the human pages", () => {
    for (const page of ["index.html", "project/demo-hostile/index.html"]) {
      const html = read(site, page);
      assert.doesNotMatch(html, /<script>/, page);
      assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;b&gt;bold&lt;\/b&gt;/, page);
      assert.match(html, /<title>(demo-hostile — )?Acme &lt;packages&gt;<\/title>/, page);
    }
  });
});

test("versions are ordered and compared exactly as Python's packaging does, long numbers and equal spellings included", async () => {
  const versions = [
    "1.0.10",
    "1.0.9",
    "1.0rc1",
    "1.0.dev0",
    "1.0",
    "1.0.post1",
    "1!0.1",
    "0.9",
    "1.0a2",
    "1.0a10",
    "2.0b1",
    "1.0+local.1",
    "1.0.0.1",
    "1.0.0",
    "1.0.9007199254740993",
    "1.0.9007199254740992",
    "2026.1201.123456789012345678",
  ];
  const list = tempDir("list");
  writeFileSync(join(list, "list.txt"), versions.map((v) => `pkg-${v}.tar.gz`).join("\n"));
  const site = tempDir("site");
  const built = await buildTo(site, { packageLists: [join(list, "list.txt")], config: { packagesUrl: "https://files.example/", yanked: { pkg: { "1.0.9007199254740993": "bad build" } } } });
  const doc = json(site, "simple/pkg/index.json") as unknown as ProjectJson;
  // Python's packaging gives the order as groups of equal versions, and each raw spelling's normalised form.
  const script = [
    "import sys, json, itertools",
    "from packaging.version import Version as V",
    "vs = sorted(V(x) for x in sys.argv[1:])",
    "groups = [[str(v) for v in g] for _, g in itertools.groupby(vs)]",
    "print(json.dumps({'groups': groups, 'norm': {x: str(V(x)) for x in sys.argv[1:]}}))",
  ].join("\n");
  const oracle = JSON.parse(execFileSync("python3", ["-c", script, ...versions], { env: clientEnv() }).toString()) as { groups: string[][]; norm: Record<string, string> };
  assert.ok(
    oracle.groups.some((g) => g.length > 1),
    "the sample holds PEP 440-equal spellings",
  );
  // One entry per release: 1.0 and 1.0.0 are one version, listed once.
  assert.equal(doc.versions.length, oracle.groups.length);
  doc.versions.forEach((v, i) => assert.ok(oracle.groups[i]?.includes(v), `versions[${i}] = ${v}, packaging has ${oracle.groups[i]?.join(" = ")}`));
  const groupOf = (f: { filename: string }): number => oracle.groups.findIndex((g) => g.includes(oracle.norm[f.filename.replace(/^pkg-|\.tar\.gz$/g, "")] as string));
  const fileGroups = doc.files.map(groupOf);
  assert.deepEqual(
    fileGroups,
    [...fileGroups].sort((a, b) => a - b),
    "files are listed in version order",
  );
  // A yank of one long version does not touch its neighbour that a double would call equal.
  const yanked = doc.files.filter((f) => f.yanked !== undefined).map((f) => f.filename);
  assert.deepEqual(yanked, ["pkg-1.0.9007199254740993.tar.gz"]);
  assert.deepEqual(
    built.warnings.filter((w) => w.code === "yank-unmatched"),
    [],
  );
  // The catalog shows every file, each under its release: pkg-1.0.0 with the listed 1.0.
  const page = read(site, "project/pkg/index.html");
  for (const v of versions) assert.ok(page.includes(`>pkg-${v}.tar.gz<`), `pkg-${v}.tar.gz on the catalog page`);
  const release = (v: string): string => page.slice(page.indexOf(`data-version="${v}"`), page.indexOf("</tbody>", page.indexOf(`data-version="${v}"`)));
  const one = doc.versions.find((v) => oracle.groups.find((g) => g.includes(v))?.includes("1.0.0")) as string;
  assert.ok(release(one).includes(">pkg-1.0.tar.gz<") && release(one).includes(">pkg-1.0.0.tar.gz<"), `both spellings under ${one}`);
});

test("output is deterministic: the same input gives the same bytes", async () => {
  const a = tempDir("det-a");
  const b = tempDir("det-b");
  await buildTo(a, { from: [demoDists] });
  await buildTo(b, { from: [demoDists] });
  const sa = snapshot(a);
  const sb = snapshot(b);
  assert.deepEqual([...sa.keys()].sort(), [...sb.keys()].sort());
  for (const [k, v] of sa) assert.ok(v.equals(sb.get(k) as Buffer), k);
});

test("a rebuild rewrites only what changed, and reports it", async () => {
  const dists = tempDir("inc-dists");
  for (const f of readdirSync(demoDists)) copyFileSync(join(demoDists, f), join(dists, f));
  const site = tempDir("inc-site");
  const first = await buildTo(site, { from: [dists] });
  assert.equal(first.stats.written, first.stats.total);
  const again = await buildTo(site, { from: [dists] });
  assert.deepEqual({ written: again.stats.written, removed: again.stats.removed }, { written: 0, removed: 0 });
  assert.equal(again.stats.unchanged, again.stats.total);

  // One new wheel for a new project: the file, its .metadata, its two index pages and its catalog page, the two root pages and the landing page.
  for (const f of readdirSync(hostileDists)) copyFileSync(join(hostileDists, f), join(dists, f));
  const added = await buildTo(site, { from: [dists] });
  assert.equal(added.stats.written, 8);
  assert.equal(added.stats.removed, 0);

  // One new file for an existing project: the file, that project's two index pages and its catalog page (the root lists projects, not files),
  // and the landing page: 1.2.1 is now the newest version a Python can install (2.0.0 needs Python >= 3.99).
  copyFileSync(join(demoDists, "demo_core-1.2.0.tar.gz"), join(dists, "demo_core-1.2.1.tar.gz"));
  const one = await buildTo(site, { from: [dists] });
  const expectedPaths = ["files/demo-core/demo_core-1.2.1.tar.gz", "simple/demo-core/index.html", "simple/demo-core/index.json", "project/demo-core/index.html", "index.html"];
  assert.equal(one.stats.written, expectedPaths.length);
  for (const p of expectedPaths) assert.ok(existsSync(join(site, p)), p);
  assert.ok(
    one.warnings.some((w) => w.code === "metadata-mismatch"),
    "a renamed sdist's PKG-INFO disagrees with its name",
  );

  const removed = await buildTo(site, { from: [demoDists] });
  assert.equal(removed.stats.removed, 2 + 1 + 3, "hostile wheel + .metadata, demo-core 1.2.1, and the hostile project's two index pages and catalog page");
  assert.equal(existsSync(join(site, "simple/demo-hostile")), false);
  assert.equal(existsSync(join(site, "project/demo-hostile")), false);
});

test("a failed build leaves the previous site untouched and no temporary folders behind", async () => {
  const parent = tempDir("atomic");
  const site = join(parent, "site");
  await buildTo(site, { from: [demoDists] });
  const before = snapshot(site);
  const lists = tempDir("lists");
  writeFileSync(join(lists, "a.jsonl"), JSON.stringify({ filename: "x-1.0.tar.gz", hash: `sha256=${"a".repeat(64)}` }) + "\n");
  writeFileSync(join(lists, "b.jsonl"), JSON.stringify({ filename: "x-1.0.tar.gz", hash: `sha256=${"b".repeat(64)}` }) + "\n");
  await assert.rejects(
    buildTo(site, { from: [demoDists], packageListsJson: [join(lists, "a.jsonl"), join(lists, "b.jsonl")], config: { packagesUrl: "https://files.example" } }),
    (e: Error) => e instanceof UserError && /x-1\.0\.tar\.gz appears twice with different sha256/.test(e.message) && e.message.includes("a.jsonl:1") && e.message.includes("b.jsonl:1"),
  );
  const after = snapshot(site);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [k, v] of before) assert.ok(v.equals(after.get(k) as Buffer), k);
  // No temporary folder; the access map beside the site is the previous build's.
  assert.deepEqual(readdirSync(parent).sort(), ["site", "site.access.json"]);
});

test("refuses to replace a folder that is not a site it built", async () => {
  const dir = tempDir("precious");
  writeFileSync(join(dir, "thesis.tex"), "years of work");
  await assert.rejects(buildTo(dir, { from: [demoDists] }), /refusing to replace a folder that is not a site built by github-pypi/);
  assert.equal(readFileSync(join(dir, "thesis.tex"), "utf8"), "years of work");
});

describe("bad input", () => {
  test("unparseable and unsupported file names are skipped with a warning naming each file", async () => {
    const dir = tempDir("bad-names");
    copyFileSync(join(demoDists, "demo_sdist_only-0.1.0.tar.gz"), join(dir, "demo_sdist_only-0.1.0.tar.gz"));
    writeFileSync(join(dir, "README.md"), "hello");
    writeFileSync(join(dir, "notes-final.tar.gz"), "x");
    writeFileSync(join(dir, "bad_wheel-1.0-py3.whl"), "x");
    const r = await buildTo(tempDir("site"), { from: [dir] });
    const byFile = new Map(r.warnings.map((w) => [w.subject?.split("/").pop(), w.code]));
    assert.equal(byFile.get("README.md"), "unsupported-file");
    assert.equal(byFile.get("notes-final.tar.gz"), "unparseable-filename");
    assert.equal(byFile.get("bad_wheel-1.0-py3.whl"), "unparseable-filename");
    assert.equal(r.files, 1);
  });

  test("a file name that tries to escape its folder is an error, and nothing is written", async () => {
    const lists = tempDir("unsafe");
    for (const name of ["../evil-1.0.tar.gz", "a/b-1.0-py3-none-any.whl", ".hidden-1.0.tar.gz", "x\\y-1.0.tar.gz"]) {
      writeFileSync(join(lists, "l.txt"), `good-1.0.tar.gz\n${name}\n`);
      const out = join(tempDir("never"), "site");
      await assert.rejects(
        buildTo(out, { packageLists: [join(lists, "l.txt")], config: { packagesUrl: "https://f.example" } }),
        (e: Error) => e instanceof UserError && e.message.includes("l.txt:2") && e.message.includes("unsafe file name"),
        name,
      );
      assert.equal(existsSync(out), false);
    }
  });

  test("METADATA that disagrees with the file name is a warning; a wheel without its own dist-info is indexed without metadata; the file is listed by its name", async () => {
    const dir = tempDir("mismatch");
    copyFileSync(join(demoDists, "demo_core-1.2.0-py3-none-any.whl"), join(dir, "demo_core-1.3.0-py3-none-any.whl"));
    copyFileSync(join(demoDists, "demo_core-1.2.0-py3-none-any.whl"), join(dir, "other_name-1.2.0-py3-none-any.whl"));
    const site = tempDir("site");
    const r = await buildTo(site, { from: [dir] });
    // The renamed version: its one demo_core dist-info is read (as pip reads it) and disagrees.
    const mismatches = r.warnings.filter((w) => w.code === "metadata-mismatch").map((w) => w.message);
    assert.equal(mismatches.length, 1, mismatches.join("\n"));
    assert.match(mismatches[0] ?? "", /version 1\.2\.0 but the file name says 1\.3\.0/);
    // The renamed project: demo_core's dist-info is another project's, never other_name's metadata.
    const missing = r.warnings.filter((w) => w.code === "metadata-unreadable").map((w) => w.message);
    assert.equal(missing.length, 1, missing.join("\n"));
    assert.match(missing[0] ?? "", /other_name-1\.2\.0-py3-none-any\.whl: no other_name-1\.2\.0\.dist-info\/METADATA in the wheel/);
    assert.ok(existsSync(join(site, "simple/other-name/index.html")));
    assert.equal(existsSync(join(site, "files/other-name/other_name-1.2.0-py3-none-any.whl.metadata")), false);
  });

  test("an empty index is an error unless allowed", async () => {
    const empty = tempDir("empty");
    await assert.rejects(buildTo(join(tempDir("x"), "site"), { from: [empty] }), /the index would be empty/);
    const site = tempDir("site");
    const r = await buildTo(site, { from: [empty], allowEmpty: true });
    assert.equal(r.index.projects.length, 0);
    assert.deepEqual(JSON.parse(read(site, "simple/index.json")), { meta: { "api-version": "1.5" }, projects: [] });
  });

  test("a yank that matches nothing is a named warning; an invalid yank version is an error", async () => {
    const r = await buildTo(tempDir("site"), { from: [demoDists], config: { yanked: { "demo-core": { "9.9": "typo?" }, nothing: { "1.0": "" } } } });
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ["yank-unmatched", "yank-unmatched"],
    );
    await assert.rejects(
      buildTo(tempDir("site"), { from: [demoDists], config: { yanked: { "demo-core": { "not a version": "x" } } } }),
      /yanked\.demo-core\.not a version: not a valid PEP 440 version/,
    );
  });

  test("an invalid Requires-Python is a named warning; one packaging accepts (a trailing comma) is not", async () => {
    const lists = tempDir("rp");
    const line = (filename: string, spec: string): string => JSON.stringify({ filename, hash: `sha256=${"c".repeat(64)}`, requires_python: spec });
    writeFileSync(join(lists, "l.jsonl"), `${line("p-1.0.tar.gz", ">=3.6.*")}\n${line("p-1.1.tar.gz", ">=3.8,")}\n`);
    const r = await buildTo(tempDir("site"), { packageListsJson: [join(lists, "l.jsonl")], config: { packagesUrl: "https://f.example" } });
    assert.deepEqual(
      r.warnings.map((w) => `${w.code} ${w.subject}`),
      ["invalid-requires-python p-1.0.tar.gz"],
    );
  });
});

describe("configuration", () => {
  test("errors name the key", () => {
    assert.throws(() => validateIndexConfig({ yankd: {} }, "c.yaml"), /c\.yaml: invalid configuration\n.*yankd/s);
    assert.throws(() => validateIndexConfig({ yanked: { foo: { "1.0": 3 } } }, "c.yaml"), /yanked\.foo\.1\.0:/);
    assert.throws(() => validateIndexConfig({ title: 42 }, "c.yaml"), /title:/);
    assert.throws(() => validateIndexConfig({ indexMaxAgeSeconds: -1 }, "c.yaml"), /indexMaxAgeSeconds:/);
  });

  test("YAML and JSON files load to the same settings; broken YAML names the file", async () => {
    const dir = tempDir("cfg");
    writeFileSync(join(dir, "c.yaml"), "title: Acme\nyanked:\n  foo:\n    '1.0': bad\n");
    writeFileSync(join(dir, "c.json"), JSON.stringify({ title: "Acme", yanked: { foo: { "1.0": "bad" } } }));
    writeFileSync(join(dir, "broken.yaml"), "title: [unclosed\n");
    assert.deepEqual(await loadIndexConfig(join(dir, "c.yaml")), await loadIndexConfig(join(dir, "c.json")));
    await assert.rejects(loadIndexConfig(join(dir, "broken.yaml")), /broken\.yaml: not valid YAML or JSON/);
    await assert.rejects(loadIndexConfig(join(dir, "missing.yaml")), /cannot read config file/);
  });
});

describe("dumb-pypi package lists", () => {
  test("a plain list links files at --packages-url and warns that it carries no hashes", async () => {
    const dir = tempDir("plain");
    writeFileSync(join(dir, "list.txt"), "# our packages\ndumb-init-1.1.2.tar.gz\n\ndumb_init-1.2.0-py2.py3-none-manylinux1_x86_64.whl\npre_commit-0.9.2.tar.gz\nfoo-1.0+local-py3-none-any.whl\n");
    const site = tempDir("site");
    const r = await buildTo(site, { packageLists: [join(dir, "list.txt")], config: { packagesUrl: "https://pkgs.example/pool/" } });
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ["missing-hash"],
    );
    assert.deepEqual(
      anchors(read(site, "simple/dumb-init/index.html")).map((a) => a.href),
      ["https://pkgs.example/pool/dumb-init-1.1.2.tar.gz", "https://pkgs.example/pool/dumb_init-1.2.0-py2.py3-none-manylinux1_x86_64.whl"],
    );
    assert.equal(anchors(read(site, "simple/foo/index.html"))[0]?.href, "https://pkgs.example/pool/foo-1.0%2Blocal-py3-none-any.whl");
    // Sizes are unknown, so PEP 700 (api-version 1.1, size mandatory) is not claimed.
    assert.equal((json(site, "simple/dumb-init/index.json") as unknown as ProjectJson).meta["api-version"], "1.0");
    assert.equal(existsSync(join(site, "files")), false, "nothing copied");
  });

  test("JSON lines carry hashes, Requires-Python, core metadata, yanks, times and sizes", async () => {
    const dir = tempDir("jsonl");
    const lines = [
      { filename: "dumb-init-1.1.2.tar.gz", hash: `sha256=${"1".repeat(64)}`, requires_python: ">=3.6,<4", uploaded_by: "ckuehl", upload_timestamp: 1512539924, size: 1234 },
      { filename: "dumb_init-1.2.0-py3-none-any.whl", hash: `md5=${"2".repeat(32)}`, core_metadata: `sha256=${"3".repeat(64)}`, yanked_reason: "oops", size: 99 },
      { filename: "dumb_init-1.3.0-py3-none-any.whl", hash: `sha256=${"4".repeat(64)}`, yanked_reason: "", size: 1 },
    ];
    writeFileSync(join(dir, "l.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const site = tempDir("site");
    const r = await buildTo(site, { packageListsJson: [join(dir, "l.jsonl")], config: { packagesUrl: "../../pool" } });
    assert.deepEqual(r.warnings, []);
    const links = anchors(read(site, "simple/dumb-init/index.html"));
    assert.equal(links[0]?.href, `../../pool/dumb-init-1.1.2.tar.gz#sha256=${"1".repeat(64)}`);
    assert.equal(links[0]?.attrs.get("data-requires-python"), ">=3.6,<4");
    assert.equal(links[1]?.href, `../../pool/dumb_init-1.2.0-py3-none-any.whl#md5=${"2".repeat(32)}`);
    assert.equal(links[1]?.attrs.get("data-core-metadata"), `sha256=${"3".repeat(64)}`);
    assert.equal(links[1]?.attrs.get("data-yanked"), "oops");
    assert.equal(links[2]?.attrs.get("data-yanked"), "");
    const doc = json(site, "simple/dumb-init/index.json") as unknown as ProjectJson;
    assert.equal(doc.meta["api-version"], "1.5");
    assert.equal(doc.files[0]?.["upload-time"], "2017-12-06T05:58:44.000000Z");
    assert.equal(doc.files[2]?.yanked, true);
    assert.deepEqual(doc.files[1]?.["core-metadata"], { sha256: "3".repeat(64) });
  });

  test("a malformed line is an error naming the line and key", async () => {
    const dir = tempDir("jsonl-bad");
    writeFileSync(join(dir, "l.jsonl"), `{"filename": "a-1.0.tar.gz"}\n{"filename": "b-1.0.tar.gz", "hash": "sha256:abc"}\n`);
    await assert.rejects(buildTo(tempDir("s"), { packageListsJson: [join(dir, "l.jsonl")], config: { packagesUrl: "https://x.example" } }), /l\.jsonl:2: hash: expected <algorithm>=<hex digest>/);
    writeFileSync(join(dir, "m.jsonl"), `{"filename": "a-1.0.tar.gz"\n`);
    await assert.rejects(buildTo(tempDir("s"), { packageListsJson: [join(dir, "m.jsonl")], config: { packagesUrl: "https://x.example" } }), /m\.jsonl:1: not valid JSON/);
  });

  test("a list without --packages-url is an error that says what is missing", async () => {
    const dir = tempDir("nourl");
    writeFileSync(join(dir, "l.txt"), "a-1.0.tar.gz\n");
    await assert.rejects(buildTo(tempDir("s"), { packageLists: [join(dir, "l.txt")] }), /needs --packages-url/);
  });
});
