import type { IndexConfig } from "./config/schema.js";
import { isValidSpecifierSet } from "./names/specifier.js";
import { withinNameLimit } from "./model/filename-length.js";
import { cleanPageText } from "./metadata/page-text.js";
import { warnUnclaimedPrivateNames } from "./upstream/private-names.js";
import { routedUpstream } from "./upstream/routed-upstream.js";
import { UserError, Warnings } from "./diagnostics/warnings.js";
import { silentProgress, type Progress } from "./diagnostics/progress.js";
import type { DistributionFile } from "./model/distribution.js";
import { buildProjectIndex } from "./model/project-index.js";
import type { ProjectIndex } from "./model/project.js";
import { renderSite } from "./site/render-site.js";
import { catalogNamespaces } from "./catalog/catalog.js";
import { LandingRows } from "./catalog/landing-page.js";
import type { Site } from "./site/site.js";
import { recordUpstream } from "./site/upstream-record.js";
import { readPackageList, readPackageListJson } from "./sources/package-list.js";
import { ListedLocation } from "./sources/listed-file.js";
import type { GitHubSourceOptions, GitHubSourceReport } from "./sources/github-report.js";

export interface BuildInputs {
  /** Folders of wheels and sdists, copied into the site. */
  from?: string[];
  /** dumb-pypi plain lists of file names. */
  packageLists?: string[];
  /** dumb-pypi JSON-lines lists. */
  packageListsJson?: string[];
  /** An organisation's releases and tags. */
  github?: GitHubSourceOptions;
  config: IndexConfig;
  /**
   * The index is served behind the GitHub gate (the stack's `cdn.access: github`). Default: it
   * indexes private repositories (`--include-private`), which only a private index should.
   */
  private?: boolean;
  allowEmpty?: boolean;
  warnings?: Warnings;
  progress?: Progress;
}

export interface BuildResult {
  site: Site;
  index: ProjectIndex;
  files: number;
  warnings: Warnings;
  github?: GitHubSourceReport;
  /** The landing page's rows, kept for a private index's list pages once the site has rendered them. */
  landingRows: LandingRows;
}

/**
 * Appends one source's files. Not `push(...items)`: spread arguments go on the stack, and a list
 * of a million files overflowed it (RangeError: Maximum call stack size exceeded).
 */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/**
 * sources -> enrich -> render, without touching the output: the caller publishes the Site.
 * Every source is read before anything is rendered, so one failing source fails the whole build.
 */
export async function buildSite(inputs: BuildInputs): Promise<BuildResult> {
  const warnings = inputs.warnings ?? new Warnings();
  const progress = inputs.progress ?? silentProgress;
  const { config } = inputs;
  let files: DistributionFile[] = [];
  if (inputs.from?.length) {
    // Loaded only for a build that reads folders: the archive readers (zip, tar) cost start-up too.
    const { readLocalFolder } = await import("./sources/local-folder.js");
    for (const dir of inputs.from) append(files, await readLocalFolder(dir, warnings, progress));
  }
  for (const list of inputs.packageLists ?? []) append(files, await readPackageList(list, config.packagesUrl, warnings));
  for (const list of inputs.packageListsJson ?? []) append(files, await readPackageListJson(list, config.packagesUrl, warnings));
  let github: GitHubSourceReport | undefined;
  if (inputs.github) {
    // Loaded only for a build that reads GitHub: Octokit and its plugins are most of the start-up.
    const { readGitHub } = await import("./sources/github.js");
    const read = await readGitHub(inputs.github, warnings, progress);
    append(files, read.files);
    github = read.report;
  }

  files = withinNameLimit(files, warnings);
  checkLinkUrls(files);
  checkRequiresPython(files, warnings);
  const index = buildProjectIndex(files, config, warnings);
  if (index.projects.length === 0 && !inputs.allowEmpty) {
    throw new UserError("the index would be empty: no source gave a usable distribution (pass --allow-empty to publish an empty index on purpose)");
  }
  // A project named `namespaces` would need the folder simple/namespaces/ where PEP 752's list is the file simple/namespaces.
  if (config.namespaces.length > 0 && index.projects.some((p) => p.name === "namespaces")) {
    throw new UserError(
      "a project named `namespaces` cannot be published beside PEP 752's /simple/namespaces page (a static host cannot hold both the file and the project's folder): rename the project or drop the namespaces setting",
    );
  }
  const upstream = routedUpstream(config);
  if (inputs.private ?? inputs.github?.includePrivate ?? false) warnUnclaimedPrivateNames(index, upstream, config.namespaces, warnings);
  const landingRows = new LandingRows(catalogNamespaces(config, inputs.github?.org));
  const site = renderSite(index, config, inputs.github?.org, landingRows);
  if (upstream) recordUpstream(site, upstream);
  const count = index.projects.reduce((n, p) => n + p.files.length, 0);
  return { site, index, files: count, warnings, landingRows, ...(github ? { github } : {}) };
}

/**
 * A link in a simple page is followed by pip and clicked by people: only `https:`, `http:`, the
 * `git+https:` / `git+http:` of tag links, and relative URLs may reach a page. `javascript:`,
 * `data:`, `file:` and the like stop the build.
 */
const LINK_SCHEMES = new Set(["https", "http", "git+https", "git+http"]);
function checkLinkUrls(files: DistributionFile[]): void {
  // A list's URLs are its base, `/` and a percent-encoded name: checking the base checks them all.
  const bases = new Set<string>();
  for (const file of files) {
    const { location } = file;
    if (location.kind !== "url") continue;
    if (location instanceof ListedLocation) {
      if (bases.has(location.base)) continue;
      bases.add(location.base);
    }
    const { url } = location;
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.trim())?.[1]?.toLowerCase();
    // Control characters and backslashes let browsers read a scheme where none seems to be.
    const hidden = /[\x00-\x20\x7f\\]/.test(url);
    if (hidden || (scheme !== undefined && !LINK_SCHEMES.has(scheme))) {
      throw new UserError(`${file.origin}: the URL ${JSON.stringify(url)} for ${file.filename} is not https:, http: (git+ for tag links) or relative; refusing to publish it as a link`);
    }
  }
}

/**
 * pip ignores a Requires-Python it cannot parse, so a typo silently widens who installs the file.
 * Characters no page may carry are removed first, whichever source gave it (core metadata is
 * cleaned when read; a package list or a tag's pyproject.toml are cleaned here).
 */
function checkRequiresPython(files: DistributionFile[], warnings: Warnings): void {
  const verdicts = new Map<string, { clean: string; ok: boolean }>();
  for (const file of files) {
    const spec = file.requiresPython;
    if (spec === undefined) continue;
    let verdict = verdicts.get(spec);
    if (verdict === undefined) {
      const clean = cleanPageText(spec);
      verdict = { clean, ok: isValidSpecifierSet(clean) };
      verdicts.set(spec, verdict);
    }
    const { clean, ok } = verdict;
    if (clean !== spec) {
      warnings.add("control-characters", `${file.origin}: Requires-Python ${JSON.stringify(spec)} holds characters no page may carry (control characters, noncharacters); removed`, file.filename);
      if (clean === "") {
        delete file.requiresPython;
        continue;
      }
      file.requiresPython = clean;
    }
    if (!ok) {
      warnings.add("invalid-requires-python", `${file.origin}: Requires-Python ${JSON.stringify(clean)} is not a valid version specifier; pip will ignore it`, file.filename);
    }
  }
}
