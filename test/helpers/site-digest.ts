/**
 * The fixed build whose bytes test/site-digest.test.ts guards, and its digest: SHA-256 of every
 * file the build writes (path -> digest) and one digest over all of them. Optimising the build
 * must not change one byte of one page; this build renders every page kind there is.
 *
 * Two parts:
 * - `command/`: the compiled `github-pypi build` as users run it, on a JSON-lines list shaped
 *   like the benchmark's (600 projects, each a run of releases, two wheels and an sdist each, hashes,
 *   Requires-Python, upload times, uploaders, sizes, core metadata, the odd yank) with the lines
 *   real lists also hold (odd spellings, epochs, local versions, build tags, eggs, other hashes,
 *   missing sizes, duplicates, unusable names), the demo's distributions (metadata, descriptions,
 *   files the site holds) and settings with yanks, statuses, namespaces and an upstream. The access
 *   map written beside the site counts as a page (`OUT.access.json`). About 1,900 pages: the
 *   folder publisher hands the simple pages to its page writer thread, as for a large site.
 * - `render/`: the renderer in process on files shaped as the GitHub source gives them
 *   (repositories public and archived, provenance, tag links, mirrored files, relative URLs), which
 *   no list can carry.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateIndexConfig } from "../../generator/config/load.js";
import { Warnings } from "../../generator/diagnostics/warnings.js";
import type { BuildIdentity, DistributionFile } from "../../generator/model/distribution.js";
import { buildProjectIndex } from "../../generator/model/project-index.js";
import { parseFilename } from "../../generator/names/filename.js";
import { renderSite } from "../../generator/site/render-site.js";
import { bytesOf, isFileRef } from "../../generator/site/site.js";
import { cliPath, demoDists, repoRoot } from "./paths.js";

export interface SiteDigest {
  /** SHA-256 over every `path digest` line, in path order. */
  all: string;
  /** Path -> SHA-256 of the bytes (a file the site copies: of its size and promised SHA-256). */
  pages: Record<string, string>;
}

/** The command's simple project pages and the file links they list, both forms together. */
export interface SimplePageCount {
  pages: number;
  links: number;
}

const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

/** Same seed, same list: an LCG, as the benchmark's generator uses. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ["acme", "data", "core", "utils", "client", "api", "tools", "ml"];
const PY = [">=3.8", ">=3.9", ">=3.10,<4", ">=3.8,!=3.9.*", ">=3.11"];

/** The benchmark's shapes: projects of 2 to 20 files (the 10k list has 2 a project, the 100k list 20). */
function syntheticLines(files: number): string[] {
  const random = rng(28);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const lines: string[] = [];
  for (let p = 0; lines.length < files; p++) {
    const name = `${pick(WORDS)}-${pick(WORDS)}-${p}`;
    const dist = name.replace(/-/g, "_");
    const want = 2 + Math.floor(random() * 19);
    for (let i = 0; i < want && lines.length < files; i++) {
      const release = Math.floor(i / 3);
      const version = `${Math.floor(release / 10)}.${release % 10}.${Math.floor(random() * 3)}${random() < 0.1 ? "rc1" : ""}`;
      const kind = i % 3;
      const filename = kind === 0 ? `${dist}-${version}.tar.gz` : kind === 1 ? `${dist}-${version}-py3-none-any.whl` : `${dist}-${version}-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl`;
      const entry: Record<string, unknown> = {
        filename,
        hash: `sha256=${sha256(filename)}`,
        requires_python: pick(PY),
        upload_timestamp: 1_600_000_000 + lines.length * 60,
        uploaded_by: pick(["ci", "alice", "bob"]),
        size: 1000 + Math.floor(random() * 5_000_000),
      };
      if (kind !== 0) entry.core_metadata = `sha256=${sha256(`m:${filename}`)}`;
      if (random() < 0.01) entry.yanked_reason = "superseded";
      lines.push(JSON.stringify(entry));
    }
  }
  return lines;
}

