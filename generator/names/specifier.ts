/**
 * PEP 440 version specifier sets (Requires-Python), valid exactly when Python's `packaging`
 * accepts them: `SpecifierSet` splits at commas, strips Python's whitespace and skips empty parts
 * (so `>=3.8,` is valid), and each part must match the specifier grammar. Per operator: `===`
 * takes any string without whitespace, `;` or `)`; `==` and `!=` take a wildcard (`.*`) or a
 * local version, never both; `~=` needs two release segments and no local version; the
 * comparisons take neither.
 */
import { PY_SPACE_CHARS } from "./version.js";

const WS = `[${PY_SPACE_CHARS}]`;
const RELEASE = "v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*";
const PRE = "(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?";
const POST = "(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?";
const DEV = "(?:[-_.]?dev[-_.]?[0-9]*)?";
const LOCAL = "(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?";

const SPECIFIER = new RegExp(
  `^${WS}*(?:` +
    `===${WS}*[^${PY_SPACE_CHARS};)]*` +
    `|(?:==|!=)${WS}*${RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})` +
    `|~=${WS}*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV}` +
    `|(?:<=|>=|<|>)${WS}*${RELEASE}${PRE}${POST}${DEV}` +
    `)${WS}*$`,
  "i",
);
const STRIP = new RegExp(`^${WS}+|${WS}+$`, "g");

export function isValidSpecifierSet(spec: string): boolean {
  return spec
    .split(",")
    .map((s) => s.replace(STRIP, ""))
    .filter((s) => s !== "")
    .every((s) => SPECIFIER.test(s));
}
