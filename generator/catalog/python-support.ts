/**
 * Whether a Requires-Python admits some CPython 3 released or soon to be (see LAST_PATCH), evaluated as Python's `packaging`
 * (`SpecifierSet.contains`) evaluates it for a final release, which is what pip, uv and Poetry
 * check against their interpreter's `X.Y.Z`. The catalog uses it so that its "latest" and its
 * pinned install lines never name a version no interpreter can install (`>=3.99`).
 */
import { isValidSpecifierSet } from "../names/specifier.js";
import { compareVersions, normalizeVersion, PY_SPACE_CHARS } from "../names/version.js";

/**
 * The last patch release of each CPython 3 minor version known when this was written (3.14 the
 * newest), then a horizon: 30 patch releases of 3.14 and of each of the next five minor versions,
 * so that a release needing a Python that is out by now, or soon will be, is still offered, while
 * one no Python will meet (`>=3.99`, `==4.*`) is not. Move the horizon on as CPython releases.
 */
const KNOWN_LAST_PATCH: readonly number[] = [1, 5, 6, 7, 10, 10, 15, 17, 20, 24, 19, 14, 12, 9];
const HORIZON_MINORS = 6;
const HORIZON_PATCHES = 30;
const LAST_PATCH: readonly number[] = [...KNOWN_LAST_PATCH, ...Array.from({ length: HORIZON_MINORS }, () => HORIZON_PATCHES)];

/** Every CPython 3.x.y released or within the horizon, as `3.x.y`. */
const CPYTHON_RELEASES: readonly string[] = LAST_PATCH.flatMap((last, minor) => Array.from({ length: last + 1 }, (_, patch) => `3.${minor}.${patch}`));

// Python's whitespace, as the specifier check strips it (JS `\s` is a different set).
const WS = `[${PY_SPACE_CHARS}]*`;
const CLAUSE = new RegExp(`^${WS}(===|~=|==|!=|<=|>=|<|>)${WS}(.*?)${WS}$`, "s");
const BLANK = new RegExp(`^${WS}$`);

interface Segments {
  epoch: bigint;
  release: bigint[];
  /** Anything after the release segments (pre, post, dev, local). */
  suffix: boolean;
}

/** A normalised version's epoch and release; the normalised form makes the split exact. */
function releaseOf(version: string): Segments | undefined {
  const normal = normalizeVersion(version);
  if (normal === null) return undefined;
  const bang = normal.indexOf("!");
  const rest = bang < 0 ? normal : normal.slice(bang + 1);
  const m = /^([0-9]+(?:\.[0-9]+)*)(.*)$/.exec(rest);
  if (!m) return undefined;
  return { epoch: bang < 0 ? 0n : BigInt(normal.slice(0, bang)), release: (m[1] as string).split(".").map(BigInt), suffix: m[2] !== "" };
}

/** packaging's prefix match (`==3.8.*`): the candidate's release, zero-padded, starts with the prefix's. */
function prefixMatches(candidate: string, prefix: Segments): boolean {
  const c = releaseOf(candidate) as Segments;
  if (prefix.suffix || c.epoch !== prefix.epoch) return false;
  return prefix.release.every((segment, i) => (c.release[i] ?? 0n) === segment);
}

/** One clause for a final release without a local part (the only kind `candidate` is). */
function clauseAdmits(clause: string, candidate: string): boolean {
  const m = CLAUSE.exec(clause);
  if (!m) return false;
  const op = m[1] as string;
  const spec = m[2] as string;
  if (op === "===") return candidate.toLowerCase() === spec.toLowerCase();
  if (op === "==" || op === "!=") {
    let equal: boolean;
    if (spec.endsWith(".*")) {
      const prefix = releaseOf(spec.slice(0, -2));
      equal = prefix !== undefined && prefixMatches(candidate, prefix);
    } else {
      equal = compareVersions(candidate, spec) === 0;
    }
    return op === "==" ? equal : !equal;
  }
  const order = compareVersions(candidate, spec);
  if (op === "~=") {
    const base = releaseOf(spec);
    return base !== undefined && order >= 0 && prefixMatches(candidate, { epoch: base.epoch, release: base.release.slice(0, -1), suffix: false });
  }
  // For a final candidate, packaging's extra rules for `<` and `>` (pre- and post-releases of the spec's own version) never apply.
  return op === "<" ? order < 0 : op === ">" ? order > 0 : op === "<=" ? order <= 0 : order >= 0;
}

function admits(spec: string, candidate: string): boolean {
  return spec
    .split(",")
    .filter((s) => !BLANK.test(s))
    .every((clause) => clauseAdmits(clause, candidate));
}

const verdicts = new Map<string, boolean>();

/**
 * True when some released CPython 3 may install a file with this Requires-Python. None, or one
 * pip cannot parse (pip then ignores it), admits every Python.
 */
export function admitsSomePython(requiresPython: string | undefined): boolean {
  if (requiresPython === undefined) return true;
  // Looked up before the specifier is even checked: every file of a project repeats a few of them.
  let verdict = verdicts.get(requiresPython);
  if (verdict === undefined) {
    verdict = !isValidSpecifierSet(requiresPython) || CPYTHON_RELEASES.some((v) => admits(requiresPython, v));
    // Bounded: a build sees a few distinct specifiers, a hostile package list could hold many.
    if (verdicts.size > 10_000) verdicts.clear();
    verdicts.set(requiresPython, verdict);
  }
  return verdict;
}
