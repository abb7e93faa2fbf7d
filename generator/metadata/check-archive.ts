/**
 * Whether a distribution file is a complete, readable archive, learned while it is hashed: the
 * index never offers a file pip would fail to unpack, and never says nothing about it.
 *
 * - `.tar.gz` / `.tgz`: the same bytes that feed sha256 are inflated and walked to the end of the
 *   tar, so gzip's own length and CRC trailer and every tar header are checked. Inflation stops
 *   at `MAX_INFLATED_BYTES`: a small file that expands without end is refused, not unpacked.
 * - `.tar`: walked to its end the same way.
 * - zips (wheels, eggs, `.zip` sdists): the central directory at the end is read (a cut file has
 *   none) and every entry must lie inside the file. Nothing is inflated.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { PassThrough, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tarStream from "tar-stream";
import yauzl from "yauzl";
import type { ParsedFilename } from "../names/filename.js";
import { sha256File } from "../util/hash-file.js";

/** More than any real sdist unpacks to; a file inflating past it is treated as a decompression bomb. */
export const MAX_INFLATED_BYTES = 2 * 1024 * 1024 * 1024;

export interface HashedArchive {
  sha256: string;
  size: number;
  /** Why the file is not a complete archive, when it is not. */
  problem?: string;
}

const isZip = (parsed: ParsedFilename): boolean => parsed.kind === "wheel" || parsed.kind === "egg" || parsed.extension === ".zip";

/** Counts bytes as they pass and fails the stream past `limit`. */
function byteLimit(limit: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) done(new Error(`${what} past ${limit} bytes: refused as a possible decompression bomb`));
      else done(null, chunk);
    },
  });
}

/**
 * Fails at the end of the stream unless it ends with tar's end-of-archive marker (two zero
 * blocks): a tar cut at an entry boundary is otherwise a valid-looking, incomplete archive.
 */
function endMarker(): Transform {
  let tail = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      tail = Buffer.concat([tail, chunk]).subarray(-1024);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      done(tail.length === 1024 && tail.every((b) => b === 0) ? null : new Error("the tar has no end-of-archive marker (truncated?)"));
    },
  });
}

/** Reads every tar header and skips every body, to the end-of-archive marker. */
function walkTar(): ReturnType<typeof tarStream.extract> {
  const extract = tarStream.extract();
  extract.on("entry", (_header, body, next) => {
    body.on("error", () => undefined); // the pipeline reports the failure
    body.on("end", next);
    body.resume();
  });
  return extract;
}

function checkZip(path: string, size: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return resolve(err?.message ?? "not a zip archive");
      const done = (problem?: string): void => {
        zip.close();
        resolve(problem);
      };
      zip.on("error", (e: Error) => done(e.message));
      zip.on("end", () => done());
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.relativeOffsetOfLocalHeader + entry.compressedSize > size) return done(`${entry.fileName} lies past the end of the file (truncated?)`);
        zip.readEntry();
      });
      zip.readEntry();
    });
  });
}

/** sha256 and size of the file, and whether it is a complete archive of its kind. */
export async function hashAndCheckArchive(path: string, parsed: ParsedFilename, options: { maxInflatedBytes?: number } = {}): Promise<HashedArchive> {
  const hash = createHash("sha256");
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const tar = parsed.extension === ".tar.gz" || parsed.extension === ".tgz" || parsed.extension === ".tar";
  let problem: string | undefined;
  if (tar) {
    const stages = parsed.extension === ".tar" ? [endMarker(), walkTar()] : [createGunzip(), byteLimit(options.maxInflatedBytes ?? MAX_INFLATED_BYTES, "inflates"), endMarker(), walkTar()];
    try {
      await pipeline(createReadStream(path), hashing, ...stages);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw e;
      problem = describe(e);
    }
    // The pipeline stopped early: hash the whole file again, so the sha256 still names its bytes.
    if (problem !== undefined) return { ...(await sha256File(path)), problem };
    return { sha256: hash.digest("hex"), size };
  }
  await pipeline(createReadStream(path), hashing, new PassThrough().resume());
  if (isZip(parsed)) problem = await checkZip(path, (await stat(path)).size);
  return { sha256: hash.digest("hex"), size, ...(problem !== undefined ? { problem } : {}) };
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(err.message)) return "the gzip stream ends early (truncated)";
  if (err.code === "Z_DATA_ERROR") return `the gzip data is corrupt (${err.message})`;
  if (/Unexpected end of data/i.test(err.message)) return "the tar ends in the middle of an entry (truncated)";
  return err.message;
}
