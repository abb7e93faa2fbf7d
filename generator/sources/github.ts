import { silentProgress, type Progress } from "../diagnostics/progress.js";
import { plural } from "../diagnostics/plural.js";
import type { Warnings } from "../diagnostics/warnings.js";
import { applyCoreMetadata, expectsMetadata } from "../metadata/apply.js";
import { missingMetadata } from "../metadata/read-archive.js";
import type { DistributionFile } from "../model/distribution.js";
import { parseIndexableFilename } from "../names/filename.js";
import { mapLimit } from "../util/pool.js";
import { createGitHubClient } from "../github/api-client.js";
import { AssetDownloader } from "../github/asset-download.js";
import { assetFacts, describeAsset, mirroredPath, type AssetFacts, type AssetJob } from "../github/asset-files.js";
import { CacheStore } from "../github/cache-store.js";
import { keepPublishedBytes } from "../github/published-names.js";
import { listReleases } from "../github/releases.js";
import { discoverRepositories, organisationsToList, type SelectedRepository } from "../github/repositories.js";
import { tagDistributions } from "../github/tags.js";
import { AttestationReader } from "../provenance/github-attestations.js";
import { formatBytes, type GitHubSourceOptions, type GitHubSourceReport } from "./github-report.js";

export { describeGitHubReport, type GitHubSourceOptions, type GitHubSourceReport } from "./github-report.js";

/** Scans releases of the selected repositories in parallel: as many as Octokit's throttling lets through at once (its global group runs 10), well under GitHub's secondary limit of 100. */
const DEFAULT_CONCURRENCY = 10;

/**
 * The GitHub source: release assets (wheels and sdists of every non-draft release) and, for
 * repositories that publish none, version tags as git links. Everything is read before anything
 * is returned, and any GitHub failure after retries throws: a partial listing never becomes an index.
 */