/** The lines real lists also hold, each a branch of the reader or a renderer. */
function edgeLines(): string[] {
  const h = (s: string): string => `sha256=${sha256(s)}`;
  const entries: Record<string, unknown>[] = [
    // Two spellings of one version and of one name; the newest file's spelling is the display name.
    { filename: "Edge.Cases-1.0.tar.gz", hash: h("a"), size: 10, upload_timestamp: 1_600_000_000.123 },
    { filename: "edge_cases-1.0.0-py3-none-any.whl", hash: h("b"), size: 11, core_metadata: true },
    { filename: "edge_cases-1.0.0-1-py3-none-any.whl", hash: h("c"), size: 12, core_metadata: false },
    { filename: "edge_cases-2.0+local.7-py3-none-any.whl", hash: h("d"), size: 1_234_567_890, requires_python: "<4,>=3.8" },
    { filename: "edge_cases-1!0.5.tar.gz", hash: `sha512=${createHash("sha512").update("e").digest("hex")}`, size: 13 },
    { filename: "edge_cases-1.1.post2.tar.gz", hash: `md5=${createHash("md5").update("f").digest("hex")}`, size: 14, yanked_reason: "" },
    { filename: "edge_cases-1.2.dev3.zip", size: 15, yanked_reason: `<script>alert("x")</script> & more` },
    { filename: "edge_cases-1.3a1.tar.bz2", hash: h("g"), size: 16, requires_python: "3.8+" },
    { filename: "edge_cases-0.9-py3.8.egg", hash: h("h"), size: 17, uploaded_by: "eve <eve@example.com>" },
    { filename: "edge_cases-0.9-py3.8.egg", hash: h("h"), size: 17 },
    { filename: "edge_cases-1.0.exe", hash: h("i") },
    { filename: "edge_cases-1.0.TAR.GZ", hash: h("j") },
    { filename: "café-1.0-py3-none-any.whl", hash: h("k"), size: 18 },
    // No size anywhere: this project's JSON page declares api-version 1.0.
    { filename: "unsized-0.1.tar.gz", hash: h("l"), requires_python: ">=3.8" },
    { filename: "unsized-0.2-py2.py3-none-any.whl", hash: h("m"), upload_timestamp: 0 },
    // Statuses, yanks and namespaces of the settings below.
    { filename: "acme-1.0.tar.gz", hash: h("n"), size: 19 },
    { filename: "acme_data_tools-3.0-py3-none-any.whl", hash: h("o"), size: 20 },
    { filename: "gone_archived-1.0.tar.gz", hash: h("p"), size: 21 },
    { filename: "old_deprecated-1.0.tar.gz", hash: h("q"), size: 22 },
    { filename: "held_quarantined-1.0.tar.gz", hash: h("r"), size: 23 },
    { filename: "yank_me-1.0.tar.gz", hash: h("s"), size: 24 },
    { filename: "yank_me-1.0.0-py3-none-any.whl", hash: h("t"), size: 25 },
    { filename: "yank_me-1.1-py3-none-any.whl", hash: h("u"), size: 26, requires_python: ">=3.99" },
  ];
  return entries.map((e) => JSON.stringify(e));
}

/** The settings: every key that changes a page. */
const SETTINGS = {
  title: `Acme "packages" <internal> & co`,
  yanked: { "demo-core": { "1.0.0": "Broken import on Windows" }, "Yank.Me": { "1.0": "", "1.1": true } },
  status: {
    gone_archived: { status: "archived" },
    "Old.Deprecated": { status: "deprecated", reason: `Use <b>acme</b> & "friends"` },
    "held-quarantined": { status: "quarantined", reason: "Under review" },
    "edge-cases": { status: "active" },
  },
  namespaces: ["acme", "acme-data"],
  upstream: { url: "https://pypi.org/simple/", claimed: ["demo-*", "acme-*"] },
};

/** SHA-256 of every file under `dir`, keyed `prefix` + its path. */
function digestFolder(dir: string, prefix: string, into: Record<string, string>): void {
  const walk = (folder: string, rel: string): void => {
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(folder, e.name), path);
      else into[`${prefix}${path}`] = sha256(readFileSync(join(folder, e.name)));
    }
  };
  walk(dir, "");
}

/** How many simple project pages the site in `dir` has and how many links they list (each JSON page's files, twice: its HTML form lists the same). */
function simplePageCount(dir: string): SimplePageCount {
  let pages = 0;
  let links = 0;
  for (const e of readdirSync(join(dir, "simple"), { withFileTypes: true })) {
    // Not a project's folder: PEP 752's simple/namespace/.
    if (!e.isDirectory() || !existsSync(join(dir, "simple", e.name, "index.json"))) continue;
    const page = JSON.parse(readFileSync(join(dir, "simple", e.name, "index.json"), "utf8")) as { files: unknown[] };
    pages += 2;
    links += 2 * page.files.length;
  }
  return { pages, links };
}

