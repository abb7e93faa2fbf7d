import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import yauzl from "yauzl";
import tarStream from "tar-stream";
import type { ParsedFilename } from "../names/filename.js";
import { normalizeName } from "../names/normalize.js";
import { compareVersions, normalizeVersion } from "../names/version.js";

/** Core metadata files are small; anything larger is not metadata and is not read into memory. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;
/** PKG-INFO comes first or nearly so in an sdist; this much inflated without it, and the search stops. */
export const MAX_INFLATED_BEFORE_PKG_INFO = 64 * 1024 * 1024;

/** The metadata file's exact bytes and the time the archive recorded for it (its build time). */
export interface ArchiveMetadata {
  bytes: Uint8Array;
  modified?: Date;
}

/** Opens a zip for yauzl: from a path, a buffer, or a random-access reader (HTTP Range). */
export type ZipOpener = (options: yauzl.Options, callback: (err: Error | null, zip?: yauzl.ZipFile) => void) => void;

/** Where an archive's bytes come from: a file on disk, or a stream/zip opener for remote files. */
export type ArchiveSource = { kind: "path"; path: string } | { kind: "zip"; open: ZipOpener } | { kind: "stream"; open: () => Readable };

/**
 * Reads the raw core metadata bytes from a distribution on disk: `{name}-{version}.dist-info/METADATA`
 * of a wheel, `<top>/PKG-INFO` of an sdist, `EGG-INFO/PKG-INFO` of an egg. Returns undefined when the
 * archive holds none (the caller warns); throws on a corrupt archive.
 */
export async function readMetadataBytes(path: string, parsed: ParsedFilename): Promise<ArchiveMetadata | undefined> {
  return readArchiveMetadata({ kind: "path", path }, parsed);
}

/** As `readMetadataBytes`, from any source: zips need random access, tars a forward stream. */
export async function readArchiveMetadata(source: ArchiveSource, parsed: ParsedFilename): Promise<ArchiveMetadata | undefined> {
  const isZip = parsed.kind === "wheel" || parsed.kind === "egg" || parsed.extension === ".zip";
  if (isZip) {
    const wanted = parsed.kind === "wheel" ? wheelMetadataOf(parsed) : parsed.kind === "egg" ? exactly((n) => n === "EGG-INFO/PKG-INFO") : exactly(isSdistPkgInfo);
    if (source.kind === "stream") throw new Error("internal: a zip needs random access, not a stream");
    const open: ZipOpener = source.kind === "path" ? (o, cb) => yauzl.open(source.path, o, cb) : source.open;
    return readFromZip(open, wanted);
  }
  if (parsed.extension === ".tar.gz" || parsed.extension === ".tgz" || parsed.extension === ".tar") {
    if (source.kind === "zip") throw new Error("internal: a tar is read as a stream");
    const stream = source.kind === "path" ? createReadStream(source.path) : source.open();
    return readFromTar(stream, parsed.extension !== ".tar");
  }
  return undefined;
}

/** What was looked for and not found, for the `metadata-unreadable` warning. */
export function missingMetadata(parsed: ParsedFilename): string {
  if (parsed.kind !== "wheel") return "no core metadata found in the archive";
  return `no ${parsed.name}-${parsed.version}.dist-info/METADATA in the wheel (its own metadata folder; a wheel without one is refused by pip)`;
}

/** How an archive entry serves as the metadata: not at all, as the one candidate left, or exactly. */
const enum Fit {
  No = 0,
  Candidate = 1,
  Exact = 2,
}

/**
 * The wheel spec puts METADATA in the top-level `{name}-{version}.dist-info/` folder of the wheel's
 * own project and version (name compared normalised, version PEP 440-equal). A folder of another
 * project (a vendored package's, a decoy) is never the wheel's metadata: pip refuses such a wheel.
 * A folder of the right project with another version is taken only when it is the only one, as
 * pip reads it; the version mismatch is then the `metadata-mismatch` warning.
 */
