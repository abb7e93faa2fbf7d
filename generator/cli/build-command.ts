import { validateIndexConfig } from "../config/load.js";
import { loadProjectFile, type ProjectFile } from "../config/project-file.js";
import { sourcesSchema, type SourcesConfig } from "../config/sources-schema.js";
import { DEFAULT_CACHE_DIR, DEFAULT_FILES_MODE, DEFAULT_GITHUB_API_URL, DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS, type FilesMode } from "../config/defaults.js";
import { planSources } from "../sources/plan.js";
import type { UpstreamSettings } from "../protocol/upstream-settings.js";
import { checkUpstream, describeUpstreamCheck, reservedNames, type ReservedName } from "../upstream/check-upstream.js";
import { claimedGlobNotices } from "../upstream/claimed-globs.js";
import { namespaceGrants } from "../names/namespaces.js";
import { UserError, Warnings } from "../diagnostics/warnings.js";
import { silentProgress, terminalProgress } from "../diagnostics/progress.js";
import { describeGitHubReport } from "../sources/github-report.js";
import { buildAndWrite } from "../publish/build-and-write.js";
import { defaultAccessMapPath } from "../serving/access/access-map-file.js";
import { plural } from "../diagnostics/plural.js";
import { interruptible } from "./interrupt.js";
import { printWarning } from "./report.js";

export interface BuildCommandOptions {
  out: string;
  /** Where the access map goes (default: beside the site folder, `OUT.access.json`). */
  accessMap?: string;
  /** Published file names whose bytes may change in this build, on purpose. */
  replaceFile?: string[];
  /** List our names the upstream also holds, with its highest version. */
  checkUpstream?: boolean;
  from?: string[];
  packageList?: string[];
  packageListJson?: string[];
  packagesUrl?: string;
  config?: string;
  title?: string;
  allowEmpty?: boolean;
  strict?: boolean;
  quiet?: boolean;
  githubOrg?: string;
  topic?: string[];
  repo?: string[];
  includePrivate?: boolean;
  includeArchived?: boolean;
  skipArchived?: boolean;
  tags?: boolean;
  files?: FilesMode;
  cacheDir?: string;
  token?: string;
  githubApiUrl?: string;
  maxRateLimitWait?: number;
  retryBaseMs?: number;
}

/** Flags win over the config file, like every other tool users know; a list given on the command line replaces the file's. */
function mergeSourceFlags(file: ProjectFile, opts: BuildCommandOptions): SourcesConfig {
  const s = file.sources;
  const pick = <T>(flag: T[] | undefined, fromFile: T[]): T[] => (flag?.length ? flag : fromFile);
  return {
    ...s,
    ...(opts.githubOrg ? { org: opts.githubOrg } : {}),
    topics: pick(opts.topic, s.topics),
    repositories: pick(opts.repo, s.repositories),
    includePrivate: opts.includePrivate ?? s.includePrivate,
    includeArchived: opts.skipArchived ? false : (opts.includeArchived ?? s.includeArchived),
    // commander sets `tags` to true unless --no-tags is given, so only false is a choice made here.
    tags: opts.tags === false ? false : s.tags,
    localDirs: pick(opts.from, s.localDirs),
    packageList: pick(opts.packageList, s.packageList),
    packageListJson: pick(opts.packageListJson, s.packageListJson),
  };
}

/**
 * `--check-upstream`: our names the upstream also holds, each a name `--extra-index-url` users could
 * lose; the names reserved by a repository in a namespace that has no release yet are asked about too.
 */
async function reportUpstreamOverlaps(held: string[], reserved: readonly ReservedName[], upstream: UpstreamSettings | undefined): Promise<void> {
  if (!upstream) throw new UserError("--check-upstream needs an upstream: set upstream.url in the settings file (--config)");
  const names = [...held, ...reserved.map((r) => r.name)];
  for (const line of describeUpstreamCheck(await checkUpstream(names, upstream), names.length, upstream, reserved)) process.stderr.write(`notice: ${line}\n`);
}

/** `github-pypi build`; Ctrl+C or a termination stops it and removes what it was writing (interrupt.ts). */
export async function runBuild(opts: BuildCommandOptions): Promise<void> {
  await interruptible((signal) => build(opts, signal));
}

async function build(opts: BuildCommandOptions, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  const file: ProjectFile = opts.config ? await loadProjectFile(opts.config) : { index: validateIndexConfig({}), sources: sourcesSchema.parse({}), files: DEFAULT_FILES_MODE };
  const sources = mergeSourceFlags(file, opts);
  const config = validateIndexConfig(
    {
      ...file.index,
      ...(sources.packagesUrl !== undefined ? { packagesUrl: sources.packagesUrl } : {}),
      ...(opts.title !== undefined ? { title: opts.title } : {}),
      ...(opts.packagesUrl !== undefined ? { packagesUrl: opts.packagesUrl } : {}),
    },
    "command line",
  );
  const grants = namespaceGrants(config.namespaces);
  // Shown even with --quiet, like warnings: a setting to move, not progress.
  for (const line of claimedGlobNotices(config.upstream?.claimed ?? [], grants)) process.stderr.write(`notice: ${line}\n`);
  const plan = planSources(sources, opts.files ?? file.files, {
    apiUrl: opts.githubApiUrl || DEFAULT_GITHUB_API_URL,
    ...(opts.token ? { token: opts.token } : {}),
    cacheDir: opts.cacheDir ?? DEFAULT_CACHE_DIR,
    maxRateLimitWaitSeconds: opts.maxRateLimitWait ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS,
    ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
    // Waits are shown even with --quiet: a silent pause of minutes looks like a hang.
    notice: (message) => process.stderr.write(`notice: ${message}\n`),
    ...(opts.replaceFile?.length ? { replaceFiles: opts.replaceFile } : {}),
  });
  const { github } = plan;
  if (plan.count === 0 && !opts.allowEmpty) {
    throw new UserError("nothing to index: give --github-org, --repo, --from, --package-list or --package-list-json");
  }
  const warnings = new Warnings(printWarning);
  const result = await buildAndWrite({
    build: {
      from: plan.from,
      packageLists: plan.packageLists,
      packageListsJson: plan.packageListsJson,
      config,
      ...(github ? { github } : {}),
      allowEmpty: opts.allowEmpty ?? false,
      warnings,
      progress: opts.quiet ? silentProgress : terminalProgress(),
    },
    out: opts.out,
    replaceFiles: opts.replaceFile ?? [],
    strict: opts.strict ?? false,
    accessMapPath: opts.accessMap ?? defaultAccessMapPath(opts.out),
    signal,
    beforeWrite: async (built) => {
      if (built.github && !opts.quiet) process.stdout.write(`${describeGitHubReport(built.github)}\n`);
      if (opts.checkUpstream) {
        const held = built.index.projects.map((p) => p.name);
        // The repositories the GitHub source listed: no extra request to GitHub.
        await reportUpstreamOverlaps(held, built.github ? reservedNames(built.github.repositoryNames, grants, held) : [], config.upstream);
      }
    },
  });
  const { stats } = result;
  if (!opts.quiet) {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    process.stdout.write(
      `Built ${plural(result.index.projects.length, "project")}, ${plural(result.files, "file")} into ${opts.out} in ${seconds}s ` +
        `(${stats.written} written, ${stats.unchanged} unchanged, ${stats.removed} removed` +
        `${warnings.items.length ? `, ${plural(warnings.items.length, "warning")}` : ""}).\n`,
    );
  }
}
