/**
 * The catalog (the site's human pages) without a browser: the DOM contract catalog.js and the
 * browser tests rely on, escaping and sanitising of hostile metadata, relative links that resolve
 * inside the site, and determinism. test/catalog-browser.test.ts drives the same pages in Chromium.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { demoDists, hostileDists, tempDir } from "./helpers/paths.js";
import { buildTo } from "./helpers/site.js";
import { makeWheel } from "./helpers/python-dists.js";
import { anchors, elementOf, textOf, unescapeHtml } from "./helpers/html.js";
import { snapshot } from "./helpers/files.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { renderCatalog } from "../generator/catalog/catalog.js";
import { catalogFacts } from "../generator/catalog/catalog-facts.js";
import { renderDescription } from "../generator/catalog/description.js";
import { humanSize, truncate } from "../generator/catalog/format.js";
import { CONTENT_SECURITY_POLICY } from "../generator/catalog/layout.js";
import { parseFilename } from "../generator/names/filename.js";
import type { DistributionFile } from "../generator/model/distribution.js";
import type { Project } from "../generator/model/project.js";
import type { CoreMetadata } from "../generator/model/core-metadata.js";

const HOSTILE_SUMMARY = `<script>alert("x")</script> & <b>bold</b>`;
const PROJECTS = ["demo-app", "demo-core", "demo-hostile", "demo-sdist-only", "demo-zip"];
const ASSETS = ["assets/catalog.css", "assets/catalog.js", "assets/favicon.svg"];
const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`;

/** `html` contains `fragment` (assert.ok without a message is very slow to fail under tsx). */
function has(html: string, fragment: string, what = fragment): void {
  assert.ok(html.includes(fragment), `expected ${what}`);
}

const read = (site: string, path: string): string => readFileSync(join(site, path), "utf8");
const text = textOf;
const element = elementOf;

function demoPlusHostile(): string {
  const dir = tempDir("catalog-dists");
  for (const d of [demoDists, hostileDists]) for (const f of readdirSync(d)) copyFileSync(join(d, f), join(dir, f));
  return dir;
}

const CONFIG = { title: "Acme <packages>", yanked: { "demo-core": { "1.0.0": "broken" } } };

