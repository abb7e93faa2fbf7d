/**
 * Distribution file-name parsing: wheels, sdists and eggs.
 *
 * Wheels and `.tar.gz`/`.zip` sdists follow `packaging.utils.parse_wheel_filename`
 * and `parse_sdist_filename` (packaging 26.x) to the letter, so that the index
 * agrees with pip about which files belong to which project and version; the
 * oracle test checks this against packaging itself over 71k real PyPI names.
 *
 * Extensions are matched case-sensitively, as packaging does (pip also
 * compares `.whl` case-sensitively): `foo-1.0.ZIP` is "unsupported" with a
 * hint, not silently accepted as an sdist that installers would then ignore.
 *
 * Deliberate difference from packaging: an empty name (`-1.0.zip`) is invalid
 * here, because packaging would return the project "" and the index would file
 * it at the root of `/simple/`.
 *
 * `project` uses the project-wide normalizeName, which lower-cases first as
 * packaging's canonicalize_name does.
 *
 * Like packaging, parseFilename does not validate sdist names; an index also
 * needs the name to be a valid project name (its URL segment), which
 * parseIndexableFilename adds.
 */
import { isValidProjectName, normalizeName } from "./normalize.js";
import { normalizeVersion } from "./version.js";

/** `vcs`: a git tag installed from source (`git+https://…@TAG#egg=NAME-VERSION`), no archive at all. */
export type DistributionKind = "wheel" | "sdist" | "egg" | "vcs";

export interface ParsedFilename {
  filename: string;
  kind: DistributionKind;
  /** the name as spelled in the file name */
  name: string;
  /** PEP 503 normalised project name */
  project: string;
  /** PEP 440 normalised version (str(packaging.version.Version(v))) */
  version: string;
  /** wheel only: the build tag as spelled (starts with a digit; pip sorts by (int, rest)) */
  buildTag?: string;
  /** wheel only: the expanded tags, e.g. ["py3-none-any"], lower-cased, deduplicated */
  tags?: string[];
  /** the matched extension: ".whl", ".egg" or the sdist archive form, e.g. ".tar.gz" */
  extension: string;
}

export type FilenameResult = { ok: true; value: ParsedFilename } | { ok: false; problem: "unsafe" | "unsupported" | "invalid"; reason: string };

/** The archive forms pip accepts as sdists (pip._internal.utils.filetypes). */
const SDIST_EXTENSIONS = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tar.lzma", ".tar.lz", ".tar", ".tgz", ".tbz", ".txz", ".tlz"] as const;
const KNOWN_EXTENSIONS: readonly string[] = [".whl", ".egg", ...SDIST_EXTENSIONS];

// C0, DEL and C1 controls, path separators, and lone surrogates (which cannot be
// written as UTF-8, so the file on disk would not be named as the index says).
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f/\\]|\p{Cs}/u;

const SEPARATOR = /[/\\]/;
const SURROGATE = /\p{Cs}/u;

export function isSafeFilename(filename: string): boolean {
  return filename.length > 0 && filename[0] !== "." && !UNSAFE_CHAR.test(filename);
}

function unsafeReason(filename: string): string {
  if (filename.length === 0) return "empty file name";
  if (filename === "." || filename === "..") return `file name ${JSON.stringify(filename)} is a directory reference`;
  if (filename[0] === ".") return "file name starts with '.' (hidden file or path traversal)";
  if (SEPARATOR.test(filename)) return "file name contains a path separator";
  if (SURROGATE.test(filename)) return "file name contains an unpaired UTF-16 surrogate";
  return "file name contains a control character";
}

function fail(problem: "unsafe" | "unsupported" | "invalid", reason: string): FilenameResult {
  return { ok: false, problem, reason };
}

function badVersion(raw: string): FilenameResult {
  return fail("invalid", `invalid PEP 440 version ${JSON.stringify(raw)}`);
}

// packaging: `re.match(r"^[\w\d._]*$", name, re.UNICODE)`; Python's Unicode \w is
// exactly letters, numbers and "_" (checked over every code point assigned in
// Python's Unicode database). Emptiness is rejected separately.
const WHEEL_NAME_RE = /^[\p{L}\p{N}_.]*$/u;

const lower = (s: string): string => s.toLowerCase();

/** What the project part of a file name says. */
interface NameFacts {
  /** PEP 503 normalised. */
  project: string;
  /** A valid wheel name (no `__`, only letters, digits, `.` and `_`). */
  wheelName: boolean;
  /** A valid project name (parseIndexableFilename). */
  indexable: boolean;
}

const nameFacts = new Map<string, NameFacts>();

/** Worked out once a name: a list of 100,000 files names each of its projects twenty times. */
function factsOf(name: string): NameFacts {
  let facts = nameFacts.get(name);
  if (facts === undefined) {
    facts = { project: normalizeName(name), wheelName: !name.includes("__") && WHEEL_NAME_RE.test(name), indexable: isValidProjectName(name) };
    // Bounded: a build names a few thousand projects.
    if (nameFacts.size > 100_000) nameFacts.clear();
    nameFacts.set(name, facts);
  }
  return facts;
}

