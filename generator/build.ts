import type { IndexConfig } from "./config/schema.js";
import { isValidSpecifierSet } from "./names/specifier.js";
import { UserError, Warnings } from "./diagnostics/warnings.js";
import { silentProgress, type Progress } from "./diagnostics/progress.js";
import type { DistributionFile } from "./model/distribution.js";
import { buildProjectIndex, type ProjectIndex } from "./model/project-index.js";
import { renderSite } from "./render/render-site.js";
import type { Site } from "./site/site.js";
import { recordUpstream } from "./site/upstream-record.js";
import { readLocalFolder } from "./sources/local-folder.js";
import { readPackageList, readPackageListJson } from "./sources/package-list.js";
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
}

/**
 * sources -> enrich -> render, without touching the output: the caller publishes the Site.
 * Every source is read before anything is rendered, so one failing source fails the whole build.
 */
export async function buildSite(inputs: BuildInputs): Promise<BuildResult> {
  const warnings = inputs.warnings ?? new Warnings();
  const progress = inputs.progress ?? silentProgress;
  const { config } = inputs;
  const files: DistributionFile[] = [];
  for (const dir of inputs.from ?? []) files.push(...(await readLocalFolder(dir, warnings, progress)));
  for (const list of inputs.packageLists ?? []) files.push(...(await readPackageList(list, config.packagesUrl, warnings)));
  for (const list of inputs.packageListsJson ?? []) files.push(...(await readPackageListJson(list, config.packagesUrl, warnings)));
  let github: GitHubSourceReport | undefined;
  if (inputs.github) {
    // Loaded only for a build that reads GitHub: Octokit and its plugins are most of the start-up.
    const { readGitHub } = await import("./sources/github.js");
    const read = await readGitHub(inputs.github, warnings, progress);
    files.push(...read.files);
    github = read.report;
  }

  checkLinkUrls(files);
  checkRequiresPython(files, warnings);
  const index = buildProjectIndex(files, config, warnings);
  if (index.projects.length === 0 && !inputs.allowEmpty) {
    throw new UserError("the index would be empty: no source gave a usable distribution (pass --allow-empty to publish an empty index on purpose)");
  }
  const site = renderSite(index, config);
  if (config.upstream) recordUpstream(site, config.upstream);
  const count = index.projects.reduce((n, p) => n + p.files.length, 0);
  return { site, index, files: count, warnings, ...(github ? { github } : {}) };
}

/**
 * A link in a simple page is followed by pip and clicked by people: only `https:`, `http:`, the
 * `git+https:` / `git+http:` of tag links, and relative URLs may reach a page. `javascript:`,
 * `data:`, `file:` and the like stop the build.
 */
const LINK_SCHEMES = new Set(["https", "http", "git+https", "git+http"]);
function checkLinkUrls(files: DistributionFile[]): void {
  for (const file of files) {
    if (file.location.kind !== "url") continue;
    const { url } = file.location;
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url.trim())?.[1]?.toLowerCase();
    // Control characters and backslashes let browsers read a scheme where none seems to be.
    const hidden = /[\x00-\x20\x7f\\]/.test(url);
    if (hidden || (scheme !== undefined && !LINK_SCHEMES.has(scheme))) {
      throw new UserError(`${file.origin}: the URL ${JSON.stringify(url)} for ${file.filename} is not https:, http: (git+ for tag links) or relative; refusing to publish it as a link`);
    }
  }
}

/** pip ignores a Requires-Python it cannot parse, so a typo silently widens who installs the file. */
function checkRequiresPython(files: DistributionFile[], warnings: Warnings): void {
  const verdicts = new Map<string, boolean>();
  for (const file of files) {
    const spec = file.requiresPython;
    if (spec === undefined) continue;
    let ok = verdicts.get(spec);
    if (ok === undefined) {
      ok = isValidSpecifierSet(spec);
      verdicts.set(spec, ok);
    }
    if (!ok) {
      warnings.add("invalid-requires-python", `${file.origin}: Requires-Python ${JSON.stringify(spec)} is not a valid version specifier; pip will ignore it`, file.filename);
    }
  }
}
