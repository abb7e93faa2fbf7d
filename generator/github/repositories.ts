import picomatch from "picomatch";
import { UserError, type Warnings } from "../diagnostics/warnings.js";
import type { GitHubClient } from "./api-client.js";
import { failure, pagesOnce } from "./errors.js";
import { repositorySchema, type GitHubRepository } from "./schemas.js";

type OrgRepository = GitHubRepository;

export interface RepositorySelection {
  /** Organisations whose repositories are listed. */
  orgs: string[];
  /** `OWNER/NAME` globs; when given, only matching repositories are kept. */
  patterns: string[];
  /** When given, only repositories with at least one of these topics are kept. */
  topics: string[];
  includePrivate: boolean;
  includeArchived: boolean;
}

/** What the rest of the pipeline needs to know about a repository. */
export interface SelectedRepository {
  owner: string;
  name: string;
  fullName: string;
  /** Private or internal: its files need credentials, so they never land in a site by accident. */
  private: boolean;
  cloneUrl: string;
  htmlUrl: string;
  /** Archived on GitHub: its projects are marked `archived` (PEP 792), their files still offered. */
  archived: boolean;
}

export interface Discovery {
  repositories: SelectedRepository[];
  /** Counted for the summary line; private ones are also named in a warning. */
  skippedArchived: number;
  /** Archived repositories that are indexed (their projects marked archived). */
  archived: number;
  skippedPrivate: number;
  filteredOut: number;
}

/** The organisations a run has to list: `--github-org` plus the owners `--repo` patterns name. */
export function organisationsToList(org: string | undefined, patterns: readonly string[]): string[] {
  const orgs = new Set<string>();
  if (org) orgs.add(org);
  for (const pattern of patterns) {
    const owner = pattern.split("/")[0];
    if (!owner || pattern.split("/").length !== 2 || picomatch.scan(owner).isGlob) {
      throw new UserError(`--repo ${pattern}: expected OWNER/NAME, where NAME may be a glob such as tools-*`);
    }
    orgs.add(owner);
  }
  return [...orgs];
}

/** Applies topics, patterns, archived and private rules to one organisation's listing. */
export function selectRepositories(listing: readonly OrgRepository[], selection: RepositorySelection, warnings: Warnings, matchedPatterns: Set<string>): Discovery {
  // GitHub compares owner and repository names case-insensitively; so do the patterns.
  const matchers = selection.patterns.map((p) => ({ pattern: p, test: picomatch(p.toLowerCase()) }));
  const topics = new Set(selection.topics.map((t) => t.toLowerCase()));
  const result: Discovery = { repositories: [], skippedArchived: 0, archived: 0, skippedPrivate: 0, filteredOut: 0 };
  const privateSkipped: string[] = [];
  for (const repo of listing) {
    const fullName = repo.full_name;
    if (matchers.length) {
      const hits = matchers.filter((m) => m.test(fullName.toLowerCase()));
      if (hits.length === 0) {
        result.filteredOut++;
        continue;
      }
      for (const h of hits) matchedPatterns.add(h.pattern);
    }
    if (topics.size && !(repo.topics ?? []).some((t) => topics.has(t.toLowerCase()))) {
      result.filteredOut++;
      continue;
    }
    if (repo.archived && !selection.includeArchived) {
      result.skippedArchived++;
      continue;
    }
    const isPrivate = repo.private || repo.visibility === "private" || repo.visibility === "internal";
    if (isPrivate && !selection.includePrivate) {
      result.skippedPrivate++;
      privateSkipped.push(fullName);
      continue;
    }
    result.repositories.push({
      owner: repo.owner.login,
      name: repo.name,
      fullName,
      private: isPrivate,
      cloneUrl: repo.clone_url ?? `${repo.html_url}.git`,
      htmlUrl: repo.html_url,
      archived: repo.archived === true,
    });
    if (repo.archived) result.archived++;
  }
  if (privateSkipped.length) {
    warnings.add("private-repository-skipped", `skipped ${privateSkipped.length} private repositories (pass --include-private to index them): ${privateSkipped.join(", ")}`, privateSkipped.join(","));
  }
  return result;
}

/**
 * One owner's repositories. An owner that is not an organisation (`GET /orgs/{owner}/repos` is 404)
 * is a user account: `GET /users/{user}/repos` lists its public repositories, and when the token is
 * that user's own, `GET /user/repos?affiliation=owner` lists its private ones too.
 */
async function listOwner(client: GitHubClient, owner: string, includePrivate: boolean, warnings: Warnings): Promise<OrgRepository[]> {
  // pagesOnce remembers the pages it has seen, so each listing gets its own.
  try {
    return await client.paginate(client.rest.repos.listForOrg, { org: owner, type: "all", per_page: 100 }, pagesOnce(repositorySchema, "a repository"));
  } catch (e) {
    if ((e as { status?: unknown }).status !== 404) throw failure(e, `listing the repositories of organisation ${owner}`);
  }
  try {
    // Whose token this is. An app's installation token (Actions' GITHUB_TOKEN too) has no user: 403.
    const me = await client.rest.users.getAuthenticated().then(
      (r) => (r.data as { login?: unknown }).login,
      (e: unknown) => {
        if ((e as { status?: unknown }).status === 403) return undefined;
        throw e;
      },
    );
    if (typeof me === "string" && me.toLowerCase() === owner.toLowerCase()) {
      return await client.paginate(client.rest.repos.listForAuthenticatedUser, { affiliation: "owner", visibility: "all", per_page: 100 }, pagesOnce(repositorySchema, "a repository"));
    }
    if (includePrivate) {
      warnings.add(
        "private-repositories-unlisted",
        `${owner} is a user account and the token is not ${owner}'s own: GitHub lists only its public repositories (use ${owner}'s token to index its private ones)`,
        owner,
      );
    }
    return await client.paginate(client.rest.repos.listForUser, { username: owner, type: "owner", per_page: 100 }, pagesOnce(repositorySchema, "a repository"));
  } catch (e) {
    throw failure(e, `listing the repositories of ${owner} (not an organisation, so as a user account)`);
  }
}

/** Lists every owner's repositories (conditional, paginated) and selects the ones to index. */
export async function discoverRepositories(client: GitHubClient, selection: RepositorySelection, warnings: Warnings): Promise<Discovery> {
  const total: Discovery = { repositories: [], skippedArchived: 0, archived: 0, skippedPrivate: 0, filteredOut: 0 };
  const matchedPatterns = new Set<string>();
  for (const org of selection.orgs) {
    const listing = await listOwner(client, org, selection.includePrivate, warnings);
    const part = selectRepositories(listing, selection, warnings, matchedPatterns);
    total.repositories.push(...part.repositories);
    total.skippedArchived += part.skippedArchived;
    total.archived += part.archived;
    total.skippedPrivate += part.skippedPrivate;
    total.filteredOut += part.filteredOut;
  }
  for (const pattern of selection.patterns) {
    if (!matchedPatterns.has(pattern)) warnings.add("repository-pattern-unmatched", `--repo ${pattern} matched no repository`, pattern);
  }
  total.repositories.sort((a, b) => a.fullName.localeCompare(b.fullName));
  return total;
}