function parseWheel(filename: string): FilenameResult {
  const stem = filename.slice(0, -4);
  const parts = stem.split("-");
  const dashes = parts.length - 1;
  if (dashes !== 4 && dashes !== 5) {
    return fail("invalid", `wheel name must have 5 or 6 dash-separated parts (name-version[-build]-python-abi-platform), found ${parts.length}`);
  }
  const name = parts[0]!;
  if (name === "") return fail("invalid", "empty project name");
  const { project, wheelName } = factsOf(name);
  if (!wheelName) {
    return fail("invalid", `invalid project name ${JSON.stringify(name)} in wheel (only letters, digits, '.' and single '_' allowed)`);
  }
  const rawVersion = parts[1]!;
  const version = normalizeVersion(rawVersion);
  if (version === null) return badVersion(rawVersion);
  let buildTag: string | undefined;
  if (dashes === 5) {
    buildTag = parts[2]!;
    const c = buildTag.charCodeAt(0);
    if (!(c >= 48 && c <= 57)) {
      return fail("invalid", `invalid build tag ${JSON.stringify(buildTag)} (must start with a digit)`);
    }
  }
  // Split before lower-casing, as packaging's Tag does (final-sigma casing
  // depends on neighbours, and "." is case-ignorable).
  const interpreters = parts[dashes - 2]!.split(".").map(lower);
  const abis = parts[dashes - 1]!.split(".").map(lower);
  const platforms = parts[dashes]!.split(".").map(lower);
  let tags: string[];
  if (interpreters.length === 1 && abis.length === 1 && platforms.length === 1) {
    tags = [`${interpreters[0]}-${abis[0]}-${platforms[0]}`];
  } else {
    // packaging returns a frozenset; keep first-seen order for stable output.
    const seen = new Set<string>();
    for (const i of interpreters) for (const a of abis) for (const p of platforms) seen.add(`${i}-${a}-${p}`);
    tags = [...seen];
  }
  const value: ParsedFilename = {
    filename,
    kind: "wheel",
    name,
    project,
    version,
    tags,
    extension: ".whl",
  };
  if (buildTag !== undefined) value.buildTag = buildTag;
  return { ok: true, value };
}

function parseSdist(filename: string, extension: string): FilenameResult {
  const stem = filename.slice(0, -extension.length);
  // A PEP 440 version has no dash, so the last dash separates name and version.
  const dash = stem.lastIndexOf("-");
  if (dash < 0) return fail("invalid", `sdist name has no '-' between name and version`);
  const name = stem.slice(0, dash);
  if (name === "") return fail("invalid", "empty project name");
  const rawVersion = stem.slice(dash + 1);
  const version = normalizeVersion(rawVersion);
  if (version === null) return badVersion(rawVersion);
  // Like packaging, the name is not validated: legacy sdists carry spaces and
  // other oddities, and the index should still list them under their project.
  return { ok: true, value: { filename, kind: "sdist", name, project: factsOf(name).project, version, extension } };
}

// pkg_resources' EGG_NAME (name-version[-pyX.Y[-platform]]), anchored at both
// ends so trailing junk is an error rather than ignored.
const EGG_RE = /^([^-]+)-([^-]+)(?:-py([^-]+)(?:-(.+))?)?$/i;

function parseEgg(filename: string): FilenameResult {
  const m = EGG_RE.exec(filename.slice(0, -4));
  if (m === null) {
    return fail("invalid", "egg name must be name-version[-pyX.Y[-platform]].egg with '_' for dashes in the name");
  }
  const name = m[1]!;
  const rawVersion = m[2]!;
  const version = normalizeVersion(rawVersion);
  if (version === null) return badVersion(rawVersion);
  return { ok: true, value: { filename, kind: "egg", name, project: factsOf(name).project, version, extension: ".egg" } };
}

function unsupportedReason(filename: string): string {
  const lower = filename.toLowerCase();
  for (const ext of KNOWN_EXTENSIONS) {
    if (lower.endsWith(ext)) {
      const spelled = filename.slice(-ext.length);
      return `unsupported extension ${JSON.stringify(spelled)}: extensions are case-sensitive, expected ${JSON.stringify(ext)}`;
    }
  }
  const dot = filename.lastIndexOf(".");
  if (dot <= 0) return "no file extension: not a wheel, sdist or egg";
  const tar = filename.lastIndexOf(".tar.", dot);
  const ext = tar >= 0 && tar + 4 === dot ? filename.slice(tar) : filename.slice(dot);
  return `unsupported extension ${JSON.stringify(ext)}: not a wheel, sdist or egg`;
}

export function parseFilename(filename: string): FilenameResult {
  if (!isSafeFilename(filename)) return fail("unsafe", unsafeReason(filename));
  if (filename.endsWith(".whl")) return parseWheel(filename);
  if (filename.endsWith(".egg")) return parseEgg(filename);
  for (const ext of SDIST_EXTENSIONS) {
    if (filename.endsWith(ext)) return parseSdist(filename, ext);
  }
  return fail("unsupported", unsupportedReason(filename));
}

/**
 * parseFilename plus the one thing an index needs beyond packaging: the project name must be a
 * valid name (PEP 508), since it becomes a URL segment and pip could never ask for anything else.
 */
export function parseIndexableFilename(filename: string): FilenameResult {
  const result = parseFilename(filename);
  if (result.ok && !factsOf(result.value.name).indexable) {
    return { ok: false, problem: "invalid", reason: `${JSON.stringify(result.value.name)} is not a valid project name` };
  }
  return result;
}
