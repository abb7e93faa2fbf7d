/**
 * What the GitHub source takes and reports, apart from the source itself, so that a build without
 * GitHub (and the summary line) never loads Octokit.
 */
import { plural } from "../diagnostics/plural.js";
import type { ApiStats } from "../github/api-client.js";
import type { DownloadStats } from "../github/asset-download.js";
import type { FilesMode } from "../config/defaults.js";
import type { AttestationStats } from "../provenance/github-attestations.js";

export interface GitHubSourceOptions {
  apiUrl: string;
  token?: string;
  org?: string;
  /** `OWNER/NAME` globs. */
  repositories: string[];
  topics: string[];
  includePrivate: boolean;
  includeArchived: boolean;
  /** Index git tags of repositories that publish no wheel or sdist. */
  tags: boolean;
  files: FilesMode;
  cacheDir: string;
  maxRateLimitWaitSeconds: number;
  /** Tests shorten the waits between retries; the default is GitHub's advice (seconds). */
  retryBaseMs?: number;
  concurrency?: number;
  /** Messages for the person running the build (rate-limit waits). */
  notice?: (message: string) => void;
  /** File names allowed to change bytes on purpose (each is otherwise kept as first indexed). */
  replaceFiles?: string[];
}

export interface GitHubSourceReport {
  repositories: number;
  /** `OWNER/NAME` of every repository indexed (selected by the filters), for team grants. */
  repositoryNames: string[];
  skippedArchived: number;
  /** Archived repositories indexed, their projects marked archived. */
  archived: number;
  skippedPrivate: number;
  filteredOut: number;
  releases: number;
  distributions: number;
  tagLinks: number;
  /** Assets that are not distributions (binaries, checksums, signatures): not indexed, by design. */
  otherAssets: number;
  api: ApiStats;
  downloads: DownloadStats;
  /** PEP 740 provenance: files attested, and what asking for it cost. */
  attestations: AttestationStats;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line for the build summary. */
export function describeGitHubReport(r: GitHubSourceReport): string {
  const skipped = [r.skippedArchived ? `${r.skippedArchived} archived` : "", r.skippedPrivate ? `${r.skippedPrivate} private` : "", r.filteredOut ? `${r.filteredOut} filtered out` : ""].filter(
    Boolean,
  );
  const notes = [r.archived ? `${r.archived} archived, marked so` : "", skipped.length ? `skipped ${skipped.join(", ")}` : ""].filter(Boolean);
  const d = r.downloads;
  return (
    `GitHub: ${plural(r.repositories, "repository", "repositories")}${notes.length ? ` (${notes.join("; ")})` : ""}, ${plural(r.releases, "release")}, ` +
    `${plural(r.distributions, "distribution")}, ${plural(r.tagLinks, "tag link")}${r.otherAssets ? `, ${plural(r.otherAssets, "other asset")} not indexed` : ""}; ` +
    `API requests: ${r.api.describe()}; downloads: ${plural(d.requests, "request")}, ${formatBytes(d.bytes)}` +
    `${d.bytesSaved ? ` (Range and early stops saved ${formatBytes(d.bytesSaved)})` : ""}; ` +
    `provenance: ${describeAttestations(r.attestations)}`
  );
}

/** `3 files attested; 2 listings asked, 2 bundles fetched, 1 from the cache`. */
export function describeAttestations(a: AttestationStats): string {
  return `${plural(a.attested, "file")} attested; ${plural(a.listings, "attestation listing")} asked, ${plural(a.bundles, "bundle")} fetched, ${a.cached} answered from the cache`;
}
