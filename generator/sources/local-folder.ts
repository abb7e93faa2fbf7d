import { readdir, realpath, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseIndexableFilename, type ParsedFilename } from "../names/filename.js";
import { missingMetadata, readMetadataBytes, type ArchiveMetadata } from "../metadata/read-archive.js";
import { applyCoreMetadata, expectsMetadata } from "../metadata/apply.js";
import { hashAndCheckArchive } from "../metadata/check-archive.js";
import { mapLimit } from "../util/pool.js";
import { UserError, type Warnings } from "../diagnostics/warnings.js";
import type { DistributionFile } from "../model/distribution.js";
import type { Progress } from "../diagnostics/progress.js";

/** Hashing is I/O bound; a few files in flight keep the disk busy without exhausting handles. */
const CONCURRENCY = 8;

/**
 * Lists regular files below `dir`, sorted for stable output, following symbolic links to files
 * and folders (a folder reached twice, as by a link loop, is read once). Hidden entries (`.git`,
 * `.DS_Store`) are never distributions, so they are passed over without a warning; anything else
 * that is not read (a broken link, a socket) is a named warning.
 */
async function listFiles(dir: string, warnings: Warnings): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (d: string): Promise<void> => {
    const real = await realpath(d);
    if (seen.has(real)) {
      warnings.add("unsupported-file", `${d}: a folder already read (a symbolic link loop?); read once`, d);
      return;
    }
    seen.add(real);
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const path = join(d, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (!target) {
          warnings.add("unsupported-file", `${path}: a symbolic link to nothing; not indexed`, path);
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) await walk(path);
      else if (isFile) out.push(path);
      else warnings.add("unsupported-file", `${path}: not a regular file; not indexed`, path);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * `--from DIR`: every wheel, sdist and egg below DIR, hashed and with its core metadata read from
 * the archive. Files are copied into the site under `files/<project>/`. Other files (signatures,
 * READMEs) are reported by name, never dropped silently.
 */
export async function readLocalFolder(dir: string, warnings: Warnings, progress?: Progress): Promise<DistributionFile[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new UserError(`--from ${dir}: no such folder`);
  }
  if (!info.isDirectory()) throw new UserError(`--from ${dir}: not a folder`);
  const paths = await listFiles(dir, warnings);
  const candidates: { path: string; parsed: ParsedFilename }[] = [];
  for (const path of paths) {
    const result = parseIndexableFilename(basename(path));
    if (result.ok) {
      candidates.push({ path, parsed: result.value });
    } else if (result.problem === "unsupported") {
      warnings.add("unsupported-file", `${path}: ${result.reason}; not indexed`, path);
    } else {
      warnings.add("unparseable-filename", `${path}: ${result.reason}; not indexed`, path);
    }
  }
  progress?.start(`reading ${dir}`, candidates.length);
  const read = await mapLimit(candidates, CONCURRENCY, async ({ path, parsed }): Promise<DistributionFile | undefined> => {
    const { sha256, size, problem } = await hashAndCheckArchive(path, parsed);
    if (problem !== undefined) {
      // pip could not unpack it: publishing it would only move the failure to every install.
      warnings.add("corrupt-archive", `${path}: not a complete ${parsed.extension} archive: ${problem}; not indexed`, path);
      progress?.tick();
      return undefined;
    }
    const file: DistributionFile = {
      filename: parsed.filename,
      parsed,
      location: { kind: "site", path: `files/${parsed.project}/${parsed.filename}`, sourcePath: path },
      hashes: { sha256 },
      size,
      origin: path,
    };
    let archived: ArchiveMetadata | undefined;
    let unreadable = false;
    try {
      archived = await readMetadataBytes(path, parsed);
    } catch (e) {
      unreadable = true;
      warnings.add("metadata-unreadable", `${path}: cannot read its metadata (${(e as Error).message}); indexed without it`, path);
    }
    if (archived) {
      const raw = archived.bytes;
      // The build time recorded in the archive is a property of the bytes, so the index stays the
      // same across checkouts (a file's mtime is not).
      if (archived.modified && !Number.isNaN(archived.modified.getTime())) file.uploadTime = archived.modified.toISOString();
      const record = applyCoreMetadata(file, raw, warnings);
      // PEP 658 is defined for wheels: their METADATA is authoritative, an sdist's PKG-INFO may not be.
      if (parsed.kind === "wheel") file.coreMetadataFile = record;
    } else if (expectsMetadata(file) && !unreadable) {
      warnings.add("metadata-unreadable", `${path}: ${missingMetadata(parsed)}; indexed without it`, path);
    }
    // No build time inside the archive: the file's modification time is the best remaining guess.
    file.uploadTime ??= (await stat(path)).mtime.toISOString();
    progress?.tick();
    return file;
  });
  progress?.stop();
  return read.filter((f): f is DistributionFile => f !== undefined);
}
