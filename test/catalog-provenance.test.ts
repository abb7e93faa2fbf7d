/**
 * The catalog and PEP 740 provenance: under each attested file, who built it (linked to the
 * repository, the workflow run and the provenance the site serves), an "Attested build" badge when
 * every file of the latest version is attested, hostile certificate names kept as text, and the
 * same bytes as before for an index without provenance. Pages are read as test/catalog.test.ts reads them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { anchors, elementOf, textOf, unescapeHtml, type Anchor } from "./helpers/html.js";
import { validateIndexConfig } from "../generator/config/load.js";
import { renderCatalog } from "../generator/catalog/catalog.js";
import { parseFilename } from "../generator/names/filename.js";
import { provenanceHref } from "../generator/render/file-links.js";
import type { BuildIdentity, DistributionFile } from "../generator/model/distribution.js";
import type { Project } from "../generator/model/project.js";
import { REAL_BUILD_IDENTITY } from "./helpers/forged-bundle.js";

const RELEASE: BuildIdentity = REAL_BUILD_IDENTITY;
const PUBLISH = "https://docs.pypi.org/attestations/publish/v1";

const text = textOf;
const element = elementOf;

/** Every element `<tag class="cls" …>…</tag>` (no nesting of the same tag). */
function elements(html: string, tag: string, cls: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b[^>]*class="${cls}"[^>]*>[\\s\\S]*?</${tag}>`, "g"))].map((m) => m[0]);
}

/** An attribute of an element's opening tag, unescaped. */
function attribute(html: string, name: string): string | undefined {
  const open = /^<[^>]*>/.exec(html)?.[0] ?? "";
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(open);
  return m ? unescapeHtml(m[1] as string) : undefined;
}

/**
 * The attribute names of every tag in a page. Each `<` followed by a letter must open a tag that
 * parses whole (quoted values never hold `"` once escaped), so markup smuggled in text shows up.
 */
function attributeNames(html: string): string[] {
  const tags = [...html.matchAll(/<[a-z][a-z0-9]*((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*>/gi)];
  assert.equal(tags.length, [...html.matchAll(/<[a-z]/gi)].length, "every tag parses");
  return tags.flatMap((t) => [...(t[1] ?? "").matchAll(/\s+([\w:-]+)(?:="[^"]*")?/g)].map((a) => (a[1] as string).toLowerCase()));
}

const byClass = (links: Anchor[], cls: string): Anchor | undefined => links.find((a) => a.attrs.get("class") === cls);

function file(filename: string, extra: Partial<DistributionFile> = {}): DistributionFile {
  const parsed = parseFilename(filename);
  assert.ok(parsed.ok, `${filename} parses`);
  return {
    filename,
    parsed: parsed.value,
    location: { kind: "url", url: `https://files.example/${filename}` },
    hashes: { sha256: "a".repeat(64) },
    size: 2048,
    uploadTime: "2024-12-04T16:05:00.000Z",
    origin: "test",
    ...extra,
  };
}

function attested(filename: string, builtBy: BuildIdentity[] = [RELEASE], extra: Partial<DistributionFile> = {}): DistributionFile {
  const bytes = new TextEncoder().encode(JSON.stringify({ version: 1, attestation_bundles: [] }));
  return file(filename, { provenance: { bytes, builtBy }, ...extra });
}

function projectOf(name: string, files: DistributionFile[], versions: string[]): Project {
  return { name, displayName: name, versions, files };
}

function render(projects: Project[]): Map<string, string> {
  return new Map(renderCatalog({ projects }, validateIndexConfig({ title: "Acme" })));
}

/** The same project with every file's provenance removed. */
function unattested(p: Project): Project {
  return { ...p, files: p.files.map(({ provenance: _, ...f }) => f) };
}

/** The file row of `filename` in a project page's versions table. */
function fileRow(html: string, filename: string): string {
  const versions = element(html, "section", `id="versions"`);
  const row = versions.split("<tr>").find((r) => r.includes(`>${filename}</a>`));
  assert.ok(row, `a row for ${filename}`);
  return row;
}

const { runUrl: _, ...WITHOUT_RUN } = RELEASE;
const ATTESTATIONS = projectOf(
  "pypi-attestations",
  [
    attested("pypi_attestations-0.0.18.tar.gz", [{ ...WITHOUT_RUN, ref: "refs/tags/v0.0.18" }]),
    attested("pypi_attestations-0.0.19-py3-none-any.whl"),
    attested("pypi_attestations-0.0.19.tar.gz", [RELEASE, { ...RELEASE, predicateType: PUBLISH }]),
  ],
  ["0.0.18", "0.0.19"],
);

test("an attested file says who built it, linked to the repository, the run and the provenance the site serves", () => {
  const page = render([ATTESTATIONS]).get("project/pypi-attestations/index.html") ?? "";
  const row = fileRow(page, "pypi_attestations-0.0.19.tar.gz");
  const lines = elements(row, "p", "built-by");
  // Two attestations (SLSA provenance and PyPI's publish attestation) from one run: one line.
  assert.equal(lines.length, 1);
  const line = lines[0] as string;
  assert.equal(text(line), "built by trailofbits/pypi-attestations release.yml at v0.0.19 · provenance");

  const links = anchors(line);
  assert.equal(byClass(links, "build-repository")?.href, "https://github.com/trailofbits/pypi-attestations");
  assert.equal(byClass(links, "build-workflow")?.href, RELEASE.runUrl);
  assert.equal(attribute(element(line, "code", 'class="build-ref"'), "title"), "refs/tags/v0.0.19", "the full ref on hover");

  // The provenance link, from project/<name>/, reaches the same URL as the simple page's data-provenance.
  const href = byClass(links, "provenance")?.href ?? "";
  const site = "https://index.example/prefix/";
  const fromProjectPage = new URL(href, `${site}project/pypi-attestations/`).href;
  assert.equal(fromProjectPage, `${site}files/pypi-attestations/pypi_attestations-0.0.19.tar.gz.provenance`);
  const tarball = ATTESTATIONS.files[2] as DistributionFile;
  assert.equal(new URL(provenanceHref(tarball), `${site}simple/pypi-attestations/`).href, fromProjectPage);
});

test("without a run URL the workflow links to its file at the commit built; branch refs are shown short too", () => {
  const page = render([ATTESTATIONS]).get("project/pypi-attestations/index.html") ?? "";
  const line = element(fileRow(page, "pypi_attestations-0.0.18.tar.gz"), "p", 'class="built-by"');
  assert.equal(byClass(anchors(line), "build-workflow")?.href, "https://github.com/trailofbits/pypi-attestations/blob/08802efe1f8e5fec4ad842d6b8ce97656092ee72/.github/workflows/release.yml");
  assert.match(text(line), /^built by trailofbits\/pypi-attestations release\.yml at v0\.0\.18 · provenance$/);

  const main = { ...RELEASE, ref: "refs/heads/main" };
  const merge = { ...RELEASE, ref: "refs/pull/7/merge", workflow: "ci.yml", workflowPath: ".github/workflows/ci.yml" };
  const p = projectOf("p", [attested("p-1.0.tar.gz", [main, merge, main])], ["1.0"]);
  const several = element(fileRow(render([p]).get("project/p/index.html") ?? "", "p-1.0.tar.gz"), "p", 'class="built-by"');
  // Each distinct identity once, in the provenance's order.
  assert.equal(text(several), "built by trailofbits/pypi-attestations release.yml at main; built by trailofbits/pypi-attestations ci.yml at refs/pull/7/merge · provenance");
  const refs = [...several.matchAll(/<code class="build-ref"[^>]*>[^<]*<\/code>/g)].map((m) => attribute(m[0], "title"));
  assert.deepEqual(refs, ["refs/heads/main", "refs/pull/7/merge"]);
});

test("names from certificates are text: hostile workflow, repository and ref are escaped; only http(s) URLs become links", () => {
  const hostile: BuildIdentity = {
    ...RELEASE,
    repository: `evil/"><script>alert(1)</script>`,
    workflow: `<script>alert("x")</script>'.yml`,
    workflowPath: `.github/workflows/"onmouseover="alert(2)`,
    ref: `refs/tags/<img src=x onerror=alert(3)>"'`,
    runUrl: "javascript:alert(4)",
  };
  const noServer: BuildIdentity = { ...RELEASE, serverUrl: "javascript:alert(5)//", runUrl: "https://github.com/x/y/actions/runs/1" };
  const p = projectOf("evil", [attested("evil-1.0.tar.gz", [hostile, noServer])], ["1.0"]);
  const pages = render([p]);
  const page = pages.get("project/evil/index.html") ?? "";
  const landing = pages.get("index.html") ?? "";

  for (const html of [page, landing]) {
    // The catalog's own script is the only one; no handler attribute and no javascript: link was written.
    assert.deepEqual(
      [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]),
      [`<script src="${html === page ? "../../" : ""}assets/catalog.js" defer>`],
    );
    const names = attributeNames(html);
    assert.deepEqual(
      names.filter((n) => /^on/i.test(n)),
      [],
      "no event-handler attribute",
    );
    assert.doesNotMatch(html, /href="javascript:/i);
  }

  const line = element(fileRow(page, "evil-1.0.tar.gz"), "p", 'class="built-by"');
  const [first, second] = text(line).split("; ");
  assert.equal(first, `built by ${hostile.repository} ${hostile.workflow} at <img src=x onerror=alert(3)>"'`);
  assert.equal(second, "built by trailofbits/pypi-attestations release.yml at v0.0.19 · provenance");
  const workflows = elements(line, "span", "build-workflow");
  assert.equal(workflows.length, 1, "the javascript: run URL is no link: the workflow is text");
  assert.equal(text(workflows[0] as string), hostile.workflow);
  assert.equal(attribute(workflows[0] as string, "title"), hostile.workflowPath);
  assert.equal(attribute(element(line, "code", 'class="build-ref"'), "title"), hostile.ref);
  // A hostile repository name stays inside the github.com URL; a server that is not http(s) links nothing.
  const links = anchors(line);
  const repository = links.filter((a) => a.attrs.get("class") === "build-repository").map((a) => new URL(a.href));
  assert.deepEqual(
    repository.map((u) => [u.origin, decodeURIComponent(u.pathname)]),
    [["https://github.com", `/${hostile.repository}`]],
  );
  assert.equal(elements(line, "span", "build-repository").length, 1);
  assert.deepEqual(
    links.filter((a) => a.attrs.get("class") === "build-workflow").map((a) => a.href),
    ["https://github.com/x/y/actions/runs/1"],
  );

  const badge = element(page, "span", 'class="badge attested"');
  assert.equal(attribute(badge, "title"), `Every file of version 1.0 is attested: built by ${hostile.repository} ${hostile.workflow}, trailofbits/pypi-attestations release.yml`);
});

test("the badge: on the project page and its landing row when every file of the latest version is attested", () => {
  const pages = render([ATTESTATIONS]);
  const page = pages.get("project/pypi-attestations/index.html") ?? "";
  const head = element(page, "div", 'class="page-head"');
  assert.equal(text(head), "pypi-attestations Attested build");
  const badge = element(head, "span", 'class="badge attested"');
  assert.equal(attribute(badge, "title"), "Every file of version 0.0.19 is attested: built by trailofbits/pypi-attestations release.yml");

  const row = element(pages.get("index.html") ?? "", "li", 'data-name="pypi-attestations"');
  const note = element(row, "span", 'class="attested"');
  assert.equal(text(note), "Attested build");
  assert.equal(attribute(note, "title"), attribute(badge, "title"));
});

test("no badge when a file of the latest version is unattested, or when only older versions or newer pre-releases are", () => {
  const partly = projectOf("partly", [attested("partly-1.0-py3-none-any.whl"), file("partly-1.0.tar.gz")], ["1.0"]);
  const older = projectOf("older", [attested("older-1.0.tar.gz"), file("older-1.1.tar.gz")], ["1.0", "1.1"]);
  const pre = projectOf("pre", [file("pre-1.0.tar.gz"), attested("pre-2.0rc1.tar.gz")], ["1.0", "2.0rc1"]);
  // The latest is the newest final version: a newer pre-release without attestations takes nothing away.
  const final = projectOf("final", [attested("final-1.0.tar.gz"), file("final-2.0rc1.tar.gz")], ["1.0", "2.0rc1"]);
  const pages = render([partly, older, pre, final]);
  const landing = pages.get("index.html") ?? "";
  for (const name of ["partly", "older", "pre"]) {
    assert.doesNotMatch(element(pages.get(`project/${name}/index.html`) ?? "", "div", 'class="page-head"'), /attested/i, name);
    assert.doesNotMatch(element(landing, "li", `data-name="${name}"`), /attested/i, name);
  }
  assert.equal(text(element(pages.get("project/final/index.html") ?? "", "span", 'class="badge attested"')), "Attested build");
  assert.equal(text(element(landing, "li", 'data-name="final"')).endsWith("Attested build"), true);
  // The attested files still say who built them.
  const partlyPage = pages.get("project/partly/index.html") ?? "";
  assert.equal(elements(fileRow(partlyPage, "partly-1.0-py3-none-any.whl"), "p", "built-by").length, 1);
  assert.equal(elements(fileRow(partlyPage, "partly-1.0.tar.gz"), "p", "built-by").length, 0);
});

test("without provenance a page has the bytes it had before: attested pages differ only by what provenance adds", () => {
  const plainIndex = render([unattested(ATTESTATIONS), projectOf("other", [file("other-1.0.tar.gz")], ["1.0"])]);
  const mixed = render([ATTESTATIONS, projectOf("other", [file("other-1.0.tar.gz")], ["1.0"])]);
  // A project without provenance: the same page whether or not others in the index have some.
  assert.equal(mixed.get("project/other/index.html"), plainIndex.get("project/other/index.html"));
  for (const [path, html] of plainIndex) if (path.endsWith(".html")) assert.doesNotMatch(html, /built-by|attested|provenance/i, path);

  // Strip the badge and the built-by lines: what remains is, byte for byte, the unattested page.
  const strip = (html: string): string =>
    html
      .replace(/<p class="attested">[\s\S]*?<\/p>\n/g, "")
      .replace(/<p class="built-by">[\s\S]*?<\/p>/g, "")
      .replace(/ <span class="attested"[^>]*>[^<]*<\/span>/g, "");
  const attestedPage = mixed.get("project/pypi-attestations/index.html") ?? "";
  assert.notEqual(attestedPage, plainIndex.get("project/pypi-attestations/index.html"));
  assert.equal(strip(attestedPage), plainIndex.get("project/pypi-attestations/index.html"));
  assert.equal(strip(mixed.get("index.html") ?? ""), plainIndex.get("index.html"));
});
