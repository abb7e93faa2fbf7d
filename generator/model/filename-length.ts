import type { Warnings } from "../diagnostics/warnings.js";
import type { DistributionFile } from "./distribution.js";

/**
 * The hosts keep the site in a folder: the local one `build` writes, and GitHub Pages' git
 * checkout. Linux file systems (ext4, xfs, btrfs, tmpfs) hold at most 255 BYTES of UTF-8 in one
 * path segment, so a name with non-ASCII characters reaches the limit sooner than its length says.
 * (S3 keys may be 1,024 bytes, but the folder is written first.)
 */
export const NAME_MAX_BYTES = 255;

/**
 * The longest name the site writes for a file: PEP 740's `<file>.provenance` (11 bytes), beside
 * PEP 658's `<file>.metadata` (9). Room is left for it now, so that adding provenance never turns
 * a published file into a build that cannot be written.
 */
const LONGEST_SIDECAR = ".provenance";

/** The longest distribution file name the index takes: 244 bytes. */
export const MAX_FILENAME_BYTES = NAME_MAX_BYTES - Buffer.byteLength(LONGEST_SIDECAR);

/**
 * Leaves out, with a `filename-too-long` warning, every file whose name (or a sidecar's) the hosts
 * could not hold. The project folders (`simple/<project>/`, `files/<project>/`, `project/<project>/`)
 * need no check of their own: a normalised project name is never longer than its file's name.
 */
export function withinNameLimit(files: DistributionFile[], warnings: Warnings): DistributionFile[] {
  return files.filter((file) => {
    const bytes = Buffer.byteLength(file.filename);
    if (bytes <= MAX_FILENAME_BYTES) return true;
    warnings.add(
      "filename-too-long",
      `${file.origin}: the file name is ${bytes} bytes; the site writes \`<file>${LONGEST_SIDECAR}\` beside it, which must fit in ${NAME_MAX_BYTES} bytes: at most ${MAX_FILENAME_BYTES}; not indexed`,
      file.filename,
    );
    return false;
  });
}
