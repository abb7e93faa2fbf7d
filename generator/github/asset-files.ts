import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { UserError, type WarningCode, type Warnings } from "../diagnostics/warnings.js";
import { readMetadataBytes } from "../metadata/read-archive.js";
import type { ParsedFilename } from "../names/filename.js";
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
  /** Why there is no metadata (a corrupt archive), reported on every run, cached or not. */
  metadataProblem?: string;
  /** Other findings, replayed on warm runs so a cached answer reports what a cold one did. */
  notes?: StoredWarning[];
}

interface StoredWarning {
  code: WarningCode;
  message: string;
}

export type FilesMode = "link" | "mirror";

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
  if (cached && (mode === "link" || (await exists(mirroredPath(cache, cached.sha256))))) {
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
  if (mode === "mirror" || expected === undefined) {
    const { path, sha256: actual } = await downloadToCache(job, downloader, cache);
    let kept = false;
    try {
      if (expected !== undefined && actual !== expected) {
        throw new UserError(`${what}: the downloaded bytes have sha256 ${actual}, but GitHub's digest says ${expected}; refusing to index a file that does not match its digest`);
      }
      sha256 = actual;
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
      if (remote?.wholeFile) {
        // The host ignored Range and sent everything: the digest can be checked for free.
        const actual = sha256Bytes(remote.wholeFile);
        if (actual !== expected) throw new UserError(`${what}: the downloaded bytes have sha256 ${actual}, but GitHub's digest says ${expected}`);
      }
      metadata = remote?.metadata?.bytes;
    }
  }

  const facts: AssetFacts = { sha256 };
  if (metadata) facts.metadata = Buffer.from(metadata).toString("base64");
  if (metadata && fromAsset) facts.metadataAsset = true;
  if (!metadata && problems.length) facts.metadataProblem = problems.join("; ");
  if (notes.length) facts.notes = notes;
  for (const n of notes) warnings.add(n.code, n.message, what);
  await cache.put("assets", key, facts);
  return facts;
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

/** Streams the whole asset into a temporary file in the cache, hashing on the way. */
async function downloadToCache(job: AssetJob, downloader: AssetDownloader, cache: CacheStore): Promise<{ path: string; sha256: string }> {
  const what = describeAsset(job);
  const dir = join(cache.filesDir(), "tmp");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomBytes(8).toString("hex")}.part`);
  const location = await downloader.locate(job.repo, job.asset.id, job.asset.name);
  const response = await downloader.get(location, what);
  const hash = createHash("sha256");
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(downloader.countedBody(response), hasher, createWriteStream(path));
  } catch (e) {
    await rm(path, { force: true });
    throw new UserError(`GitHub: downloading ${what} failed: ${(e as Error).message}`);
  }
  downloader.stats.fullDownloads++;
  return { path, sha256: hash.digest("hex") };
}
