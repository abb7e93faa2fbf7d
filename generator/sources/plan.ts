import type { SourcesConfig } from "../config/sources-schema.js";
import type { FilesMode } from "../config/defaults.js";
import { UserError } from "../diagnostics/warnings.js";
import type { GitHubSourceOptions } from "./github-report.js";

/** Where and how the GitHub source talks to GitHub: the same for the CLI and the stack. */
export interface GitHubContext {
  apiUrl: string;
  token?: string;
  cacheDir: string;
  maxRateLimitWaitSeconds: number;
  retryBaseMs?: number;
  notice: (message: string) => void;
  /** File names allowed to change bytes on purpose (--replace-file, github-pypi:replaceFiles). */
  replaceFiles?: string[];
}

export interface SourcePlan {
  from: string[];
  packageLists: string[];
  packageListsJson: string[];
  github?: GitHubSourceOptions;
  /** How many sources there are; zero means there is nothing to index. */
  count: number;
}

/** Turns the `sources` settings (from a config file, stack config or flags) into the generator's inputs. */
export function planSources(sources: SourcesConfig, files: FilesMode, ctx: GitHubContext): SourcePlan {
  const usesGitHub = Boolean(sources.org) || sources.repositories.length > 0;
  if (!usesGitHub && sources.topics.length > 0) {
    throw new UserError("topics filter the repositories of an organisation (--github-org, sources.org) or of --repo patterns; give one of those too");
  }
  const github: GitHubSourceOptions | undefined = usesGitHub
    ? {
        apiUrl: ctx.apiUrl,
        ...(ctx.token ? { token: ctx.token } : {}),
        ...(sources.org ? { org: sources.org } : {}),
        repositories: sources.repositories,
        topics: sources.topics,
        includePrivate: sources.includePrivate,
        includeArchived: sources.includeArchived,
        tags: sources.tags,
        files,
        cacheDir: ctx.cacheDir,
        maxRateLimitWaitSeconds: ctx.maxRateLimitWaitSeconds,
        ...(ctx.retryBaseMs !== undefined ? { retryBaseMs: ctx.retryBaseMs } : {}),
        notice: ctx.notice,
        ...(ctx.replaceFiles?.length ? { replaceFiles: ctx.replaceFiles } : {}),
      }
    : undefined;
  return {
    from: sources.localDirs,
    packageLists: sources.packageList,
    packageListsJson: sources.packageListJson,
    ...(github ? { github } : {}),
    count: sources.localDirs.length + sources.packageList.length + sources.packageListJson.length + (github ? 1 : 0),
  };
}
