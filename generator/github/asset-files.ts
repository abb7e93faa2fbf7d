import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { UserError, type WarningCode, type Warnings } from "../diagnostics/warnings.js";
import { ArchiveCheck, hashingTap, type HashedArchive } from "../metadata/check-archive.js";
import { readMetadataBytes } from "../metadata/read-archive.js";
import type { ParsedFilename } from "../names/filename.js";
import type { FilesMode } from "../config/defaults.js";
import { sha256Bytes } from "../util/hash-file.js";
import type { AssetDownloader } from "./asset-download.js";
import type { CacheStore } from "./cache-store.js";
import { readRemoteMetadata } from "./remote-archive.js";
import { sha256FromDigest, type ReleaseAsset } from "./releases.js";
import type { SelectedRepository } from "./repositories.js";

/** What one asset contributes to the index; cached by asset id and digest, so it is worked out once. */
export interface AssetFacts {
  sha256: string;
  /** Core metadata bytes, base64 (JSON-safe). */
  metadata?: string;
  /** Set when the metadata came from a `<file>.metadata` asset published beside the file. */
  metadataAsset?: boolean;
  /** Why there is no metadata (an unreadable archive), reported on every run, cached or not. */
  metadataProblem?: string;
  /** Why the file, downloaded whole, is not a complete archive: it is not indexed (reported on every run). */
  archiveProblem?: string;
  /** Other findings, replayed on warm runs so a cached answer reports what a cold one did. */
  notes?: StoredWarning[];
}

interface StoredWarning {
  code: WarningCode;
  message: string;
}

export interface AssetJob {
  repo: SelectedRepository;
  tag: string;
  asset: ReleaseAsset;
  parsed: ParsedFilename;
  /** The release's `<file>.metadata` asset, if it has one. */
  metadataAsset?: ReleaseAsset;
}

/** Identity of an asset's bytes: the digest when GitHub gives one, else what changes on re-upload. */
function factsKey(scope: string, job: AssetJob, mode: FilesMode): string {
  const identity = (a: ReleaseAsset): string => `${a.id}:${a.digest ?? `${a.updatedAt}:${a.size}`}`;
  return `${scope} asset ${mode} ${identity(job.asset)} ${job.metadataAsset ? identity(job.metadataAsset) : "-"}`;
}

export function describeAsset(job: AssetJob, asset = job.asset): string {
  return `${job.repo.fullName} release ${job.tag} asset ${asset.name}`;
}

