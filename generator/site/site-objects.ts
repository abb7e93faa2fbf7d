/**
 * What every publisher needs to know about each file of a rendered Site, computed once, in one
 * read of each file: its size, its SHA-256 (the index's hash), its git blob id (what a GitHub
 * tree lists, so the Git Data publication compares without downloading), its MD5 (S3's ETag of a
 * single-part PUT and its Content-MD5), and the Content-Type and Cache-Control it is served with.
 * The Git and S3 manifests are shapes of this; neither walks the written folder again.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { bytesOf, isFileRef, type Site, type SiteEntry, type SiteFileRef } from "./site.js";
import { mapLimit } from "../util/pool.js";

export interface SiteObject {
  size: number;
  sha256: string;
  /** SHA-1 of `blob <size>\0<bytes>`. */
  gitBlob: string;
  md5: string;
  contentType: string;
  cacheControl: string;
}

export type SiteObjects = Record<string, SiteObject>;

/** Files are read in parallel; most are small pages, so many in flight keep the disk busy. */
const CONCURRENCY = 16;

async function digestFile(file: string, size: number, sha256: string): Promise<{ gitBlob: string; md5: string }> {
  const sha1 = createHash("sha1").update(`blob ${size}\0`);
  const md5 = createHash("md5");
  const check = createHash("sha256");
  let read = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    sha1.update(chunk);
    md5.update(chunk);
    check.update(chunk);
    read += chunk.length;
  }
  // The site promised these bytes (the index lists their sha256); a file that changed under the build must not be published as if it had not.
  const actual = check.digest("hex");
  if (read !== size || actual !== sha256) throw new Error(`${file} changed since the site was built: ${read} bytes with sha256 ${actual}, the index lists ${size} bytes with sha256 ${sha256}`);
  return { gitBlob: sha1.digest("hex"), md5: md5.digest("hex") };
}

const hex = (hash: Hash, bytes: Uint8Array): string => hash.update(bytes).digest("hex");

/** One file's object, from bytes already in hand or a file to read once. */
export async function describeBody(body: Uint8Array | SiteFileRef, headers: Pick<SiteEntry, "contentType" | "cacheControl">): Promise<SiteObject> {
  const { contentType, cacheControl } = headers;
  if (isFileRef(body)) {
    return { size: body.size, sha256: body.sha256, ...(await digestFile(body.file, body.size, body.sha256)), contentType, cacheControl };
  }
  return {
    size: body.length,
    sha256: hex(createHash("sha256"), body),
    gitBlob: createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex"),
    md5: hex(createHash("md5"), body),
    contentType,
    cacheControl,
  };
}

const describeEntry = (entry: SiteEntry): Promise<SiteObject> => describeBody(isFileRef(entry.body) ? entry.body : bytesOf(entry.body), entry);

/** Every file of the site, sorted by path (rendering lazy pages; the folder publisher can describe as it writes instead). */
export async function describeSite(site: Site): Promise<SiteObjects> {
  const paths = [...site.keys()].sort();
  const objects = await mapLimit(paths, CONCURRENCY, (path) => describeEntry(site.get(path) as SiteEntry));
  return Object.fromEntries(paths.map((path, i) => [path, objects[i] as SiteObject]));
}
