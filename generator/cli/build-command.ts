import { buildSite } from "../build.js";
import { loadIndexConfig, validateIndexConfig } from "../config/load.js";
import { UserError, Warnings } from "../diagnostics/warnings.js";
import { silentProgress, terminalProgress } from "../diagnostics/progress.js";
import { DEFAULT_API_URL, describeGitHubReport, type GitHubSourceOptions } from "../sources/github.js";
import { writeSiteToFolder } from "../publish/local-folder.js";
import { printWarning } from "./report.js";

export interface BuildCommandOptions {
  out: string;
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
  tags?: boolean;
  files?: "link" | "mirror";
  cacheDir?: string;
  token?: string;
  githubApiUrl?: string;
  maxRateLimitWait?: number;
  retryBaseMs?: number;
}

/** The GitHub source, when `--github-org` or `--repo` asks for one. */
function githubOptions(opts: BuildCommandOptions): GitHubSourceOptions | undefined {
  const repos = opts.repo ?? [];
  if (!opts.githubOrg && repos.length === 0) {
    if (opts.topic?.length) throw new UserError("--topic filters the repositories of --github-org (or --repo); give one of those too");
    return undefined;
  }
  return {
    apiUrl: opts.githubApiUrl || DEFAULT_API_URL,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.githubOrg ? { org: opts.githubOrg } : {}),
    repositories: repos,
    topics: opts.topic ?? [],
    includePrivate: opts.includePrivate ?? false,
    includeArchived: opts.includeArchived ?? false,
    tags: opts.tags ?? true,
    files: opts.files ?? "link",
    cacheDir: opts.cacheDir ?? ".cache/github-pypi",
    maxRateLimitWaitSeconds: opts.maxRateLimitWait ?? 900,
    ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}),
    // Waits are shown even with --quiet: a silent pause of minutes looks like a hang.
    notice: (message) => process.stderr.write(`notice: ${message}\n`),
  };
}

export async function runBuild(opts: BuildCommandOptions): Promise<void> {
  const started = performance.now();
  const base = opts.config ? await loadIndexConfig(opts.config) : validateIndexConfig({});
  // Command-line flags win over the file, like every other tool users know.
  const config = validateIndexConfig({
    ...base,
    ...(opts.title !== undefined ? { title: opts.title } : {}),
    ...(opts.packagesUrl !== undefined ? { packagesUrl: opts.packagesUrl } : {}),
  }, "command line");
  const github = githubOptions(opts);
  const sources = (opts.from?.length ?? 0) + (opts.packageList?.length ?? 0) + (opts.packageListJson?.length ?? 0) + (github ? 1 : 0);
  if (sources === 0 && !opts.allowEmpty) {
    throw new UserError("nothing to index: give --github-org, --repo, --from, --package-list or --package-list-json");
  }
  const warnings = new Warnings(printWarning);
  const result = await buildSite({
    from: opts.from ?? [],
    packageLists: opts.packageList ?? [],
    packageListsJson: opts.packageListJson ?? [],
    config,
    ...(github ? { github } : {}),
    allowEmpty: opts.allowEmpty ?? false,
    warnings,
    progress: opts.quiet ? silentProgress : terminalProgress(),
  });
  if (result.github && !opts.quiet) process.stdout.write(`${describeGitHubReport(result.github)}\n`);
  if (opts.strict && warnings.items.length > 0) {
    throw new UserError(`--strict: ${warnings.items.length} warning(s) above; nothing was written`);
  }
  const stats = await writeSiteToFolder(result.site, opts.out);
  if (!opts.quiet) {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    process.stdout.write(
      `Built ${result.index.projects.length} projects, ${result.files} files into ${opts.out} in ${seconds}s ` +
        `(${stats.written} written, ${stats.unchanged} unchanged, ${stats.removed} removed` +
        `${warnings.items.length ? `, ${warnings.items.length} warnings` : ""}).\n`,
    );
  }
}
