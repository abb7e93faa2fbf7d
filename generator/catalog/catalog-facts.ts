import type { CoreMetadata } from "../model/core-metadata.js";
import { compareVersions, isPreRelease } from "../names/version.js";
import type { DistributionFile } from "../model/distribution.js";
import type { Project, ProjectStatus } from "../model/project.js";
import { timeMs } from "./format.js";
import { admitsSomePython } from "./python-support.js";

/** One version of a project as the catalog shows it. */
export interface Release {
  version: string;
  /** The version's files, in the index's order (by file name). */
  files: DistributionFile[];
  preRelease: boolean;
  /** Every file of the version is yanked (PEP 592 yanks are per file; configured yanks are per version). */
  yanked: boolean;
  /** The first yank reason given, when yanked with one. */
  yankReason?: string;
  /** The earliest upload time of its files (ISO 8601), when known. */
  uploadTime?: string;
}

/** What the human pages say about a project, derived once from its files. */
export interface CatalogFacts {
  name: string;
  displayName: string;
  /**
   * The newest final version some CPython 3 can install (released, or within python-support.ts's horizon) (not yanked, with a file that is
   * not yanked and whose Requires-Python admits one); else the newest such pre-release; else
   * empty: the install lines then pin nothing rather than a version no Python can install.
   */
  latest: string;
  summary?: string;
  requiresPython?: string;
  license?: string;
  homePage?: string;
  /** `Project-URL` values (`Label, URL`), as written. */
  projectUrls: string[];
  /** Requires-Dist of the latest version. */
  requiresDist: string[];
  /** The latest upload time across all files (ISO 8601), when known. */
  lastUpload?: string;
  repository?: string;
  repositoryUrl?: string;
  /** Newest first. */
  releases: Release[];
  /** PEP 792; absent means active. */
  status?: ProjectStatus;
  /** The newest long description there is, with its content type. */
  description?: { text: string; contentType?: string; version: string };
}

/** The metadata the version's files agree on: a wheel's when there is one (sdist PKG-INFO may be partial). */
function metadataOf(files: DistributionFile[]): CoreMetadata | undefined {
  let fallback: CoreMetadata | undefined;
  for (const f of files) {
    if (!f.metadata) continue;
    if (f.parsed.kind === "wheel") return f.metadata;
    fallback ??= f.metadata;
  }
  return fallback;
}

/** A version's files, with each one's upload time in milliseconds (NaN when unknown), read once. */
interface VersionFiles {
  files: DistributionFile[];
  times: number[];
}

function releaseOf(version: string, { files, times }: VersionFiles): Release {
  const yanked = files.length > 0 && files.every((f) => f.yanked !== undefined);
  const reasonFile = yanked ? files.find((f) => typeof f.yanked === "string" && f.yanked !== "") : undefined;
  let upload: string | undefined;
  let uploadMs = Infinity;
  files.forEach((f, i) => {
    const t = times[i] as number;
    if (t < uploadMs) {
      uploadMs = t;
      upload = f.uploadTime;
    }
  });
  const release: Release = { version, files, preRelease: isPreRelease(version), yanked };
  if (reasonFile) release.yankReason = reasonFile.yanked as string;
  if (upload !== undefined) release.uploadTime = upload;
  return release;
}

