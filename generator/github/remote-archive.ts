import { pipeline, Readable } from "node:stream";
import yauzl from "yauzl";
import { ArchiveCheck, hashAndCheckBuffer, hashingTap, type HashedArchive } from "../metadata/check-archive.js";
import { readArchiveMetadata, type ArchiveMetadata } from "../metadata/read-archive.js";
import type { ParsedFilename } from "../names/filename.js";
import type { AssetDownloader, AssetLocation, Tally } from "./asset-download.js";

export interface RemoteMetadata {
  metadata?: ArchiveMetadata;
  /**
   * Set when every byte of the file arrived anyway (a host that ignored Range, an sdist read to its
   * end): its hash and archive check, so the caller verifies the digest and the archive for free.
   */
  whole?: HashedArchive;
}

/**
 * Serves yauzl's reads with one Range request each, and from memory when an earlier answer
 * already holds the bytes: the end-of-central-directory read (the last ~64 KiB) usually covers the
 * central directory and, in a wheel, the `.dist-info` files written last.
 */
class RangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly fetchBytes: (start: number, endExclusive: number) => Promise<Buffer>) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const fetchBytes = this.fetchBytes;
    return Readable.from(
      (async function* () {
        yield await fetchBytes(start, end);
      })(),
      { objectMode: false },
    );
  }
}

/**
 * Reads a remote distribution's core metadata while downloading as little as possible: a wheel's
 * METADATA through HTTP Range requests (usually one, for the last 64 KiB), an sdist's PKG-INFO
 * from the start of the stream, which is closed as soon as PKG-INFO has been read.
 */
export async function readRemoteMetadata(downloader: AssetDownloader, location: AssetLocation, size: number, parsed: ParsedFilename, what: string): Promise<RemoteMetadata> {
  const tally: Tally = { bytes: 0 };
  const isZip = parsed.kind === "wheel" || parsed.kind === "egg" || parsed.extension === ".zip";
  let result: RemoteMetadata;
  if (isZip) {
    const held: { start: number; bytes: Buffer }[] = [];
    let wholeFile: Buffer | undefined;
    const read = async (start: number, endExclusive: number): Promise<Buffer> => {
      const hit = held.find((c) => start >= c.start && endExclusive <= c.start + c.bytes.length);
      if (hit) return hit.bytes.subarray(start - hit.start, endExclusive - hit.start);
      const response = await downloader.get(location, what, `bytes=${start}-${endExclusive - 1}`);
      const bytes = await downloader.bytes(response, tally);
      if (response.status === 200) {
        // The host ignores Range and sent everything: keep it, every later read is served from it.
        wholeFile = bytes;
        downloader.stats.fullDownloads++;
        held.push({ start: 0, bytes });
        return bytes.subarray(start, endExclusive);
      }
      if (response.status !== 206) throw new Error(`unexpected HTTP ${response.status} to a Range request`);
      held.push({ start, bytes });
      return bytes;
    };
    const reader = new RangeReader(read);
    const metadata = await readArchiveMetadata({ kind: "zip", open: (o, cb) => yauzl.fromRandomAccessReader(reader, size, o, cb) }, parsed);
    result = metadata ? { metadata } : {};
    if (wholeFile) return { ...result, whole: await hashAndCheckBuffer(wholeFile, parsed) };
  } else {
    const response = await downloader.get(location, what);
    const hashing = hashingTap();
    const check = new ArchiveCheck(parsed);
    // The reader stops at PKG-INFO; when it reads on to the end, the bytes are judged as well.
    const open = (): Readable =>
      pipeline(downloader.countedBody(response, tally), hashing.tap, check.tap, () => {
        // failures reach the reader through the last stream
      });
    let metadata: ArchiveMetadata | undefined;
    let unreadable: { error: unknown } | undefined;
    try {
      metadata = await readArchiveMetadata({ kind: "stream", open }, parsed);
    } catch (e) {
      unreadable = { error: e };
    }
    result = metadata ? { metadata } : {};
    if (check.whole) {
      const problem = await check.result();
      result.whole = { ...hashing.digest(), ...(problem !== undefined ? { problem } : {}) };
    }
    // A file that arrived whole and is no complete archive is reported as such, not as unreadable metadata.
    if (unreadable && result.whole?.problem === undefined) throw unreadable.error;
  }
  downloader.stats.bytesSaved += Math.max(0, size - tally.bytes);
  return result;
}
