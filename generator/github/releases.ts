import type { GitHubClient } from "./api-client.js";
import { failure, pagesOnce } from "./errors.js";
import type { SelectedRepository } from "./repositories.js";
import { releaseSchema, type GitHubRelease } from "./schemas.js";

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>` when GitHub computed one (assets uploaded since mid-2025), else null. */
  digest: string | null;
  /** When the file was uploaded: the upload time the index publishes. */
  createdAt: string;
  /** Moves when the asset's name or label is edited; part of the cache identity only. */
  updatedAt: string;
  browserDownloadUrl: string;
}

export interface RepositoryRelease {
  tag: string;
  prerelease: boolean;
  assets: ReleaseAsset[];
}

/**
 * Every published release of a repository with its uploaded assets. Drafts are not published
 * (the API shows them to people with push access), and an asset still uploading has no bytes yet.
 */
export async function listReleases(client: GitHubClient, repo: SelectedRepository): Promise<RepositoryRelease[]> {
  let releases: GitHubRelease[];
  try {
    releases = await client.paginate(client.rest.repos.listReleases, { owner: repo.owner, repo: repo.name, per_page: 100 }, pagesOnce(releaseSchema, "a release"));
  } catch (e) {
    throw failure(e, `listing the releases of ${repo.fullName}`);
  }
  return releases
    .filter((r) => !r.draft)
    .map((r) => ({
      tag: r.tag_name,
      prerelease: r.prerelease,
      assets: r.assets
        .filter((a) => a.state === "uploaded")
        .map((a) => ({
          id: a.id,
          name: a.name,
          size: a.size,
          digest: a.digest ?? null,
          createdAt: a.created_at,
          updatedAt: a.updated_at,
          browserDownloadUrl: a.browser_download_url,
        })),
    }));
}

/** The hex SHA-256 from GitHub's `digest` field, or undefined for none or another algorithm. */
export function sha256FromDigest(digest: string | null): string | undefined {
  const match = digest === null ? null : /^sha256:([0-9a-f]{64})$/i.exec(digest);
  return match?.[1]?.toLowerCase();
}
