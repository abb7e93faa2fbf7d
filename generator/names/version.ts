/**
 * PEP 440 versions, exactly as Python's `packaging` treats them: normalised like
 * `str(packaging.version.Version(v))` and ordered like its comparison, with numbers of any length.
 * A float-based PEP 440 library is not used for either: it turns numbers into JS doubles (so
 * `1.0.9007199254740993` equals `…992`, and date-like versions lose digits), uses JS \s rather
 * than Python's whitespace set and orders the pre-release alternatives differently.
 */

// Python's str `\s`, listed from Python's re; JS `\s` differs (\x1c-\x1f, \x85, \ufeff).
export const PY_SPACE_CHARS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_SPACE = `[${PY_SPACE_CHARS}]`;

// packaging's VERSION_PATTERN with the same alternative order. Its possessive
// quantifiers are dropped: in this grammar a possessive match never blocks a
// match that backtracking would find (verified by fuzzing against packaging).
const VERSION_RE = new RegExp(
  "^" +
    PY_SPACE +
    "*v?" +
    "(?:([0-9]+)!)?" + // 1 epoch
    "([0-9]+(?:\\.[0-9]+)*)" + // 2 release
    "(?:[._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?([0-9]+)?)?" + // 3 pre_l, 4 pre_n
    "(?:-([0-9]+)|[._-]?(post|rev|r)[._-]?([0-9]+)?)?" + // 5 post_n1, 6 post_l, 7 post_n2
    "(?:[._-]?(dev)[._-]?([0-9]+)?)?" + // 8 dev_l, 9 dev_n
    "(?:\\+([a-z0-9]+(?:[._-][a-z0-9]+)*))?" + // 10 local
    PY_SPACE +
    "*$",
  "i",
);

const LOCAL_SEPARATOR = /[._-]/;
const DIGITS = /^[0-9]+$/;

/** Python's int(s) then str(): drop leading zeros, keep arbitrary precision. */
function intString(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}

/** Fast path for the common "1.2.3": already normalised (no empty parts, no leading zeros). */
function isPlainRelease(s: string): boolean {
  let segmentStart = true;
  let leadingZero = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (segmentStart) return false;
      segmentStart = true;
      leadingZero = false;
    } else if (c >= 48 && c <= 57) {
      if (leadingZero) return false;
      leadingZero = segmentStart && c === 48;
      segmentStart = false;
    } else {
      return false;
    }
  }
  return !segmentStart;
}

const PRE_LETTERS: Readonly<Record<string, string>> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

const normalized = new Map<string, string | null>();

/** Normalised PEP 440 version, or null when packaging would raise InvalidVersion. */
export function normalizeVersion(raw: string): string | null {
  if (isPlainRelease(raw)) return raw;
  // A release's files all spell its version: each spelling is read once.
  let version = normalized.get(raw);
  if (version === undefined) {
    version = readVersion(raw);
    // Bounded, as the comparison keys are.
    if (normalized.size > 200_000) normalized.clear();
    normalized.set(raw, version);
  }
  return version;
}

function readVersion(raw: string): string | null {
  const m = VERSION_RE.exec(raw);
  if (m === null) return null;
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  let out = "";
  if (epoch !== undefined) {
    const e = intString(epoch);
    if (e !== "0") out = e + "!";
  }
  out += release!.indexOf(".") < 0 ? intString(release!) : release!.split(".").map(intString).join(".");
  if (preL !== undefined) out += PRE_LETTERS[preL.toLowerCase()]! + (preN === undefined ? "0" : intString(preN));
  if (postN1 !== undefined) out += ".post" + intString(postN1);
  else if (postL !== undefined) out += ".post" + (postN2 === undefined ? "0" : intString(postN2));
  if (devL !== undefined) out += ".dev" + (devN === undefined ? "0" : intString(devN));
  if (local !== undefined) {
    out +=
      "+" +
      local
        .split(LOCAL_SEPARATOR)
        .map((part) => (DIGITS.test(part) ? intString(part) : part.toLowerCase()))
        .join(".");
  }
  return out;
}

