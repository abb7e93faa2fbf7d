/** Small formatting helpers shared by the catalog pages. All return plain text: escape before writing. */

/** The URL itself when it is an absolute http(s) URL, so that it may become a link; else undefined. */
export function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const trimmed = url.trim();
  // Its scheme is http or https, so a URL that parses has that protocol: only whether it parses is
  // asked, without making the URL object (a catalog page asks for every file).
  return /^https?:\/\//i.test(trimmed) && URL.canParse(trimmed) ? trimmed : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Where `Date#toISOString()` puts its separators (`2024-01-02T03:04:05.678Z`); every other character is a digit. */
const ISO_SEPARATORS: Readonly<Record<number, number>> = { 4: 45, 7: 45, 10: 84, 13: 58, 16: 58, 19: 46, 23: 90 };

/**
 * Milliseconds since 1970 of a time written in `Date#toISOString()`'s own form that names a real
 * instant (a year 0000-9999, a day its month has), as Date.parse reads it; undefined for anything
 * else. Sources store upload times in that form, and the catalog compares and prints one for
 * every file several times: Date.parse costs more than all the rest of a project's facts.
 */
export function canonicalTimeMs(iso: string): number | undefined {
  if (iso.length !== 24) return undefined;
  for (let i = 0; i < 24; i++) {
    const c = iso.charCodeAt(i);
    const separator = ISO_SEPARATORS[i];
    if (separator === undefined ? c < 48 || c > 57 : c !== separator) return undefined;
  }
  const n = (from: number, to: number): number => {
    let v = 0;
    for (let i = from; i < to; i++) v = v * 10 + iso.charCodeAt(i) - 48;
    return v;
  };
  const year = n(0, 4);
  const month = n(5, 7);
  const day = n(8, 10);
  const hour = n(11, 13);
  const minute = n(14, 16);
  const second = n(17, 19);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return undefined;
  // Days since 1970-01-01 in the proleptic Gregorian calendar (years counted from March).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const days = era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + n(20, 23);
}

/** Milliseconds since 1970, or NaN for a missing or unreadable time. */
export function timeMs(iso: string | undefined): number {
  return iso === undefined ? NaN : (canonicalTimeMs(iso) ?? Date.parse(iso));
}

/** The time as `Date#toISOString()` writes it (UTC), or undefined when missing or unreadable. */
export function isoTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  // Already in that form: reading and writing it again would give the same text.
  if (canonicalTimeMs(iso) !== undefined) return iso;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `YYYY-MM-DD` (UTC) of an ISO time, or undefined when missing or unreadable. */
export function isoDate(iso: string | undefined): string | undefined {
  return isoTime(iso)?.slice(0, 10);
}

/** Binary units with one decimal: `512 B`, `12.3 KiB`, `4.0 MiB`. */
export function humanSize(bytes: number | undefined): string | undefined {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return undefined;
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** At most `max` characters (code points), ending in `…` when cut; whitespace runs collapse to one space. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  return `${chars
    .slice(0, max - 1)
    .join("")
    .trimEnd()}…`;
}

/** A lower-case slug for names such as a Poetry source: `Acme packages!` -> `acme-packages`. */
export function slug(text: string, fallback: string): string {
  const s = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return s === "" ? fallback : s;
}
