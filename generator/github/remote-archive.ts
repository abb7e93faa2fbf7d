import { Readable } from "node:stream";
import yauzl from "yauzl";
import { readArchiveMetadata, type ArchiveMetadata } from "../metadata/read-archive.js";
import type { ParsedFilename } from "../names/filename.js";
import type { AssetDownloader, AssetLocation, Tally } from "./asset-download.js";

/** yauzl's first read: the end-of-central-directory record plus the longest possible comment. */
const ZIP_TAIL_BYTES = 22 + 0xffff;

export interface RemoteMetadata {
  metadata?: ArchiveMetadata;
  /** Set when the host ignored Range and sent the whole file: the caller can verify its digest. */
  wholeFile?: Buffer;
}

/**
 * Serves yauzl's reads from the fetched tail when they fall inside it (the central directory and,
 * in a wheel, the `.dist-info` files written last) and with one Range request each otherwise.
 */
class RangeReader extends yauzl.RandomAccessReader {
  constructor(
    private readonly tailStart: number,
    private readonly tail: Buffer,
    private readonly fetchRange: (start: number, endExclusive: number) => Promise<Buffer>,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    if (start >= this.tailStart) {
      return Readable.from([this.tail.subarray(start - this.tailStart, end - this.tailStart)], { objectMode: false });
    }
    const fetchRange = this.fetchRange;
    return Readable.from(
      (async function* () {
        yield await fetchRange(start, end);
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
    const tailLength = Math.min(size, ZIP_TAIL_BYTES);
    const response = await downloader.get(location, what, `bytes=-${tailLength}`);
    if (response.status !== 206) {
      const whole = await downloader.bytes(response, tally);
      downloader.stats.fullDownloads++;
      const metadata = await readArchiveMetadata({ kind: "zip", open: (o, cb) => yauzl.fromBuffer(whole, o, cb) }, parsed);
      return metadata ? { metadata, wholeFile: whole } : { wholeFile: whole };
    }
    const tail = await downloader.bytes(response, tally);
    const total = totalFromContentRange(response.headers.get("content-range")) ?? size;
    const fetchRange = async (start: number, endExclusive: number): Promise<Buffer> => {
      const r = await downloader.get(location, what, `bytes=${start}-${endExclusive - 1}`);
      if (r.status !== 206) {
        await r.body?.cancel();
        throw new Error(`the file host stopped honouring Range requests for ${what}`);
      }
      return downloader.bytes(r, tally);
    };
    const reader = new RangeReader(total - tail.length, tail, fetchRange);
    const metadata = await readArchiveMetadata({ kind: "zip", open: (o, cb) => yauzl.fromRandomAccessReader(reader, total, o, cb) }, parsed);
    result = metadata ? { metadata } : {};
  } else {
    const response = await downloader.get(location, what);
    const metadata = await readArchiveMetadata({ kind: "stream", open: () => downloader.countedBody(response, tally) }, parsed);
    result = metadata ? { metadata } : {};
  }
  downloader.stats.bytesSaved += Math.max(0, size - tally.bytes);
  return result;
}

function totalFromContentRange(header: string | null): number | undefined {
  const match = header ? /\/(\d+)$/.exec(header) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}
