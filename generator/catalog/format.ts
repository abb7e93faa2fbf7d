/** Small formatting helpers shared by the catalog pages. All return plain text: escape before writing. */

/** The URL itself when it is an absolute http(s) URL, so that it may become a link; else undefined. */
export function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return undefined;
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

/** The time as `Date#toISOString()` writes it (UTC), or undefined when missing or unreadable. */
export function isoTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
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
  return `${chars.slice(0, max - 1).join("").trimEnd()}…`;
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
