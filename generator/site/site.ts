/**
 * A rendered site: site-relative path -> bytes (or a file to copy), content type and cache policy.
 * Every publish target (local folder, git commit, S3) consumes exactly this.
 */
export interface SiteFileRef {
  /** Copy this file from disk rather than hold large distributions in memory. */
  file: string;
  size: number;
  sha256: string;
}

export interface SiteEntry {
  body: Uint8Array | SiteFileRef;
  contentType: string;
  cacheControl: string;
}

export type Site = Map<string, SiteEntry>;

export function isFileRef(body: SiteEntry["body"]): body is SiteFileRef {
  return !(body instanceof Uint8Array);
}
