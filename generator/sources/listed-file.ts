/**
 * A file named by a package list, held for the whole build: a list of 100,000 files holds 100,000
 * of these at once, so each is kept small (the build's peak memory is mostly these). What can be
 * derived is derived when read: the URL from the packages URL and the name, the origin from the
 * list and the line. Strings that repeat across lines (project names, versions, tags,
 * Requires-Python, uploaders) are held once.
 */
import type { CoreMetadataFile, DistributionFile, Hashes, HashAlgorithm } from "../model/distribution.js";
import type { CoreMetadata } from "../model/core-metadata.js";
import type { ParsedFilename } from "../names/filename.js";

/** The packages URL without its trailing slashes: a file's URL is this, `/` and its name, the way dumb-pypi joins them (relative URLs stay relative). */
export function packagesBase(packagesUrl: string): string {
  return packagesUrl.replace(/\/+$/, "");
}

/** A copy that shares no storage: a slice of a string keeps the whole string it was cut from alive. */
const detached = (s: string): string => Buffer.from(s, "utf8").toString("utf8");

/** One list's repeating strings, each held once. */
export class StringPool {
  private readonly strings = new Map<string, string>();
  private readonly tagLists = new Map<string, readonly string[]>();

  of(s: string): string {
    let held = this.strings.get(s);
    if (held === undefined) {
      held = detached(s);
      this.strings.set(held, held);
    }
    return held;
  }

  /** A wheel's tags, one frozen array per distinct set. */
  tags(tags: readonly string[]): string[] {
    const key = tags.join(" ");
    let held = this.tagLists.get(key);
    if (held === undefined) {
      held = Object.freeze(tags.map((t) => this.of(t)));
      this.tagLists.set(key, held);
    }
    return held as string[];
  }

  /** The parsed name with its repeating parts pooled (the file name itself is unique and kept as is). */
  parsed(p: ParsedFilename): ParsedFilename {
    // One literal with every key, so wheels and sdists share a shape and no field goes out of the object.
    return {
      filename: p.filename,
      kind: p.kind,
      name: this.of(p.name),
      project: this.of(p.project),
      version: this.of(p.version),
      buildTag: p.buildTag === undefined ? undefined : this.of(p.buildTag),
      tags: p.tags === undefined ? undefined : this.tags(p.tags),
      extension: this.of(p.extension),
    };
  }
}

/** `<algorithm>=<hex>` (already validated) as PEP 691 hashes, the digest detached from the line. */
export function hashesOf(value: string): Hashes {
  const eq = value.indexOf("=");
  const algorithm = value.slice(0, eq) as HashAlgorithm;
  const digest = detached(value.slice(eq + 1).toLowerCase());
  // Nearly every list gives SHA-256: one literal, so those objects share one shape.
  return algorithm === "sha256" ? { sha256: digest } : { [algorithm]: digest };
}

/** A file of a list without hashes: one object for all of them (nothing changes a file's hashes in place). */
const NO_HASHES: Hashes = Object.freeze({});

/**
 * A list file's URL location, made when asked for: the URL is built when a page is rendered, not
 * held. It is the base, `/` and the name percent-encoded, so the base alone decides its scheme
 * and whether it holds characters no link may (build.ts checks each base once, not each URL).
 */
export class ListedLocation {
  readonly kind = "url" as const;
  constructor(
    /** packagesBase() of the list's packages URL, shared by every file of the list. */
    readonly base: string,
    private readonly filename: string,
  ) {}

  get url(): string {
    return `${this.base}/${encodeURIComponent(this.filename)}`;
  }
}

/**
 * Every field a list can give is set in the constructor, so all instances share one shape and hold
 * their fields in the object itself. What only the other sources give (core metadata read from the
 * file, the GitHub repository) is not a field at all: reading it finds nothing, as for undefined,
 * and 100,000 files do not carry five empty slots each. The location and the hash objects are made
 * when read, from the base and the digests held (four small objects a file, about 13 MiB for 100,000).
 */
export class ListedFile implements DistributionFile {
  /** The file's hashes, as the list gave them (one algorithm); NO_HASHES without. */
  private fileHashes: string | Hashes = NO_HASHES;
  size: number | undefined = undefined;
  uploadTime: string | undefined = undefined;
  requiresPython: string | undefined = undefined;
  /** The PEP 658 metadata file's SHA-256 digest, or its hashes as given, or `{}` for one without hashes. */
  private metadataHashes: string | Hashes | undefined = undefined;
  yanked: string | true | undefined = undefined;
  uploadedBy: string | undefined = undefined;
  declare metadata?: CoreMetadata;
  declare repository?: string;
  declare repositoryUrl?: string;
  declare repositoryArchived?: boolean;
  declare repositoryPublic?: boolean;

  constructor(
    readonly filename: string,
    readonly parsed: ParsedFilename,
    /** packagesBase() of the packages URL. */
    private readonly base: string,
    private readonly list: string,
    private readonly line: number,
  ) {}

  get location(): ListedLocation {
    return new ListedLocation(this.base, this.filename);
  }

  get hashes(): Hashes {
    return hashesFrom(this.fileHashes);
  }

  set hashes(hashes: Hashes) {
    this.fileHashes = held(hashes);
  }

  get coreMetadataFile(): CoreMetadataFile | undefined {
    return this.metadataHashes === undefined ? undefined : { hashes: hashesFrom(this.metadataHashes) };
  }

  set coreMetadataFile(file: CoreMetadataFile | undefined) {
    // A list's metadata file is served from the packages URL: only its hashes are held.
    if (file?.bytes !== undefined) throw new Error("internal: a listed file's metadata is not in the site");
    this.metadataHashes = file === undefined ? undefined : held(file.hashes);
  }

  /** `list.jsonl:12`, for messages. */
  get origin(): string {
    return `${this.list}:${this.line}`;
  }
}

/** Hashes as held: a lone SHA-256 as its digest (nearly every list gives one), else the object. */
function held(hashes: Hashes): string | Hashes {
  const keys = Object.keys(hashes);
  return keys.length === 1 && keys[0] === "sha256" && hashes.sha256 !== undefined ? hashes.sha256 : hashes;
}

/** Hashes as read: a new object each time, so no reader can change what is held. */
function hashesFrom(value: string | Hashes): Hashes {
  return typeof value === "string" ? { sha256: value } : { ...value };
}