/** The compiled command on the list, the demo's distributions and the settings, in `work`. */
function commandPages(work: string, into: Record<string, string>): SimplePageCount {
  const list = join(work, "list.jsonl");
  const settings = join(work, "settings.json");
  const out = join(work, "site");
  writeFileSync(list, `${[...syntheticLines(6600), ...edgeLines()].join("\n")}\n`);
  writeFileSync(settings, JSON.stringify(SETTINGS));
  execFileSync(
    process.execPath,
    [cliPath, "build", "--config", settings, "--from", demoDists, "--package-list-json", list, "--packages-url", "https://files.example.com/pool/", "--out", out, "--quiet"],
    {
      cwd: repoRoot,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  digestFolder(out, "command/", into);
  into["command/OUT.access.json"] = sha256(readFileSync(`${out}.access.json`));
  return simplePageCount(out);
}

const BUILT: BuildIdentity = {
  repository: "acme-org/tools",
  workflow: "release.yml",
  workflowPath: ".github/workflows/release.yml",
  ref: "refs/tags/v2.0.0",
  commit: "0123456789abcdef0123456789abcdef01234567",
  runUrl: "https://github.com/acme-org/tools/actions/runs/1/attempts/1",
  serverUrl: "https://github.com",
  predicateType: "https://slsa.dev/provenance/v1",
};

/** A file as the GitHub source gives one. */
function gitHubFile(filename: string, extra: Partial<DistributionFile> = {}): DistributionFile {
  const parsed = parseFilename(filename);
  if (!parsed.ok) throw new Error(`${filename}: ${parsed.reason}`);
  return {
    filename,
    parsed: parsed.value,
    location: { kind: "url", url: `https://github.com/acme-org/tools/releases/download/v${parsed.value.version}/${encodeURIComponent(filename)}` },
    hashes: { sha256: sha256(filename) },
    size: 4096,
    uploadTime: "2025-01-02T03:04:05.000Z",
    repository: "acme-org/tools",
    repositoryUrl: "https://github.com/acme-org/tools",
    repositoryPublic: true,
    origin: "test",
    ...extra,
  };
}

/** What no list can carry: the GitHub source's files through the renderer, in process. */
function renderPages(into: Record<string, string>): void {
  const metadata = {
    name: "Acme-Tools",
    summary: "Tools <for> acme",
    requiresDist: ["acme-lib>=1.0", 'requests[socks] ; python_version < "3.12"', "not a name!"],
    projectUrls: ["Source, https://github.com/acme-org/tools", "Docs, javascript:alert(1)", "https://example.com/bare"],
    homePage: "https://acme.example",
    license: "MIT\nsecond line",
    description: "# Acme tools\n\nSome *markdown* with <script>alert(1)</script> and a [link](https://example.com).",
    descriptionContentType: "text/markdown",
    requiresPython: ">=3.9",
  };
  const provenance = { bytes: new TextEncoder().encode('{"version":1,"attestation_bundles":[]}'), builtBy: [BUILT, { ...BUILT, predicateType: "https://docs.pypi.org/attestations/publish/v1" }] };
  const files: DistributionFile[] = [
    gitHubFile("acme_tools-2.0.0-py3-none-any.whl", { metadata, provenance, coreMetadataFile: { hashes: { sha256: sha256("meta") } } }),
    gitHubFile("acme_tools-2.0.0.tar.gz", { provenance, requiresPython: ">=3.9" }),
    gitHubFile("acme_tools-1.0.0.tar.gz", { yanked: "old" }),
    gitHubFile("acme_lib-1.0.0-py3-none-any.whl", {
      location: { kind: "site", path: "files/acme-lib/acme_lib-1.0.0-py3-none-any.whl", sourcePath: "/nonexistent/acme_lib-1.0.0-py3-none-any.whl" },
      coreMetadataFile: { hashes: { sha256: sha256("Metadata-Version: 2.1\nName: acme-lib\n") }, bytes: new TextEncoder().encode("Metadata-Version: 2.1\nName: acme-lib\n") },
      repositoryPublic: false,
    }),
    gitHubFile("acme_lib-0.9+g1.tar.gz", { location: { kind: "site", path: "files/acme-lib/acme_lib-0.9+g1.tar.gz", sourcePath: "/nonexistent/acme_lib-0.9+g1.tar.gz" } }),
    gitHubFile("relative-1.0.tar.gz", { location: { kind: "url", url: "../../pool/relative-1.0.tar.gz" }, repository: "other-org/relative", repositoryUrl: "https://github.com/other-org/relative" }),
    gitHubFile("relative-1.1.tar.gz", { location: { kind: "url", url: "/pool/relative-1.1.tar.gz" }, repository: "other-org/relative", repositoryUrl: "https://github.com/other-org/relative" }),
    {
      ...gitHubFile("archived-1.0.tar.gz", { repository: "acme-org/archived", repositoryUrl: "https://github.com/acme-org/archived", repositoryArchived: true }),
      filename: "archived-1.1",
      parsed: { filename: "archived-1.1", kind: "vcs", name: "archived", project: "archived", version: "1.1", extension: "" },
      location: { kind: "url", url: "git+https://github.com/acme-org/archived@v1.1#egg=archived-1.1" },
      hashes: {},
    },
  ];
  const config = validateIndexConfig({ title: "Acme", namespaces: ["acme"], packagesUrl: "../../pool/" });
  const site = renderSite(buildProjectIndex(files, config, new Warnings()), config, "acme-org");
  for (const [path, entry] of site) {
    into[`render/${path}`] = isFileRef(entry.body) ? sha256(`${entry.body.size} ${entry.body.sha256}`) : sha256(bytesOf(entry.body));
  }
}

/** Builds both parts in `work` and digests every page; `simple` counts the command's simple pages. */
export function siteDigest(work: string): SiteDigest & { simple: SimplePageCount } {
  const pages: Record<string, string> = {};
  const simple = commandPages(work, pages);
  renderPages(pages);
  const sorted = Object.fromEntries(
    Object.keys(pages)
      .sort()
      .map((p) => [p, pages[p] as string]),
  );
  const all = sha256(
    Object.entries(sorted)
      .map(([p, d]) => `${p} ${d}\n`)
      .join(""),
  );
  return { all, pages: sorted, simple };
}

/** Where the committed digest lives. */
export const SITE_DIGEST_FILE = join(repoRoot, "test/fixtures/site-digest.json");
