/**
 * The generator at deploy time: `pulumi up` (and `pulumi preview`) build the site from the stack's
 * sources into a local folder, and the publication then compares that folder with the branch.
 */
import { resolve } from "node:path";
import { validateIndexConfig } from "../../generator/config/load.js";
import type { StackConfig } from "../config/stack-schema.js";
import { DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS } from "../../generator/config/defaults.js";
import { Warnings, type Warning } from "../../generator/diagnostics/warnings.js";
import { lineProgress } from "../../generator/diagnostics/progress.js";
import { buildAndWrite } from "../../generator/publish/build-and-write.js";
import { describeGitHubReport } from "../../generator/sources/github-report.js";
import { planSources } from "../../generator/sources/plan.js";
import { siteManifest } from "../publish/site-manifest.js";
import type { SiteObjects } from "../../generator/site/site-objects.js";
import type { ListPages } from "../../generator/serving/access/list-pages.js";
import type { AccessMap } from "../../generator/serving/access/access-map.js";

export interface DeployContext {
  /** The organisation (`github:owner`): indexed when `sources` names nothing at all. */
  owner: string;
  apiUrl: string;
  token?: string;
  /** Holds `site/` and the GitHub cache (`cache/`) between runs. */
  workDir: string;
  log: { info(message: string): void; warn(message: string): void };
}

export interface BuiltIndex {
  siteDir: string;
  /** Path -> git blob id of every site file. */
  files: Record<string, string>;
  /** Every site file's size, hashes and headers, read once: the publishers' manifests are shapes of it. */
  objects: SiteObjects;
  projects: number;
  distributions: number;
  /** `OWNER/NAME` of the repositories GitHub discovery indexed. */
  repositories: string[];
  /** Which repositories guard which project, for a private index's gate. */
  accessMap: AccessMap;
  /** Every project's entry in the list pages, which a private index renders per person. */
  lists: ListPages;
  /** A real project name for the client snippets. */
  exampleProject?: string;
  warnings: Warning[];
}

export async function buildIndexForStack(config: StackConfig, ctx: DeployContext): Promise<BuiltIndex> {
  const { sources } = config;
  const nothingNamed = !sources.org && sources.repositories.length + sources.localDirs.length + sources.packageList.length + sources.packageListJson.length === 0;
  const effective = nothingNamed ? { ...sources, org: ctx.owner } : sources;
  const workDir = resolve(ctx.workDir);
  const plan = planSources(effective, config.files, {
    apiUrl: ctx.apiUrl,
    ...(ctx.token ? { token: ctx.token } : {}),
    cacheDir: resolve(workDir, "cache"),
    maxRateLimitWaitSeconds: DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
    notice: (m) => ctx.log.info(m),
    ...(config.replaceFiles.length ? { replaceFiles: config.replaceFiles } : {}),
  });
  const index = validateIndexConfig(
    {
      title: config.title,
      yanked: config.yanked,
      status: config.status,
      indexMaxAgeSeconds: config.indexMaxAgeSeconds,
      namespaces: config.namespaces,
      ...(config.upstream ? { upstream: config.upstream } : {}),
      ...((sources.packagesUrl ?? config.packagesUrl) ? { packagesUrl: sources.packagesUrl ?? config.packagesUrl } : {}),
    },
    "stack config (github-pypi:*)",
  );
  const warnings = new Warnings((w) => ctx.log.warn(`warning[${w.code}]: ${w.message}`));
  const siteDir = resolve(workDir, "site");
  const result = await buildAndWrite({
    build: {
      from: plan.from.map((d) => resolve(d)),
      packageLists: plan.packageLists.map((f) => (f === "-" ? f : resolve(f))),
      packageListsJson: plan.packageListsJson.map((f) => resolve(f)),
      ...(plan.github ? { github: plan.github } : {}),
      config: index,
      // Behind the GitHub gate: names no claimed pattern covers are warned about (private-name-unclaimed).
      private: config.cdn.access === "github",
      // A new organisation with nothing released yet still gets its (empty) index.
      allowEmpty: true,
      warnings,
      progress: lineProgress({ write: (line: string) => ctx.log.info(line.trimEnd()) }),
    },
    out: siteDir,
    replaceFiles: config.replaceFiles,
    ...(config.cname ? { cname: config.cname } : {}),
    // The manifests come from the bytes as they are written: each lazy page is rendered once.
    describe: true,
  });
  if (result.github) ctx.log.info(describeGitHubReport(result.github));
  if (result.index.projects.length === 0) ctx.log.warn("the index has no projects yet: no source gave a usable distribution");
  const objects = result.stats.objects;
  if (!objects) throw new Error("internal: the folder publisher did not describe the site");
  const first = result.index.projects[0];
  return {
    siteDir,
    files: siteManifest(objects),
    objects,
    projects: result.index.projects.length,
    distributions: result.files,
    repositories: result.github?.repositoryNames ?? [],
    accessMap: result.accessMap,
    lists: result.lists,
    ...(first ? { exampleProject: first.name } : {}),
    warnings: warnings.items,
  };
}