/** Groups the project's files by version, newest version first; and the latest upload time across all of them. */
function releasesOf(project: Project): { releases: Release[]; lastUpload: string | undefined } {
  const byVersion = new Map<string, VersionFiles>();
  for (const v of project.versions) byVersion.set(v, { files: [], times: [] });
  let lastUpload: string | undefined;
  let lastMs = -Infinity;
  // `versions` lists one spelling per PEP 440 version: a file of `1.0.0` belongs to the listed `1.0`.
  const listedAs = new Map<string, string>();
  const { versions } = project;
  // The first listed version equal to a file's, found in one walk: the index sorts files and
  // versions alike, so the search resumes where the last one stopped (from the start again when a
  // file is older than the one before, as hand-made projects may have it).
  let from = 0;
  let previous: string | undefined;
  for (const f of project.files) {
    const own = f.parsed.version;
    let listed = listedAs.get(own);
    if (listed === undefined) {
      if (previous !== undefined && compareVersions(own, previous) < 0) from = 0;
      previous = own;
      // Only versions below the file's are passed over, so the one found is the first equal one.
      while (from < versions.length && compareVersions(versions[from] as string, own) < 0) from++;
      const at = versions[from];
      listed = at !== undefined && compareVersions(at, own) === 0 ? at : (versions.find((v) => compareVersions(v, own) === 0) ?? own);
      listedAs.set(own, listed);
    }
    const t = timeMs(f.uploadTime);
    if (t > lastMs) {
      lastMs = t;
      lastUpload = f.uploadTime;
    }
    const group = byVersion.get(listed);
    if (group) {
      group.files.push(f);
      group.times.push(t);
    } else byVersion.set(listed, { files: [f], times: [t] });
  }
  const releases: Release[] = [];
  for (let i = project.versions.length - 1; i >= 0; i--) {
    const v = project.versions[i] as string;
    releases.push(releaseOf(v, byVersion.get(v) ?? { files: [], times: [] }));
  }
  return { releases, lastUpload };
}

/** Some Python can install it: a file that is not yanked (pip skips yanked files unless pinned) and whose Requires-Python some CPython meets. */
function installable(r: Release): boolean {
  return !r.yanked && r.files.some((f) => f.yanked === undefined && admitsSomePython(f.requiresPython));
}

/** Everything the landing page and the project page show about one project. */
export function catalogFacts(project: Project): CatalogFacts {
  const { releases, lastUpload } = releasesOf(project);
  const latestRelease = releases.find((r) => !r.preRelease && installable(r)) ?? releases.find(installable);
  // With no installable version, the metadata shown is the newest non-yanked release's, as before.
  const shownRelease = latestRelease ?? releases.find((r) => !r.preRelease && !r.yanked) ?? releases.find((r) => !r.yanked) ?? releases[0];
  const latestFiles = shownRelease?.files ?? [];
  const meta = metadataOf(latestFiles);

  const facts: CatalogFacts = {
    name: project.name,
    displayName: project.displayName,
    latest: latestRelease?.version ?? "",
    projectUrls: meta?.projectUrls ?? [],
    requiresDist: meta?.requiresDist ?? [],
    releases,
  };
  if (project.status) facts.status = project.status;

  // Summary: the latest version's, else the newest one given.
  let summary = meta?.summary;
  for (let i = project.files.length - 1; summary === undefined && i >= 0; i--) summary = project.files[i]?.metadata?.summary;
  if (summary) facts.summary = summary;

  const requiresPython = latestFiles.find((f) => f.requiresPython)?.requiresPython ?? meta?.requiresPython;
  if (requiresPython) facts.requiresPython = requiresPython;
  if (meta?.license) facts.license = meta.license;
  if (meta?.homePage) facts.homePage = meta.homePage;

  if (lastUpload !== undefined) facts.lastUpload = lastUpload;

  const withRepo = latestFiles.find((f) => f.repository) ?? [...project.files].reverse().find((f) => f.repository);
  if (withRepo?.repository) {
    facts.repository = withRepo.repository;
    if (withRepo.repositoryUrl) facts.repositoryUrl = withRepo.repositoryUrl;
  }

  // Long description: the newest version that has one (a wheel's first, as for the other metadata).
  for (const release of releases) {
    const m = metadataOf(release.files.filter((f) => f.metadata?.description));
    if (m?.description) {
      facts.description = { text: m.description, version: release.version };
      if (m.descriptionContentType) facts.description.contentType = m.descriptionContentType;
      break;
    }
  }
  return facts;
}
