import type { ParsedFilename } from "../names/filename.js";
import type { CoreMetadata } from "./core-metadata.js";

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

/**
 * Who built a file, as the signing certificate of one of its attestations says (Fulcio's GitHub
 * claims), never as the index's settings say: for people, and for PEP 740's publisher.
 */
export interface BuildIdentity {
  /** `OWNER/NAME` of the repository whose workflow ran (Source Repository URI). */
  repository: string;
  /** The workflow's file name, as PEP 740's GitHub publisher names it (`release.yml`). */
  workflow: string;
  /** The workflow's path in its repository (`.github/workflows/release.yml`). */
  workflowPath: string;
  /** The git ref the run built (`refs/tags/v1.0.0`). */
  ref: string;
  /** The commit the run built, 40 hex. */
  commit: string;
  /** The workflow run's page (`https://github.com/OWNER/NAME/actions/runs/ID/attempts/N`). */
  runUrl?: string;
  /** The GitHub web root the claims name (`https://github.com`, or an Enterprise host). */
  serverUrl: string;
  /** The attestation's in-toto predicate type (SLSA provenance v1 or PyPI's publish attestation). */
  predicateType: string;
}

/** PEP 740 provenance published beside the file as `<file>.provenance`. */
export interface ProvenanceFile {
  /** The provenance object, serialised once: the bytes served, never changed once published. */
  bytes: Uint8Array;
  /** One entry per attestation kept, in the order the provenance object lists them. */
  builtBy: BuildIdentity[];
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
  /** PEP 740 provenance from the file's GitHub attestations. */
  provenance?: ProvenanceFile;
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
