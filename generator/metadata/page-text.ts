import type { CoreMetadata } from "../model/core-metadata.js";

/**
 * Characters no HTML or XML page may carry: the C0 controls except tab, line feed and carriage
 * return (NUL, ESC, form feed, ...), DEL and the C1 controls (parse errors in HTML), lone
 * surrogates (no UTF-8 spelling) and the noncharacters (U+FFFE, U+FFFF and their kin). JSON could
 * escape them, but the simple pages, the catalog and the per-person lists are built from the same
 * values, and no summary or version range has any use for one.
 */
const NOT_PAGE_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\p{Cs}|\p{Noncharacter_Code_Point}/u;
const NOT_PAGE_TEXT_ALL = new RegExp(NOT_PAGE_TEXT.source, "gu");

export function isPageText(text: string): boolean {
  return !NOT_PAGE_TEXT.test(text);
}

/** The text without the characters no page may carry (the same string when it has none). */
export function cleanPageText(text: string): string {
  return isPageText(text) ? text : text.replace(NOT_PAGE_TEXT_ALL, "");
}

/** Text fields keep their words without those characters; the header names are for messages. */
const TEXT_FIELDS = [
  ["metadataVersion", "Metadata-Version"],
  ["name", "Name"],
  ["version", "Version"],
  ["summary", "Summary"],
  ["requiresPython", "Requires-Python"],
  ["license", "License"],
  ["description", "Description"],
  ["descriptionContentType", "Description-Content-Type"],
] as const satisfies readonly (readonly [keyof CoreMetadata, string])[];

export interface CleanedMetadata {
  metadata: CoreMetadata;
  /** Header names whose text lost characters. */
  removedFrom: string[];
  /** Links and dependencies left out whole, as `Header "value"`. */
  leftOut: string[];
}

/**
 * Core metadata as pages may show it. Text loses the characters; a link (Home-page, Project-URL)
 * or a dependency (Requires-Dist) that holds one is left out whole, because without them it would
 * be another URL or requirement than the one written. The PEP 658 file keeps the original bytes.
 */
export function cleanCoreMetadata(parsed: CoreMetadata): CleanedMetadata {
  const metadata: CoreMetadata = { ...parsed };
  const removedFrom: string[] = [];
  const leftOut: string[] = [];
  for (const [key, header] of TEXT_FIELDS) {
    const value = metadata[key];
    if (value === undefined || isPageText(value)) continue;
    removedFrom.push(header);
    const clean = cleanPageText(value);
    if (clean === "") delete metadata[key];
    else metadata[key] = clean;
  }
  if (metadata.homePage !== undefined && !isPageText(metadata.homePage)) {
    leftOut.push(`Home-page ${JSON.stringify(metadata.homePage)}`);
    delete metadata.homePage;
  }
  const entries = (values: string[], header: string): string[] =>
    values.filter((v) => {
      if (isPageText(v)) return true;
      leftOut.push(`${header} ${JSON.stringify(v)}`);
      return false;
    });
  metadata.projectUrls = entries(metadata.projectUrls, "Project-URL");
  metadata.requiresDist = entries(metadata.requiresDist, "Requires-Dist");
  return { metadata, removedFrom, leftOut };
}
