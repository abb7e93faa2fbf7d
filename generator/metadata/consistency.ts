import { compareVersions, normalizeVersion } from "../names/version.js";
import { normalizeName } from "../names/normalize.js";
import type { Warnings } from "../diagnostics/warnings.js";
import type { DistributionFile } from "../model/distribution.js";
import type { CoreMetadata } from "../model/core-metadata.js";

/**
 * The file name decides where a file is listed (that is what pip matches on); metadata that
 * disagrees is a packaging mistake worth a warning, not a reason to drop the file. A foreign Name
 * is never the project's display name (model/project-index.ts): it could pass for another project.
 */
export function checkMetadataAgainstFilename(file: DistributionFile, metadata: CoreMetadata, warnings: Warnings): void {
  const { parsed } = file;
  if (metadata.name !== undefined && normalizeName(metadata.name) !== parsed.project) {
    warnings.add(
      "metadata-mismatch",
      `${file.origin}: metadata names project "${metadata.name}" but the file name says "${parsed.name}"; listed under ${parsed.project}, and that Name is never shown as the project's`,
      file.origin,
    );
  }
  const metadataVersion = metadata.version === undefined ? undefined : normalizeVersion(metadata.version);
  if (metadata.version !== undefined && !(metadataVersion && compareVersions(metadataVersion, parsed.version) === 0)) {
    warnings.add("metadata-mismatch", `${file.origin}: metadata says version ${metadata.version} but the file name says ${parsed.version}; listed as ${parsed.version}`, file.origin);
  }
}
