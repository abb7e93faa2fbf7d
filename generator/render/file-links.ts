import { preferredHash, type Hashes } from "../model/distribution.js";
import type { SimpleFile } from "./simple-view.js";

/** Percent-encodes each segment: `+` in local versions would read as a space on some hosts. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** The file's URL as written on a project page at `simple/<project>/`. */
export function fileHref(file: Pick<SimpleFile, "location">): string {
  return file.location.kind === "site" ? `../../${encodePath(file.location.path)}` : file.location.url;
}

/**
 * Where the site serves a file's PEP 740 provenance: beside the file when the site holds it, and
 * at the same place when the file is linked elsewhere, so every host guards it as the project's file.
 */
export function provenancePath(file: Pick<SimpleFile, "parsed" | "filename">): string {
  return `files/${file.parsed.project}/${file.filename}.provenance`;
}

/** The provenance's URL as written on a project page at `simple/<project>/` (`data-provenance`, JSON `provenance`). */
export function provenanceHref(file: Pick<SimpleFile, "parsed" | "filename">): string {
  return `../../${encodePath(provenancePath(file))}`;
}

/** URL plus the `#<algo>=<hex>` fragment pip verifies downloads against (PEP 503). */
export function fileHrefWithHash(file: Pick<SimpleFile, "location" | "hashes">): string {
  const hash = preferredHash(file.hashes);
  return hash ? `${fileHref(file)}#${hash[0]}=${hash[1]}` : fileHref(file);
}

/** `sha256=<hex>` for `data-core-metadata`, or "true" when only the presence is known. */
export function metadataAttributeValue(hashes: Hashes): string {
  const hash = preferredHash(hashes);
  return hash ? `${hash[0]}=${hash[1]}` : "true";
}

/** PEP 700's format: `yyyy-mm-ddThh:mm:ss.ffffffZ`. */
export function pep700Time(iso: string): string {
  // Sources store Date#toISOString() output (`...ss.mmmZ`); anything else is normalised first.
  const canonical = ISO_MILLIS.test(iso) ? iso : new Date(iso).toISOString();
  return `${canonical.slice(0, 23)}000Z`;
}

const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