export async function readGitHub(options: GitHubSourceOptions, warnings: Warnings, progress: Progress = silentProgress): Promise<{ files: DistributionFile[]; report: GitHubSourceReport }> {
  const cache = new CacheStore(options.cacheDir);
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const { client, stats } = createGitHubClient({
    baseUrl: options.apiUrl,
    ...(options.token ? { token: options.token } : {}),
    cache,
    maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds,
    retryBaseMs,
    notice: options.notice ?? (() => {}),
  });
  const downloader = new AssetDownloader(client, { ...(options.token ? { token: options.token } : {}), retries: 3, retryBaseMs, timeoutMs: 120_000 });
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // Cached facts belong to one API host; the token's identity is already part of HTTP cache keys.
  const scope = options.apiUrl;
  const attestations = new AttestationReader(client, downloader, cache, scope, warnings, { apiUrl: options.apiUrl, ...(options.token ? { token: options.token } : {}) });

  const discovery = await discoverRepositories(
    client,
    {
      orgs: organisationsToList(options.org, options.repositories),
      patterns: options.repositories,
      topics: options.topics,
      includePrivate: options.includePrivate,
      includeArchived: options.includeArchived,
    },
    warnings,
  );
  const report: GitHubSourceReport = {
    repositories: discovery.repositories.length,
    repositoryNames: discovery.repositories.map((r) => r.fullName),
    skippedArchived: discovery.skippedArchived,
    archived: discovery.archived,
    skippedPrivate: discovery.skippedPrivate,
    filteredOut: discovery.filteredOut,
    releases: 0,
    distributions: 0,
    tagLinks: 0,
    otherAssets: 0,
    api: stats,
    downloads: downloader.stats,
    attestations: attestations.stats,
  };

  // Stage 1: list releases (and tags where there are no distributions), one repository at a time per worker.
  const jobs: AssetJob[] = [];
  const tagFiles: DistributionFile[][] = [];
  progress.start("scanning repositories", discovery.repositories.length);
  await mapLimit(discovery.repositories, concurrency, async (repo) => {
    const repoJobs = await releaseJobs(repo, warnings, report);
    jobs.push(...repoJobs);
    if (repoJobs.length === 0 && options.tags) {
      const links = await tagDistributions(client, repo, cache, scope, warnings);
      report.tagLinks += links.length;
      tagFiles.push(links);
    }
    progress.tick(1, plural(jobs.length, "distribution"));
  });
  progress.stop();

  async function releaseJobs(repo: SelectedRepository, w: Warnings, r: GitHubSourceReport): Promise<AssetJob[]> {
    const releases = await listReleases(client, repo);
    r.releases += releases.length;
    const out: AssetJob[] = [];
    for (const release of releases) {
      const byName = new Map(release.assets.map((a) => [a.name, a]));
      for (const asset of release.assets) {
        const parsed = parseIndexableFilename(asset.name);
        if (!parsed.ok) {
          const isMetadataSidecar = asset.name.endsWith(".metadata") && byName.has(asset.name.slice(0, -".metadata".length));
          if (parsed.problem === "unsupported") {
            if (!isMetadataSidecar) r.otherAssets++;
          } else {
            w.add("unparseable-filename", `${repo.fullName} release ${release.tag} asset ${asset.name}: ${parsed.reason}; not indexed`, asset.name);
          }
          continue;
        }
        const job: AssetJob = { repo, tag: release.tag, asset, parsed: parsed.value };
        const sidecar = parsed.value.kind === "wheel" ? byName.get(`${asset.name}.metadata`) : undefined;
        if (sidecar) job.metadataAsset = sidecar;
        out.push(job);
      }
    }
    if (out.length && repo.private && options.files === "link") {
      w.add(
        "private-files-linked",
        `${repo.fullName} is private: its ${plural(out.length, "file is", "files are")} linked at GitHub URLs that pip cannot download without credentials; use --files mirror to serve them from the index`,
        repo.fullName,
      );
    }
    return out;
  }

  // Stage 2: hashes and core metadata, downloading as little as possible.
  jobs.sort((a, b) => a.asset.id - b.asset.id);
  progress.start("reading assets", jobs.length);
  const read = await mapLimit(jobs, concurrency, async (job) => {
    const facts = await assetFacts(job, options.files, downloader, cache, scope, warnings);
    const file = toDistribution(job, facts);
    if (file) {
      // PEP 740: what GitHub attested about these exact bytes, asked once per file.
      const provenance = await attestations.provenanceOf({ repo: job.repo, filename: job.asset.name, sha256: facts.sha256, uploadedAt: job.asset.createdAt, what: file.origin });
      if (provenance) file.provenance = provenance;
    }
    progress.tick(1, `${formatBytes(downloader.stats.bytes)} downloaded`);
    return file;
  });
  progress.stop();
  const files = read.filter((f): f is DistributionFile => f !== undefined);
  report.distributions = files.length;
  await keepPublishedBytes(files, cache, scope, new Set(options.replaceFiles ?? []));

  function toDistribution(job: AssetJob, facts: AssetFacts): DistributionFile | undefined {
    const { parsed, asset } = job;
    if (facts.archiveProblem !== undefined) {
      // pip could not unpack it: publishing it would only move the failure to every install.
      const what = describeAsset(job);
      warnings.add("corrupt-archive", `${what}: not a complete ${parsed.extension} archive: ${facts.archiveProblem}; not indexed`, what);
      return undefined;
    }
    const { sha256, metadata: metadataBase64 } = facts;
    const file: DistributionFile = {
      filename: parsed.filename,
      parsed,
      location:
        options.files === "mirror" ? { kind: "site", path: `files/${parsed.project}/${parsed.filename}`, sourcePath: mirroredPath(cache, sha256) } : { kind: "url", url: asset.browserDownloadUrl },
      hashes: { sha256 },
      size: asset.size,
      // created_at: when it was uploaded (updated_at moves when a label is edited; uv's exclude-newer and pip's --uploaded-prior-to rely on this).
      uploadTime: new Date(asset.createdAt).toISOString(),
      origin: `${job.repo.fullName} release ${job.tag} asset ${asset.name}`,
      repository: job.repo.fullName,
      repositoryUrl: job.repo.htmlUrl,
      ...(job.repo.archived ? { repositoryArchived: true } : {}),
      ...(job.repo.private ? {} : { repositoryPublic: true }),
    };
    if (metadataBase64 !== undefined) {
      const record = applyCoreMetadata(file, new Uint8Array(Buffer.from(metadataBase64, "base64")), warnings);
      // PEP 658: a mirrored wheel's metadata is served beside it; a linked wheel's only exists
      // beside it when the release published a `.metadata` asset (same URL plus `.metadata`).
      if (parsed.kind === "wheel" && options.files === "mirror") file.coreMetadataFile = record;
      else if (parsed.kind === "wheel" && facts.metadataAsset) file.coreMetadataFile = { hashes: record.hashes };
    } else if (expectsMetadata(file)) {
      const why = facts.metadataProblem ?? missingMetadata(parsed);
      warnings.add("metadata-unreadable", `${file.origin}: ${why}; indexed without it`, file.origin);
    }
    return file;
  }

  return { files: [...files, ...tagFiles.flat()], report };
}
