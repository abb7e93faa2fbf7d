/**
 * Whether a distribution file is a complete, readable archive, learned from the same bytes that
 * are hashed (read from disk or arriving from GitHub): the index never offers a file pip would
 * fail to unpack, and never says nothing about it.
 *
 * - `.tar.gz` / `.tgz`: the bytes are inflated and walked to the end of the tar, so gzip's own
 *   length and CRC trailer and every tar header are checked. Inflation stops at
 *   `MAX_INFLATED_BYTES`: a small file that expands without end is refused, not unpacked.
 * - `.tar`: walked to its end the same way.
 * - zips (wheels, eggs, `.zip` sdists): the central directory at the end is read (a cut file has
 *   none) and every entry must lie inside the file. Nothing is inflated.
 *
 * The check rides beside the hash as a tap that passes every byte on unchanged and never fails
 * the stream: a corrupt archive is a finding about the file, while a failed read or download is
 * still an error of its own.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PassThrough, Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tarStream from "tar-stream";
import yauzl from "yauzl";
import type { ParsedFilename } from "../names/filename.js";

/** More than any real sdist unpacks to; a file inflating past it is treated as a decompression bomb. */
export const MAX_INFLATED_BYTES = 2 * 1024 * 1024 * 1024;

export interface HashedArchive {
  sha256: string;
  size: number;
  /** Why the file is not a complete archive, when it is not. */
  problem?: string;
}

export interface CheckOptions {
  maxInflatedBytes?: number;
}

const isZip = (parsed: ParsedFilename): boolean => parsed.kind === "wheel" || parsed.kind === "egg" || parsed.extension === ".zip";
const isTar = (parsed: ParsedFilename): boolean => parsed.extension === ".tar.gz" || parsed.extension === ".tgz" || parsed.extension === ".tar";

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
function walkTar(): NodeJS.WritableStream {
  const extract = tarStream.extract();
  extract.on("entry", (_header, body, next) => {
    body.on("error", () => undefined); // the pipeline reports the failure
    body.on("end", next);
    body.resume();
  });
  return extract;
}

/** Whether a zip's central directory is readable and every entry lies inside the file. */
function checkZip(open: (callback: (err: Error | null, zip?: yauzl.ZipFile) => void) => void, size: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    open((err, zip) => {
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

/**
 * A check of one archive's bytes as they stream past: pipe them through `tap`, then ask `result`
 * once the whole file has gone through (zips are checked then, from the file or buffer they were
 * written to, since their directory is at the end).
 */
export class ArchiveCheck {
  readonly tap: Transform;
  /** Whether every byte of the file went through the tap (a reader may stop early). */
  whole = false;
  private problem: string | undefined;
  private readonly checked: Promise<void>;

  constructor(
    private readonly parsed: ParsedFilename,
    options: CheckOptions = {},
  ) {
    if (!isTar(parsed)) {
      this.tap = new PassThrough({
        flush: (done) => {
          this.whole = true;
          done();
        },
      });
      this.checked = Promise.resolve();
      return;
    }
    const stages: [Transform, ...NodeJS.WritableStream[]] =
      parsed.extension === ".tar" ? [endMarker(), walkTar()] : [createGunzip(), byteLimit(options.maxInflatedBytes ?? MAX_INFLATED_BYTES, "inflates"), endMarker(), walkTar()];
    const head = stages[0];
    // A tap destroyed before the end (a reader that stopped early) leaves the archive unjudged.
    let cut = false;
    this.checked = pipeline(stages).catch((e: unknown) => {
      if (!cut) this.problem ??= describe(e);
    });
    // Once the checker has failed, bytes go on to the hash and the disk and nowhere else.
    const forward = (chunk: Buffer, done: () => void): void => {
      if (head.destroyed || this.problem !== undefined) return done();
      if (head.write(chunk)) return done();
      let resumed = false;
      const resume = (): void => {
        if (resumed) return;
        resumed = true;
        head.off("drain", resume);
        done();
      };
      head.on("drain", resume);
      void this.checked.then(resume);
    };
    this.tap = new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        forward(chunk, () => done(null, chunk));
      },
      flush: (done: TransformCallback) => {
        this.whole = true;
        if (!head.destroyed) head.end();
        void this.checked.then(() => done());
      },
      destroy(error, done) {
        if (!head.writableEnded) {
          cut = true;
          head.destroy();
        }
        done(error);
      },
    });
  }

  /** Why the bytes are not a complete archive, or undefined when they are (ask only when `whole`). */
  async result(at?: { path: string; size: number } | { buffer: Buffer }): Promise<string | undefined> {
    await this.checked;
    if (!this.whole) throw new Error("internal: an archive is judged only after all of its bytes went through the check");
    if (this.problem !== undefined || !isZip(this.parsed)) return this.problem;
    if (at === undefined) throw new Error("internal: a zip is checked from the file or buffer that holds it");
    if ("buffer" in at) return checkZip((cb) => yauzl.fromBuffer(at.buffer, { lazyEntries: true }, cb), at.buffer.length);
    return checkZip((cb) => yauzl.open(at.path, { lazyEntries: true, autoClose: true }, cb), at.size);
  }
}

/** A Transform that hashes and counts what passes through it. */
export function hashingTap(): { tap: Transform; digest: () => { sha256: string; size: number } } {
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      size += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { tap, digest: () => ({ sha256: hash.digest("hex"), size }) };
}

/** sha256 and size of the file on disk, and whether it is a complete archive of its kind, in one read. */
export async function hashAndCheckArchive(path: string, parsed: ParsedFilename, options: CheckOptions = {}): Promise<HashedArchive> {
  const hashing = hashingTap();
  const check = new ArchiveCheck(parsed, options);
  await pipeline(createReadStream(path), hashing.tap, check.tap, new PassThrough().resume());
  const { sha256, size } = hashing.digest();
  const problem = await check.result({ path, size });
  return { sha256, size, ...(problem !== undefined ? { problem } : {}) };
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(err.message)) return "the gzip stream ends early (truncated)";
  if (err.code === "Z_DATA_ERROR") return `the gzip data is corrupt (${err.message})`;
  if (/Unexpected end of data/i.test(err.message)) return "the tar ends in the middle of an entry (truncated)";
  return err.message;
}

/** As `hashAndCheckArchive`, for a file held in memory (a host that ignored Range sent it whole). */
export async function hashAndCheckBuffer(buffer: Buffer, parsed: ParsedFilename): Promise<HashedArchive> {
  const hashing = hashingTap();
  const check = new ArchiveCheck(parsed);
  await pipeline(Readable.from([buffer]), hashing.tap, check.tap, new PassThrough().resume());
  const { sha256, size } = hashing.digest();
  const problem = await check.result({ buffer });
  return { sha256, size, ...(problem !== undefined ? { problem } : {}) };
}