function wheelMetadataOf(parsed: ParsedFilename): (entry: string) => Fit {
  return (entry) => {
    const m = /^([^/]+)-([^/-]+)\.dist-info\/METADATA$/.exec(entry);
    if (m === null || normalizeName(m[1] as string) !== parsed.project) return Fit.No;
    const version = normalizeVersion(m[2] as string);
    return version !== null && compareVersions(version, parsed.version) === 0 ? Fit.Exact : Fit.Candidate;
  };
}

const exactly =
  (test: (entry: string) => boolean) =>
  (entry: string): Fit =>
    test(entry) ? Fit.Exact : Fit.No;

/** An sdist is one top-level folder `<name>-<version>/` with PKG-INFO directly inside it. */
function isSdistPkgInfo(entry: string): boolean {
  return /^[^/]+\/PKG-INFO$/.test(entry);
}

/**
 * Reads the entry that fits exactly, or else the one candidate (several candidates: none is
 * trusted). A name listed twice is read at its last entry, as Python's zipfile (so pip) reads it.
 */
function readFromZip(open: ZipOpener, fit: (name: string) => Fit): Promise<ArchiveMetadata | undefined> {
  return new Promise((resolve, reject) => {
    // Not autoClose: a candidate is read after the last entry has been listed.
    open({ lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      let done = false;
      const finish = (value: ArchiveMetadata | undefined, error?: Error): void => {
        if (done) return;
        done = true;
        zip.close();
        if (error) reject(error);
        else resolve(value);
      };
      const candidates: yauzl.Entry[] = [];
      let exact: yauzl.Entry | undefined;
      zip.on("error", (e: Error) => finish(undefined, e));
      zip.on("end", () => {
        if (exact) read(exact);
        else if (candidates.length === 1) read(candidates[0] as yauzl.Entry);
        else finish(undefined);
      });
      zip.on("entry", (entry: yauzl.Entry) => {
        const f = fit(entry.fileName);
        if (f === Fit.Exact) exact = entry;
        else if (f === Fit.Candidate) candidates.push(entry);
        zip.readEntry();
      });
      const read = (entry: yauzl.Entry): void => {
        if (entry.uncompressedSize > MAX_METADATA_BYTES) {
          return finish(undefined, new Error(`${entry.fileName} is larger than ${MAX_METADATA_BYTES} bytes`));
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return finish(undefined, e ?? new Error("cannot read entry"));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", (se: Error) => finish(undefined, se));
          // Python's zipfile writes DOS times; bdist_wheel takes them from UTC (SOURCE_DATE_EPOCH).
          const modified = entry.getLastModDate({ timezone: "UTC" });
          stream.on("end", () => finish({ bytes: new Uint8Array(Buffer.concat(chunks)), modified }));
        });
      };
      zip.readEntry();
    });
  });
}

async function readFromTar(source: Readable, gzip: boolean): Promise<ArchiveMetadata | undefined> {
  const extract = tarStream.extract();
  let found: ArchiveMetadata | undefined;
  let inflated = 0;
  extract.on("entry", (header, stream, next) => {
    // A corrupt stream fails every entry too; the pipeline reports it once.
    stream.on("error", () => undefined);
    const wanted = header.type === "file" && isSdistPkgInfo(header.name.replace(/^\.\//, ""));
    if (!wanted) {
      inflated += header.size ?? 0;
      if (inflated > MAX_INFLATED_BEFORE_PKG_INFO) {
        extract.destroy(new Error(`no PKG-INFO in the first ${MAX_INFLATED_BEFORE_PKG_INFO / 1024 / 1024} MiB unpacked`));
        return;
      }
      stream.on("end", next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (c: unknown) => {
      const buf = c as Buffer;
      size += buf.length;
      if (size <= MAX_METADATA_BYTES) chunks.push(buf);
    });
    stream.on("end", () => {
      if (size <= MAX_METADATA_BYTES) {
        found = { bytes: new Uint8Array(Buffer.concat(chunks)) };
        if (header.mtime) found.modified = header.mtime;
      }
      // PKG-INFO sits near the start of an sdist: stop reading (or downloading) the rest.
      source.destroy();
      extract.destroy();
    });
  });
  try {
    if (gzip) await pipeline(source, createGunzip(), extract);
    else await pipeline(source, extract);
  } catch (e) {
    if (found === undefined) throw e;
  }
  return found;
}
