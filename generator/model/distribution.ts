import type { ParsedFilename } from "../names/filename.js";
import type { CoreMetadata } from "../metadata/core-metadata.js";

/** Hash algorithm -> lower-case hex digest, as in PEP 691 `hashes`. */
export type Hashes = Partial<Record<HashAlgorithm, string>>;
export const HASH_ALGORITHMS = ["sha256", "sha512", "sha384", "sha224", "sha1", "md5"] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** Where a file's bytes are fetched from by the installer. */
export type FileLocation =
  /** Copied into the site at this site-relative path (e.g. `files/foo/foo-1.0.tar.gz`). */
  | { kind: "site"; path: string; sourcePath: string }
  /** Hosted elsewhere: an absolute URL, or one relative to the project page. */
  | { kind: "url"; url: string };

/** PEP 658 core metadata published beside the file. */
export interface CoreMetadataFile {
  hashes: Hashes;
  /** The exact bytes, when the site itself serves `<file>.metadata`. */
  bytes?: Uint8Array;
}

/** One distribution file after enrichment: everything the render stage needs. */
export interface DistributionFile {
  filename: string;
  parsed: ParsedFilename;
  location: FileLocation;
  hashes: Hashes;
  size?: number;
  /** ISO 8601 UTC. */
  uploadTime?: string;
  requiresPython?: string;
  coreMetadataFile?: CoreMetadataFile;
  /** Parsed fields for human pages (summary, dependencies). */
  metadata?: CoreMetadata;
  /** PEP 592: a reason string, or true for a yank without a reason. */
  yanked?: string | true;
  uploadedBy?: string;
  /** `OWNER/NAME` of the GitHub repository the file came from: on a private index, who may read it. */
  repository?: string;
  /** The repository's web page (GitHub or Enterprise Server), for people. */
  repositoryUrl?: string;
  /** The repository is archived on GitHub: its projects are marked `archived` (PEP 792). */
  repositoryArchived?: boolean;
  /** GitHub says the repository is public: everyone may read it, so a private index lists it to all its readers. */
  repositoryPublic?: boolean;
  /** Where this entry came from, for messages: a path, or `list.jsonl:12`. */
  origin: string;
}

/** The strongest hash available, for the URL fragment pip checks. */
export function preferredHash(hashes: Hashes): [HashAlgorithm, string] | undefined {
  for (const algo of HASH_ALGORITHMS) {
    const value = hashes[algo];
    if (value) return [algo, value];
  }
  return undefined;
}
