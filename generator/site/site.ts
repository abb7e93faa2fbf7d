/**
 * A rendered site: site-relative path -> bytes (or a file to copy, or a page rendered on demand),
 * content type and cache policy. Every publish target (local folder, git commit, S3) consumes
 * exactly this.
 */
import type { PortablePage } from "../render/portable.js";

export interface SiteFileRef {
  /** Copy this file from disk rather than hold large distributions in memory. */
  file: string;
  size: number;
  sha256: string;
}

/**
 * A page rendered when a publisher needs its bytes, then dropped: an index of 5,000 projects
 * never holds its pages in memory all at once. Rendering is pure, so every call gives the same bytes.
 */
export interface SiteRender {
  render: () => Uint8Array;
  /** A text page's text, whose UTF-8 `render` gives: a publisher may encode it as it writes it. */
  text?: () => string;
  /** The page as another thread can render it (render/portable.ts), for a publisher that has one. */
  portable?: PortableRender;
}

export interface PortableRender {
  page: () => PortablePage;
  /** The links the page lists (its files): what rendering it costs, roughly. */
  links: number;
}

export interface SiteEntry {
  body: Uint8Array | SiteFileRef | SiteRender;
  contentType: string;
  cacheControl: string;
}

export type Site = Map<string, SiteEntry>;

export function isFileRef(body: SiteEntry["body"]): body is SiteFileRef {
  return typeof (body as Partial<SiteFileRef>).file === "string";
}

/** The entry's bytes, rendering a lazy page; a file reference has none in memory (copy or stream it). */
export function bytesOf(body: Uint8Array | SiteRender): Uint8Array {
  return body instanceof Uint8Array ? body : body.render();
}
