import type { Warnings } from "../diagnostics/warnings.js";
import type { DistributionFile } from "../model/distribution.js";
import { sha256Bytes } from "../util/hash-file.js";
import { checkMetadataAgainstFilename } from "./consistency.js";
import { parseCoreMetadata } from "./core-metadata.js";
import { cleanCoreMetadata } from "./page-text.js";

/**
 * Gives a file what its core metadata says (summary, dependencies, Requires-Python), without the
 * characters no page may carry, warns where it disagrees with the file name, and returns the
 * PEP 658 record for the raw bytes: the caller decides whether it can publish them beside the file.
 */
export function applyCoreMetadata(file: DistributionFile, raw: Uint8Array, warnings: Warnings): { hashes: { sha256: string }; bytes: Uint8Array } {
  const { metadata, removedFrom, leftOut } = cleanCoreMetadata(parseCoreMetadata(Buffer.from(raw).toString("utf8")));
  if (removedFrom.length > 0 || leftOut.length > 0) {
    const what = [...(removedFrom.length ? [`removed from ${removedFrom.join(", ")}`] : []), ...(leftOut.length ? [`left out: ${leftOut.join(", ")}`] : [])];
    warnings.add("control-characters", `${file.origin}: its core metadata holds characters no page may carry (control characters, noncharacters): ${what.join("; ")}`, file.filename);
  }
  file.metadata = metadata;
  if (metadata.requiresPython) file.requiresPython = metadata.requiresPython;
  checkMetadataAgainstFilename(file, metadata, warnings);
  return { hashes: { sha256: sha256Bytes(raw) }, bytes: raw };
}

/** Archives that should hold core metadata: its absence is worth a warning. */
export function expectsMetadata(file: DistributionFile): boolean {
  return file.parsed.kind === "wheel" || file.parsed.extension === ".tar.gz" || file.parsed.extension === ".zip";
}