describe("the catalog of a site built from the demo and hostile dists", async () => {
  const dists = demoPlusHostile();
  const site = tempDir("catalog-site");
  const built = await buildTo(site, { from: [dists], config: CONFIG });
  const landing = read(site, "index.html");
  const pages = new Map(PROJECTS.map((p) => [p, read(site, `project/${p}/index.html`)]));
  const page = (name: string): string => pages.get(name) as string;
  const catalogPaths = ["index.html", ...PROJECTS.map((p) => `project/${p}/index.html`)];

  test("writes a landing page, a page per project and the shared assets, with the right types", () => {
    for (const p of [...catalogPaths, ...ASSETS]) assert.ok(existsSync(join(site, p)), p);
    assert.deepEqual(readdirSync(join(site, "assets")).sort(), ["catalog.css", "catalog.js", "favicon.svg"]);
    assert.deepEqual(readdirSync(join(site, "project")).sort(), PROJECTS);
    assert.equal(built.site.get("index.html")?.contentType, "text/html; charset=utf-8");
    assert.equal(built.site.get("project/demo-core/index.html")?.contentType, "text/html; charset=utf-8");
    assert.equal(built.site.get("assets/catalog.css")?.contentType, "text/css; charset=utf-8");
    assert.equal(built.site.get("assets/favicon.svg")?.contentType, "image/svg+xml");
    assert.match(built.site.get("assets/catalog.js")?.contentType ?? "", /^(text|application)\/javascript; charset=utf-8$/);
    assert.match(built.site.get("assets/catalog.js")?.cacheControl ?? "", /^public, max-age=\d+$/, "assets may change with the generator");
  });

  test("every page: doctype, language, charset, viewport, CSP, skip link, main, title and the index meta tag", () => {
    for (const path of catalogPaths) {
      const html = read(site, path);
      const root = path === "index.html" ? "" : "../../";
      assert.ok(html.startsWith(`<!DOCTYPE html>\n<html lang="en">`), `${path}: doctype and lang`);
      assert.ok(html.includes(`<meta charset="utf-8">`), path);
      assert.ok(html.includes(`<meta name="viewport" content="width=device-width, initial-scale=1">`), path);
      assert.ok(html.includes(CSP_META), `${path}: CSP meta`);
      assert.ok(html.includes(`<a class="skip" href="#main">Skip to content</a>`), path);
      assert.equal(html.match(/<main id="main">/g)?.length, 1, path);
      assert.match(html, /<title>[^<]+<\/title>/, path);
      assert.ok(html.includes(`<meta name="github-pypi:index" content="${root}simple/">`), path);
      assert.ok(html.includes(`<link rel="stylesheet" href="${root}assets/catalog.css">`), path);
      assert.ok(html.includes(`<link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">`), `${path}: an icon, so browsers do not ask for /favicon.ico`);
      assert.equal(html.match(/<h1[ >]/g)?.length, 1, `${path}: one <h1>`);
    }
    assert.equal(CONTENT_SECURITY_POLICY, "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; object-src 'none'; base-uri 'none'; form-action 'none'");
  });

  test("no inline script or style anywhere: one external script, no event handlers, no style attributes", () => {
    for (const path of catalogPaths) {
      const html = read(site, path);
      const root = path === "index.html" ? "" : "../../";
      const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
      assert.deepEqual(scripts, [`<script src="${root}assets/catalog.js" defer>`], `${path}: only the catalog script`);
      assert.ok(html.includes(`<script src="${root}assets/catalog.js" defer></script>`), `${path}: the script has no body`);
      assert.doesNotMatch(html, /<[^>]*\son[a-z]+\s*=/i, `${path}: no event-handler attributes`);
      assert.doesNotMatch(html, /<[^>]*\sstyle\s*=/i, `${path}: no style attributes`);
      assert.doesNotMatch(html, /<style\b/i, `${path}: no <style>`);
      assert.doesNotMatch(html, /javascript:/i, path);
    }
  });

  test("links are relative and resolve inside the site; absolute links are http(s) only", () => {
    for (const path of catalogPaths) {
      const html = read(site, path);
      const refs = [...html.matchAll(/\s(href|src)="([^"]*)"/g)].map((m) => unescapeHtml(m[2] ?? ""));
      assert.ok(refs.length > 0, `${path}: has links`);
      for (const ref of refs) {
        if (ref.startsWith("#")) continue;
        if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
          assert.match(ref, /^https?:\/\//, `${path}: ${ref}`);
          continue;
        }
        assert.ok(!ref.startsWith("/"), `${path}: ${ref} is root-relative (breaks under a path prefix)`);
        const target = posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(ref.split(/[?#]/)[0] ?? "")));
        assert.ok(!target.startsWith(".."), `${path}: ${ref} leaves the site`);
        const file = ref.endsWith("/") || target === "." ? posix.join(target, "index.html") : target;
        assert.ok(existsSync(join(site, file)) && statSync(join(site, file)).isFile(), `${path}: ${ref} -> ${file} exists`);
      }
    }
  });

  test("landing: title, search box, result count and one row per project, sorted", () => {
    assert.match(landing, /<title>Acme &lt;packages&gt;<\/title>/);
    assert.match(landing, /<h1>Acme &lt;packages&gt;<\/h1>/);
    assert.match(landing, /<label for="search">[^<]+<\/label>/);
    assert.match(landing, /<input id="search" type="search" autocomplete="off"[^>]*>/);
    assert.match(landing, /<p id="result-count" aria-live="polite">5 projects<\/p>/);
    const list = element(landing, "ul", `id="projects"`);
    const rows = [...list.matchAll(/<li class="project" data-name="([^"]*)" data-search="([^"]*)">([\s\S]*?)<\/li>/g)];
    assert.deepEqual(
      rows.map((r) => r[1]),
      PROJECTS,
    );
    for (const [, name, search] of rows) {
      const s = unescapeHtml(search ?? "");
      assert.equal(s, s.toLowerCase(), `${name}: data-search is lower-case`);
      assert.ok(s.includes(name ?? ""), `${name}: data-search holds the name`);
      assert.ok((landing.match(/<li class="project"[^>]*>.*<\/li>/g)?.find((l) => l.includes(`data-name="${name}"`))?.length ?? 0) < 700, `${name}: a compact row`);
    }
    const row = (name: string): string => rows.find((r) => r[1] === name)?.[3] ?? "";
    assert.match(row("demo-app"), /<a class="project-name" href="project\/demo-app\/">Demo_App<\/a>/);
    assert.ok(unescapeHtml(rows.find((r) => r[1] === "demo-app")?.[2] ?? "").includes("demo_app"), "display name searchable");
    assert.ok(unescapeHtml(rows.find((r) => r[1] === "demo-app")?.[2] ?? "").includes("a demo application that uses demo-core"), "summary searchable");
    // 2.0.0 is newer, but every file of it needs Python >= 3.99: no released Python installs it.
    assert.match(row("demo-core"), /<span class="version">1\.2\.0<\/span>/);
    assert.match(row("demo-core"), /<p class="summary">Core helpers for the demo index<\/p>/);
    assert.match(row("demo-core"), /<span class="requires-python">&lt;4,&gt;=3\.8<\/span>/);
    // The fixtures were built with SOURCE_DATE_EPOCH=1700000000.
    assert.match(row("demo-core"), /<time class="uploaded" datetime="2023-11-14T22:13:20\.000Z">2023-11-14<\/time>/);
    assert.doesNotMatch(row("demo-core"), /class="repository"/, "local files carry no repository");
  });

  test("landing: install commands with the index URL placeholder and copy buttons", () => {
    const install = element(landing, "section", `id="install"`);
    has(install, `<code data-index-url>&lt;index-url&gt;</code>`);
    const commands: Record<string, string> = {
      "install-pip": "pip install --index-url <index-url> PROJECT",
      "install-uv": "uv pip install --index-url <index-url> PROJECT",
      "install-requirements": "--index-url <index-url>",
    };
    for (const [id, command] of Object.entries(commands)) {
      const m = new RegExp(`<pre><code id="${id}">([\\s\\S]*?)</code></pre><button type="button" class="copy" data-copy-target="${id}">Copy</button>`).exec(install);
      assert.ok(m, `${id}: <pre><code> then its copy button`);
      assert.equal(text(m[1] ?? ""), command);
      assert.match(m[1] ?? "", /<span data-index-url>&lt;index-url&gt;<\/span>/, `${id}: the placeholder catalog.js fills in`);
    }
  });

  test("hostile metadata is escaped on every page, and the hostile README is sanitised", () => {
    const escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;";
    has(landing, `<p class="summary">${escaped}</p>`);
    const hostile = page("demo-hostile");
    has(hostile, `<p class="summary">${escaped}</p>`);
    has(hostile, `<meta name="description" content="${escaped}">`);
    assert.equal(text(element(hostile, "p", `class="summary"`)), HOSTILE_SUMMARY);
    assert.doesNotMatch(hostile, /<b>/);
    const description = element(hostile, "section", `id="description"`);
    assert.doesNotMatch(description, /<script/i);
    assert.doesNotMatch(description, /alert\(&quot;readme&quot;\)|alert\("readme"\)/, "a script's text is dropped with it");
    // The README's own heading is shifted below the page's sections; its code spans stay escaped text.
    assert.match(description, /<h3>demo-hostile 0\.0\.1<\/h3>/);
    has(description, `<code>${escaped.replace(/&quot;/g, '"')}</code>`);
    assert.match(hostile, /<dd><code>!=3\.9\.\*,&lt;4,&gt;=3\.8<\/code><\/dd>/);
  });

  test("project page: navigation, heading, facts and install commands", () => {
    const core = page("demo-core");
    assert.match(core, /<nav[^>]*><a href="\.\.\/\.\.\/">All projects<\/a><\/nav>/);
    assert.match(core, /<h1>demo-core<\/h1>/);
    assert.match(core, /<title>demo-core — Acme &lt;packages&gt;<\/title>/);
    const facts = element(core, "dl", `class="facts"`);
    const fact = (term: string): string => text([...facts.matchAll(/<dt>([^<]*)<\/dt><dd>([\s\S]*?)<\/dd>/g)].find((m) => m[1] === term)?.[2] ?? "");
    assert.equal(fact("Latest version"), "1.2.0");
    assert.equal(fact("Requires-Python"), "<4,>=3.8");
    assert.equal(fact("License"), "MIT");
    assert.equal(fact("Project links"), "Homepage");
    has(facts, `<a href="https://example.invalid/github-pypi/demo-core" rel="nofollow noopener">Homepage</a>`);

    const install = element(core, "section", `id="install"`);
    const expected: Record<string, string> = {
      "install-pip": "pip install --index-url <index-url> demo-core",
      "install-uv": "uv add --index <index-url> demo-core",
      // No upstream: the index is Poetry's primary source, PyPI a supplemental one for the names it does not hold.
      "install-poetry": "poetry source add --priority=primary acme-packages <index-url>\npoetry source add --priority=supplemental PyPI\npoetry add demo-core",
      "install-requirements": "--index-url <index-url>\ndemo-core==1.2.0",
      "install-conda": "dependencies:\n  - pip\n  - pip:\n      - --index-url <index-url>\n      - demo-core==1.2.0",
    };
    for (const [id, command] of Object.entries(expected)) {
      const m = new RegExp(`<pre><code id="${id}">([\\s\\S]*?)</code></pre><button type="button" class="copy" data-copy-target="${id}">Copy</button>`).exec(install);
      assert.ok(m, `${id}: <pre><code> then its copy button`);
      assert.equal(unescapeHtml((m[1] ?? "").replace(/<[^>]*>/g, "")), command, id);
    }
    // Install lines use the normalised name, not the display name.
    has(page("demo-app"), `<code id="install-pip">pip install --index-url <span data-index-url>&lt;index-url&gt;</span> demo-app</code>`);
  });

  test("dependencies: Requires-Dist of the latest version, linked when the index has the project", () => {
    const deps = element(page("demo-app"), "section", `id="dependencies"`);
    const items = [...deps.matchAll(/<li class="dependency">([\s\S]*?)<\/li>/g)].map((m) => m[1] ?? "");
    assert.equal(items.length, 1);
    assert.equal(items[0], `<a href="../demo-core/">demo-core</a> <span class="requirement">&gt;=1.0</span>`);
    assert.equal(anchors(deps)[0]?.href, "../demo-core/");
    assert.match(element(page("demo-core"), "section", `id="dependencies"`), /<p class="empty">No dependencies\.<\/p>/);
  });

  test("versions: newest first, yanked with its reason, every file linked with its size and true sha256", () => {
    const core = page("demo-core");
    const versions = element(core, "section", `id="versions"`);
    assert.match(versions, /<div class="table-wrap"[^>]*>\s*<table/);
    const bodies = [...versions.matchAll(/<tbody class="release[^"]*" data-version="([^"]*)">([\s\S]*?)<\/tbody>/g)];
    assert.deepEqual(
      bodies.map((b) => b[1]),
      ["2.0.0", "1.2.0", "1.1.0", "1.0.0"],
    );
    for (const [, version, body] of bodies) {
      const yanked = version === "1.0.0";
      assert.equal(/<span class="badge yanked">yanked<\/span>/.test(body ?? ""), yanked, `${version} yanked badge`);
      if (yanked) assert.match(body ?? "", /<span class="badge yanked">yanked<\/span> <span class="yank-reason">broken<\/span>/);
      assert.doesNotMatch(body ?? "", /badge pre/, `${version} is final`);
      const links = anchors(body ?? "");
      assert.equal(links.length, 2, `${version}: a wheel and an sdist`);
      for (const a of links) {
        assert.equal(a.href, `../../files/demo-core/${a.text}`);
        const bytes = readFileSync(join(demoDists, a.text));
        const row = (body ?? "").split("<tr>").find((r) => r.includes(`>${a.text}</a>`)) ?? "";
        assert.ok(row.includes(`<code class="sha256">${createHash("sha256").update(bytes).digest("hex")}</code>`), `${a.text}: sha256`);
        assert.ok(row.includes(`<td class="size">${humanSize(bytes.length)}</td>`), `${a.text}: size`);
        assert.ok(row.includes(a.text.endsWith(".whl") ? "<td>wheel</td>" : "<td>sdist</td>"), `${a.text}: kind`);
      }
    }
  });

  test("description: sanitised Markdown with headings below the page's own, or an empty state", () => {
    const description = element(page("demo-core"), "section", `id="description"`);
    assert.match(description, /<h3>demo-core 2\.0\.0<\/h3>/);
    assert.match(description, /<pre><code class="language-python">&gt;&gt;&gt; import demo_core/);
    assert.doesNotMatch(description, /<h1/);
  });

  test("the same input gives the same bytes", async () => {
    const again = tempDir("catalog-again");
    await buildTo(again, { from: [dists], config: CONFIG });
    const a = snapshot(site);
    const b = snapshot(again);
    for (const p of [...catalogPaths, ...ASSETS]) {
      assert.ok(a.get(p)?.equals(b.get(p) as Buffer), `${p}: same bytes`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic projects: cases the demo dists do not cover.

function file(filename: string, extra: Partial<DistributionFile> & { meta?: Partial<CoreMetadata> } = {}): DistributionFile {
  const parsed = parseFilename(filename);
  assert.ok(parsed.ok, `${filename} parses`);
  const { meta, ...rest } = extra;
  return {
    filename,
    parsed: parsed.value,
    location: { kind: "url", url: `https://files.example/${filename}` },
    hashes: { sha256: "a".repeat(64) },
    size: 2048,
    uploadTime: "2024-01-02T03:04:05.000Z",
    origin: "test",
    ...(meta ? { metadata: { requiresDist: [], projectUrls: [], ...meta } } : {}),
    ...rest,
  };
}

function projectOf(name: string, files: DistributionFile[], versions: string[]): Project {
  return { name, displayName: name, versions, files };
}

function render(projects: Project[], title = "Python package index"): Map<string, string> {
  return new Map(renderCatalog({ projects }, validateIndexConfig({ title })));
}

test("latest is the newest final, non-yanked version; pre-releases and yanks are badged", () => {
  const p = projectOf(
    "pkg",
    [file("pkg-1.0.tar.gz", { meta: { summary: "old" } }), file("pkg-1.1.tar.gz", { meta: { summary: "current" } }), file("pkg-1.2.tar.gz", { yanked: "oops" }), file("pkg-2.0rc1.tar.gz")],
    ["1.0", "1.1", "1.2", "2.0rc1"],
  );
  const facts = catalogFacts(p);
  assert.equal(facts.latest, "1.1");
  assert.equal(facts.summary, "current");
  assert.deepEqual(
    facts.releases.map((r) => [r.version, r.preRelease, r.yanked]),
    [
      ["2.0rc1", true, false],
      ["1.2", false, true],
      ["1.1", false, false],
      ["1.0", false, false],
    ],
  );
  const html = render([p]).get("project/pkg/index.html") ?? "";
  assert.match(element(html, "tbody", `data-version="2.0rc1"`), /<span class="badge pre">pre-release<\/span>/);
  assert.match(element(html, "tbody", `data-version="1.2"`), /<span class="badge yanked">yanked<\/span> <span class="yank-reason">oops<\/span>/);
  assert.match(element(html, "tbody", `data-version="1.1"`), /<span class="badge latest">latest<\/span>/);

  // Only pre-releases: the newest non-yanked one. Only yanks: none (a pin would install a yanked release).
  assert.equal(catalogFacts(projectOf("a", [file("a-1.0a1.tar.gz"), file("a-1.0b1.tar.gz")], ["1.0a1", "1.0b1"])).latest, "1.0b1");
  assert.equal(catalogFacts(projectOf("b", [file("b-1.0.tar.gz", { yanked: true }), file("b-2.0.tar.gz", { yanked: true })], ["1.0", "2.0"])).latest, "");
});

/** A project page's install commands as text, by id. */
function commandsOf(html: string): Record<string, string> {
  const install = element(html, "section", `id="install"`);
  return Object.fromEntries([...install.matchAll(/<code id="(install-[a-z]+)">([\s\S]*?)<\/code>/g)].map((m) => [m[1] ?? "", unescapeHtml((m[2] ?? "").replace(/<[^>]*>/g, ""))]));
}

test("latest and its pins name a version some released Python can install, or nothing", () => {
  const p = projectOf(
    "pkg",
    [
      file("pkg-1.0-py3-none-any.whl", { requiresPython: ">=3.8" }),
      file("pkg-1.1-py3-none-any.whl", { requiresPython: ">=3.8", yanked: true }),
      file("pkg-1.1.tar.gz", { requiresPython: ">=3.99" }),
      file("pkg-2.0-py3-none-any.whl", { requiresPython: ">=4" }),
      file("pkg-2.0.tar.gz", { requiresPython: "==2.7.*" }),
      file("pkg-2.1rc1-py3-none-any.whl", { requiresPython: ">=3.9" }),
    ],
    ["1.0", "1.1", "2.0", "2.1rc1"],
  );
  // 2.0 needs a Python that does not exist; 1.1's only file a Python takes is yanked.
  assert.equal(catalogFacts(p).latest, "1.0");
  const html = render([p]).get("project/pkg/index.html") ?? "";
  assert.equal(commandsOf(html)["install-requirements"], "--index-url <index-url>\npkg==1.0");
  assert.match(element(html, "dl", `class="facts"`), /<dt>Latest version<\/dt><dd><span class="version">1\.0<\/span><\/dd>/);

  // Only an installable pre-release: that one.
  const pre = projectOf("pre", [file("pre-1.0-py3-none-any.whl", { requiresPython: ">=3.99" }), file("pre-1.1a1-py3-none-any.whl", { requiresPython: "~=3.12" })], ["1.0", "1.1a1"]);
  assert.equal(catalogFacts(pre).latest, "1.1a1");

  // Nothing installable: no latest, and the install lines name the project without a pin.
  const none = projectOf("none", [file("none-1.0-py3-none-any.whl", { requiresPython: ">=3.99" }), file("none-2.0.tar.gz", { requiresPython: "<3" })], ["1.0", "2.0"]);
  assert.equal(catalogFacts(none).latest, "");
  const noneHtml = render([none]).get("project/none/index.html") ?? "";
  assert.equal(commandsOf(noneHtml)["install-requirements"], "--index-url <index-url>\nnone");
  assert.match(commandsOf(noneHtml)["install-conda"] ?? "", /\n {6}- none$/);
  assert.doesNotMatch(noneHtml, /Latest version|badge latest|==/);
});

test("Poetry and uv: the index first for every name, PyPI only behind it when there is no upstream; nothing explicit", () => {
  const p = projectOf("pkg", [file("pkg-1.0-py3-none-any.whl")], ["1.0"]);
  const plain = commandsOf(render([p], "Acme").get("project/pkg/index.html") ?? "");
  assert.equal(plain["install-poetry"], "poetry source add --priority=primary acme <index-url>\npoetry source add --priority=supplemental PyPI\npoetry add pkg");
  assert.equal(plain["install-uv"], "uv add --index <index-url> pkg");

  const oneUrl = commandsOf(new Map(renderCatalog({ projects: [p] }, validateIndexConfig({ title: "Acme", upstream: { url: "https://pypi.org/simple/" } }))).get("project/pkg/index.html") ?? "");
  assert.equal(oneUrl["install-poetry"], "poetry source add --priority=primary acme <index-url>\npoetry add pkg");
  assert.equal(oneUrl["install-uv"], "uv add --default-index <index-url> pkg");

  for (const commands of [plain, oneUrl]) {
    assert.deepEqual(Object.keys(commands), ["install-pip", "install-uv", "install-poetry", "install-requirements", "install-conda"]);
    for (const [id, command] of Object.entries(commands)) {
      // An explicit source is not searched for dependencies; --source and --extra-index-url let PyPI answer for them.
      assert.doesNotMatch(command, /explicit|--source|extra-index-url/, id);
    }
  }
});

test("only http(s) URLs become links: repository, home page, project URLs; git and other files are text", () => {
  const files = [
    file("safe-1.0-py3-none-any.whl", {
      repository: "acme/safe",
      repositoryUrl: "https://github.example/acme/safe",
      meta: {
        summary: "x".repeat(250),
        homePage: "javascript:alert(1)",
        projectUrls: ["Docs, https://docs.example/safe", "Evil, javascript:alert(2)", "Source, https://github.example/acme/safe"],
        license: "MIT\nPermission is hereby granted...",
      },
    }),
    file("safe-1.0.tar.gz", { location: { kind: "url", url: "../../pool/safe-1.0.tar.gz" } }),
    file("safe-1.0.zip", { location: { kind: "url", url: "ftp://files.example/safe-1.0.zip" } }),
  ];
  const vcs: DistributionFile = {
    ...file("safe-0.9.tar.gz"),
    filename: "safe-0.9",
    parsed: { filename: "safe-0.9", kind: "vcs", name: "safe", project: "safe", version: "0.9", extension: "" },
    location: { kind: "url", url: "git+https://github.example/acme/safe.git@v0.9#egg=safe-0.9" },
  };
  const evil = projectOf("evil", [file("evil-1.0.tar.gz", { repository: "acme/evil", repositoryUrl: "javascript:alert(3)" })], ["1.0"]);
  const pages = render([projectOf("safe", [vcs, ...files], ["0.9", "1.0"]), evil]);
  const landing = pages.get("index.html") ?? "";
  const safe = pages.get("project/safe/index.html") ?? "";
  assert.doesNotMatch(landing + safe + (pages.get("project/evil/index.html") ?? ""), /href="javascript:/i);

  assert.match(landing, /<a class="repository" href="https:\/\/github\.example\/acme\/safe">acme\/safe<\/a>/);
  assert.match(landing, /<span class="repository">acme\/evil<\/span>/);
  const summary = /<li class="project" data-name="safe"[^>]*>.*?<p class="summary">([^<]*)<\/p>/.exec(landing)?.[1] ?? "";
  assert.equal(summary, `${"x".repeat(199)}…`, "landing summaries are cut at 200 characters");
  assert.ok(safe.includes(`<p class="summary">${"x".repeat(250)}</p>`), "the project page has all of it");

  has(safe, `<a href="https://docs.example/safe" rel="nofollow noopener">Docs</a>`);
  assert.ok(safe.includes(`<li>Evil: javascript:alert(2)</li>`), "a non-http URL is shown as text");
  has(safe, `<li>Home page: javascript:alert(1)</li>`);
  assert.match(safe, /<dt>License<\/dt><dd>MIT<\/dd>/, "a whole license text is cut to its first line");
  assert.match(safe, /<dt>Repository<\/dt><dd><a class="repository" href="https:\/\/github\.example\/acme\/safe">acme\/safe<\/a><\/dd>/);

  has(safe, `<a class="filename" href="https://files.example/safe-1.0-py3-none-any.whl">`);
  assert.ok(safe.includes(`<a class="filename" href="../../pool/safe-1.0.tar.gz">`), "relative file URLs resolve as on the simple page");
  assert.ok(safe.includes(`<span class="filename">safe-1.0.zip</span>`), "ftp: is not linked");
  has(safe, `<span class="filename">safe-0.9</span>`, "a git tag is shown as text");
  assert.match(safe, /<td>vcs<\/td>/);
  assert.match(safe, /<td class="size">2\.0 KiB<\/td>/);
  assert.match(safe, /<p class="empty">No description\.<\/p>/);
});

test("descriptions: Markdown is sanitised, other content types are escaped text", () => {
  const hostile = [
    "# Top",
    "",
    "###### Deep",
    "",
    '<script>alert(1)</script><style>body{}</style><iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x"><form><input></form>',
    "",
    `<p onclick="alert(1)" style="color:red" id="install-pip" class="copy">para</p>`,
    "",
    '[js](javascript:alert(1)) [ok](https://ok.example) [rel](docs/x.md) [mail](mailto:a@b.example) <a href="//evil.example">proto</a>',
    "",
    `![img](https://img.example/a.png) <img src="data:image/png;base64,AAAA" alt="d"> <img src="http://insecure.example/a.png" alt="h"> <img src="x.png" onerror="alert(1)">`,
    "",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "",
    "> quote",
  ].join("\n");
  const html = renderDescription(hostile, "text/markdown; charset=UTF-8; variant=GFM");
  for (const bad of [
    /<script/i,
    /<style/i,
    /<iframe/i,
    /<object/i,
    /<embed/i,
    /<form/i,
    /<input/i,
    /\son\w+=/i,
    /style=/i,
    /\sid=/i,
    /class="copy"/,
    /javascript:/i,
    /alert/,
    /data:image/,
    /http:\/\/insecure/,
    /\/\/evil/,
  ]) {
    assert.doesNotMatch(html, bad);
  }
  assert.match(html, /<h3>Top<\/h3>/);
  assert.match(html, /<h6>Deep<\/h6>/);
  assert.match(html, /<a href="https:\/\/ok\.example" rel="nofollow noopener">ok<\/a>/);
  assert.match(html, /<a href="docs\/x\.md" rel="nofollow noopener">rel<\/a>/);
  assert.match(html, /<a href="mailto:a@b\.example" rel="nofollow noopener">mail<\/a>/);
  assert.match(html, /<img src="https:\/\/img\.example\/a\.png" alt="img" \/>/);
  assert.match(html, /<img src="x\.png" alt="" \/>/, "every image has alt text");
  assert.match(html, /<table>[\s\S]*<td>1<\/td>[\s\S]*<\/table>/);
  assert.match(html, /<blockquote>/);
  assert.match(html, /<p>para<\/p>/);

  assert.equal(renderDescription("# Not <b>markdown</b> & co", "text/x-rst"), `<pre class="plain-description"># Not &lt;b&gt;markdown&lt;/b&gt; &amp; co</pre>`);
  assert.equal(renderDescription("a < b", "text/plain"), `<pre class="plain-description">a &lt; b</pre>`);
  // No content type is reStructuredText (the core metadata spec's default): text, never Markdown's <em> or raw HTML.
  assert.equal(renderDescription("*em* <b>x</b>", undefined), `<pre class="plain-description">*em* &lt;b&gt;x&lt;/b&gt;</pre>`);
  assert.equal(renderDescription("*em*", " "), `<pre class="plain-description">*em*</pre>`, "a blank one too");
});

test("formatting helpers", () => {
  assert.equal(humanSize(0), "0 B");
  assert.equal(humanSize(1023), "1023 B");
  assert.equal(humanSize(12_595), "12.3 KiB");
  assert.equal(humanSize(5 * 1024 * 1024), "5.0 MiB");
  assert.equal(humanSize(undefined), undefined);
  assert.equal(truncate("short", 200), "short");
  assert.equal(truncate("a  b\n c", 200), "a b c");
  assert.equal(truncate("é".repeat(201), 200), `${"é".repeat(199)}…`);
});

test("an empty index still gets a complete landing page", () => {
  const pages = render([]);
  assert.deepEqual([...pages.keys()].sort(), [...ASSETS, "index.html"]);
  const landing = pages.get("index.html") ?? "";
  assert.match(landing, /<p id="result-count" aria-live="polite">0 projects<\/p>/);
  assert.match(landing, /<ul id="projects"><\/ul>/);
  has(landing, CSP_META);
  // A title with nothing to slug falls back to the default Poetry source name.
  const one = render([projectOf("p", [file("p-1.0.tar.gz")], ["1.0"])], "!!!").get("project/p/index.html") ?? "";
  assert.match(one, /poetry source add --priority=primary private /);
});

// ---------------------------------------------------------------------------------------------
// PEP 752 namespaces: the project page and the landing row name the most specific covering grant.

describe("a site with namespaces Acme and acme-internal", async () => {
  const dists = tempDir("catalog-ns-dists");
  for (const d of [
    makeWheel({ name: "acme-app", version: "1.0.0", summary: "The app" }),
    makeWheel({ name: "acme-internal-tool", version: "1.0.0" }),
    makeWheel({ name: "demo-core", version: "1.0.0" }),
  ]) {
    writeFileSync(join(dists, d.filename), d.bytes);
  }
  const site = tempDir("catalog-ns-site");
  await buildTo(site, { from: [dists], config: { namespaces: ["Acme", "acme-internal"] } });
  const plain = tempDir("catalog-plain-site");
  await buildTo(plain, { from: [dists] });
  const landing = read(site, "index.html");
  const head = (name: string): string => text(element(read(site, `project/${name}/index.html`), "div", 'class="page-head"'));
  const row = (name: string): string => element(landing, "li", `data-name="${name}"`);
  const noteOf = (html: string): string => text(element(html, "span", 'class="namespace"'));

  test("a project page says its namespace under its name, as the settings spell the grant", () => {
    assert.equal(head("acme-app"), "acme-app in namespace Acme The app");
    // The child grant, not its parent: the most specific one covering the name.
    assert.equal(head("acme-internal-tool"), "acme-internal-tool in namespace acme-internal");
    assert.equal(head("demo-core"), "demo-core");
  });

  test("the landing page's rows say it too; a project outside every namespace says nothing", () => {
    assert.equal(noteOf(row("acme-app")), "in namespace Acme");
    assert.equal(noteOf(row("acme-internal-tool")), "in namespace acme-internal");
    assert.doesNotMatch(row("demo-core"), /namespace/);
  });

  test("a project outside every namespace has the same page as on an index without namespaces", () => {
    assert.equal(read(site, "project/demo-core/index.html"), read(plain, "project/demo-core/index.html"));
    assert.doesNotMatch(read(plain, "index.html"), /namespace/);
    assert.doesNotMatch(read(plain, "project/acme-app/index.html"), /namespace/);
  });
});

test("a namespaced project from another organisation's repository is said not to be published by the namespace's owner", () => {
  const from =
    (repository: string) =>
    (name: string): Project =>
      projectOf(name, [file(`${name.replace(/-/g, "_")}-1.0.tar.gz`, { repository })], ["1.0"]);
  const config = validateIndexConfig({ title: "Acme", namespaces: ["Acme"] });
  const pages = new Map(renderCatalog({ projects: [from("Acme/app")("acme-app"), from("mallory/fork")("acme-fork")] }, config, "acme"));
  const headOf = (name: string): string => text(element(pages.get(`project/${name}/index.html`) ?? "", "div", 'class="page-head"'));
  assert.equal(headOf("acme-app"), "acme-app in namespace Acme");
  assert.equal(headOf("acme-fork"), "acme-fork in namespace Acme, not published by its owner");
  const landing = pages.get("index.html") ?? "";
  const noteOf = (name: string): string => text(element(element(landing, "li", `data-name="${name}"`), "span", 'class="namespace"'));
  assert.equal(noteOf("acme-fork"), "in namespace Acme, not published by its owner");
  assert.equal(noteOf("acme-app"), "in namespace Acme");
});