/** What packaging compares (`_cmpkey`), with exact integers. */
interface VersionKey {
  epoch: bigint;
  /** Trailing zeros dropped: 1.0 == 1.0.0. */
  release: bigint[];
  pre?: { letter: "a" | "b" | "rc"; n: bigint };
  post?: bigint;
  dev?: bigint;
  /** Numeric parts as bigint, the others lower-cased. */
  local?: (bigint | string)[];
}

const keys = new Map<string, VersionKey | null>();

function keyOf(version: string): VersionKey | null {
  let key = keys.get(version);
  if (key !== undefined) return key;
  key = parseKey(version);
  // Bounded: a build compares the same few thousand versions over and over.
  if (keys.size > 200_000) keys.clear();
  keys.set(version, key);
  return key;
}

function parseKey(version: string): VersionKey | null {
  const m = VERSION_RE.exec(version);
  if (m === null) return null;
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  const parts = release!.split(".").map(BigInt);
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  const key: VersionKey = { epoch: epoch === undefined ? 0n : BigInt(epoch), release: parts };
  if (preL !== undefined) key.pre = { letter: PRE_LETTERS[preL.toLowerCase()] as "a" | "b" | "rc", n: BigInt(preN ?? 0) };
  if (postN1 !== undefined) key.post = BigInt(postN1);
  else if (postL !== undefined) key.post = BigInt(postN2 ?? 0);
  if (devL !== undefined) key.dev = BigInt(devN ?? 0);
  if (local !== undefined) key.local = local.split(LOCAL_SEPARATOR).map((p) => (DIGITS.test(p) ? BigInt(p) : p.toLowerCase()));
  return key;
}

const sign = (a: bigint | string, b: bigint | string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareRelease(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = sign(a[i] ?? 0n, b[i] ?? 0n);
    if (c !== 0) return c;
  }
  return 0;
}

/** packaging's pre-release slot: a dev release with no pre or post sorts before any pre-release. */
function preRank(k: VersionKey): [number, string, bigint] {
  if (k.pre) return [0, k.pre.letter, k.pre.n];
  return k.post === undefined && k.dev !== undefined ? [-1, "", 0n] : [1, "", 0n];
}

/** Local parts: a number sorts above any word; a shorter local that is a prefix sorts first. */
function compareLocal(a: (bigint | string)[] | undefined, b: (bigint | string)[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as bigint | string;
    const y = b[i] as bigint | string;
    if (typeof x !== typeof y) return typeof x === "bigint" ? 1 : -1;
    const c = sign(x, y);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Orders two valid versions as packaging does (`Version(a) < Version(b)`); an invalid one throws. */
export function compareVersions(a: string, b: string): number {
  const x = keyOf(a);
  const y = keyOf(b);
  if (x === null || y === null) throw new Error(`internal: ${JSON.stringify(x === null ? a : b)} is not a PEP 440 version`);
  const [xp, xl, xn] = preRank(x);
  const [yp, yl, yn] = preRank(y);
  return (
    sign(x.epoch, y.epoch) ||
    compareRelease(x.release, y.release) ||
    xp - yp ||
    sign(xl, yl) ||
    sign(xn, yn) ||
    sign(x.post ?? -1n, y.post ?? -1n) ||
    // No dev part sorts after every dev release of the same version.
    (x.dev === undefined || y.dev === undefined ? (x.dev === y.dev ? 0 : x.dev === undefined ? 1 : -1) : sign(x.dev, y.dev)) ||
    compareLocal(x.local, y.local)
  );
}

export const isValidVersion = (version: string): boolean => keyOf(version) !== null;

/** PEP 440: a pre-release or a development release. */
export function isPreRelease(version: string): boolean {
  const k = keyOf(version);
  return k !== null && (k.pre !== undefined || k.dev !== undefined);
}