/** The mirrored file of a known SHA-256 in the cache, content-addressed. */
export function mirroredPath(cache: CacheStore, sha256: string): string {
  return join(cache.filesDir(), sha256.slice(0, 2), sha256);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Works out an asset's hash and core metadata, downloading as little as the mode allows:
 * - link mode with a digest: metadata by Range (wheels) or a stream cut short (sdists);
 * - no digest, or mirror mode: the whole file, hashed as it streams to disk and checked
 *   against the digest when there is one (a mismatch stops the build).
 */
export async function assetFacts(job: AssetJob, mode: FilesMode, downloader: AssetDownloader, cache: CacheStore, scope: string, warnings: Warnings): Promise<AssetFacts> {
  const key = factsKey(scope, job, mode);
  const cached = await cache.get<AssetFacts>("assets", key);
  if (cached && (mode === "link" || cached.archiveProblem !== undefined || (await exists(mirroredPath(cache, cached.sha256))))) {
    for (const n of cached.notes ?? []) warnings.add(n.code, n.message, describeAsset(job));
    return cached;
  }

  const what = describeAsset(job);
  const expected = sha256FromDigest(job.asset.digest);
  const problems: string[] = [];
  const notes: StoredWarning[] = [];
  let metadata: Uint8Array | undefined;
  let fromAsset = false;
  if (job.metadataAsset) {
    metadata = await downloadMetadataAsset(job, job.metadataAsset, downloader);
    fromAsset = true;
  }

  let sha256: string;
  let archiveProblem: string | undefined;
  if (mode === "mirror" || expected === undefined) {
    const { path, sha256: actual, size, problem } = await downloadToCache(job, downloader, cache);
    let kept = false;
    try {
      checkDownload(job, { sha256: actual, size }, expected);
      sha256 = actual;
      if (problem !== undefined) return await keep({ sha256, archiveProblem: problem });
      const inArchive = (await readArchiveSafely(() => readMetadataBytes(path, job.parsed), problems))?.bytes;
      if (metadata && inArchive && !Buffer.from(metadata).equals(Buffer.from(inArchive))) {
        notes.push({ code: "metadata-asset-mismatch", message: `${what}: the ${job.metadataAsset?.name} asset differs from the METADATA inside the file; using the file's own` });
        metadata = inArchive;
        fromAsset = false;
      }
      metadata ??= inArchive;
      if (mode === "mirror") {
        const final = mirroredPath(cache, sha256);
        await mkdir(join(final, ".."), { recursive: true });
        await rename(path, final);
        kept = true;
      }
    } finally {
      if (!kept) await rm(path, { force: true });
    }
  } else {
    sha256 = expected;
    if (!metadata) {
      const location = await downloader.locate(job.repo, job.asset.id, job.asset.name);
      const remote = await readArchiveSafely(() => readRemoteMetadata(downloader, location, job.asset.size, job.parsed, what), problems);
      if (remote?.whole) {
        // Every byte arrived anyway (no Range, or an sdist read to its end): check it for free.
        checkDownload(job, remote.whole, expected);
        archiveProblem = remote.whole.problem;
      }
      metadata = remote?.metadata?.bytes;
    }
  }
  if (archiveProblem !== undefined) return keep({ sha256, archiveProblem });

  const facts: AssetFacts = { sha256 };
  if (metadata) facts.metadata = Buffer.from(metadata).toString("base64");
  if (metadata && fromAsset) facts.metadataAsset = true;
  if (!metadata && problems.length) facts.metadataProblem = problems.join("; ");
  if (notes.length) facts.notes = notes;
  for (const n of notes) warnings.add(n.code, n.message, what);
  return keep(facts);

  async function keep(facts: AssetFacts): Promise<AssetFacts> {
    await cache.put("assets", key, facts);
    return facts;
  }
}

/**
 * A whole download must be the file GitHub describes: its digest when there is one, else at least
 * its size (a connection closed early, with no length to tell, would otherwise pass as the file).
 */
function checkDownload(job: AssetJob, got: { sha256: string; size: number }, expected: string | undefined): void {
  const what = describeAsset(job);
  if (expected !== undefined && got.sha256 !== expected) {
    throw new UserError(`${what}: the downloaded bytes have sha256 ${got.sha256}, but GitHub's digest says ${expected}; refusing to index a file that does not match its digest`);
  }
  if (got.size !== job.asset.size) {
    throw new UserError(`${what}: the download ended after ${got.size} bytes, but GitHub lists the asset at ${job.asset.size}; refusing to index an incomplete file`);
  }
}

/** A corrupt archive is reported (the file is still indexed); network and HTTP failures stop the build. */
async function readArchiveSafely<T>(read: () => Promise<T | undefined>, problems: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof UserError) throw e;
    problems.push(`cannot read the archive (${(e as Error).message})`);
    return undefined;
  }
}

async function downloadMetadataAsset(job: AssetJob, asset: ReleaseAsset, downloader: AssetDownloader): Promise<Uint8Array> {
  const what = describeAsset(job, asset);
  const location = await downloader.locate(job.repo, asset.id, asset.name);
  const bytes = await downloader.bytes(await downloader.get(location, what));
  const expected = sha256FromDigest(asset.digest);
  if (expected !== undefined && sha256Bytes(bytes) !== expected) {
    throw new UserError(`${what}: the downloaded bytes do not match GitHub's digest ${expected}`);
  }
  return new Uint8Array(bytes);
}

/** Streams the whole asset into a temporary file in the cache, hashing and checking the archive on the way. */
async function downloadToCache(job: AssetJob, downloader: AssetDownloader, cache: CacheStore): Promise<HashedArchive & { path: string }> {
  const what = describeAsset(job);
  const dir = join(cache.filesDir(), "tmp");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomBytes(8).toString("hex")}.part`);
  const location = await downloader.locate(job.repo, job.asset.id, job.asset.name);
  const response = await downloader.get(location, what);
  const hashing = hashingTap();
  const check = new ArchiveCheck(job.parsed);
  try {
    await pipeline(downloader.countedBody(response), hashing.tap, check.tap, createWriteStream(path));
  } catch (e) {
    await rm(path, { force: true });
    throw new UserError(`GitHub: downloading ${what} failed: ${(e as Error).message}`);
  }
  downloader.stats.fullDownloads++;
  const { sha256, size } = hashing.digest();
  const problem = await check.result({ path, size });
  return { path, sha256, size, ...(problem !== undefined ? { problem } : {}) };
}
