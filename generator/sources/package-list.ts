import { createReadStream } from "node:fs";
import { z } from "zod";
import { parseIndexableFilename } from "../names/filename.js";
import { plural } from "../diagnostics/plural.js";
import { UserError, type Warnings } from "../diagnostics/warnings.js";
import { HASH_ALGORITHMS, type DistributionFile } from "../model/distribution.js";
import { hashesOf, ListedFile, packagesBase, StringPool } from "./listed-file.js";

/**
 * dumb-pypi's package lists, so its users can switch without changing their pipeline:
 * a plain list of file names, or JSON lines with optional per-file facts. `size` is accepted
 * as an extension (PEP 700); without it a project page's JSON declares api-version 1.0.
 */
const hashPattern = new RegExp(`^(${HASH_ALGORITHMS.join("|")})=([0-9a-fA-F]+)$`);
const hashString = z.string().regex(hashPattern, "expected <algorithm>=<hex digest>, e.g. sha256=…");

/** The last second of the year 9999, as seconds since 1970. */
const UPLOAD_TIMESTAMP_MAX = 253_402_300_799;

const jsonLineSchema = z.object({
  filename: z.string().min(1),
  hash: hashString.nullish(),
  requires_python: z.string().nullish(),
  core_metadata: z.union([hashString, z.literal(true), z.literal(false)]).nullish(),
  yanked_reason: z.string().nullish(),
  // Seconds since 1970, as dumb-pypi writes; milliseconds (today about 1.7e12) would be a date after the year 9999.
  upload_timestamp: z.number().nonnegative().max(UPLOAD_TIMESTAMP_MAX, "upload_timestamp is seconds since 1970, and this is after the year 9999 (milliseconds?)").nullish(),
  uploaded_by: z.string().nullish(),
  size: z.number().int().nonnegative().nullish(),
});
type JsonLine = z.infer<typeof jsonLineSchema>;

const nullish = (v: unknown): v is null | undefined => v === undefined || v === null;
const optionalString = (v: unknown): boolean => nullish(v) || typeof v === "string";
const optionalHash = (v: unknown): boolean => nullish(v) || (typeof v === "string" && hashPattern.test(v));

/**
 * The line as the schema reads it, when every field is plainly what the schema accepts (checked by
 * hand: the schema's parse of 100,000 lines took longer than everything else done with them).
 * Anything this does not accept goes to the schema, which accepts it or says what is wrong, so
 * this only ever saves time. Unknown keys stay on the object: nothing reads them.
 */
function plainLine(raw: unknown): JsonLine | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const line = raw as Record<string, unknown>;
  const { filename, upload_timestamp: time, size, core_metadata: metadata } = line;
  const ok =
    typeof filename === "string" &&
    filename.length > 0 &&
    optionalHash(line.hash) &&
    optionalString(line.requires_python) &&
    (optionalHash(metadata) || typeof metadata === "boolean") &&
    optionalString(line.yanked_reason) &&
    (nullish(time) || (typeof time === "number" && time >= 0 && time <= UPLOAD_TIMESTAMP_MAX)) &&
    optionalString(line.uploaded_by) &&
    (nullish(size) || (Number.isSafeInteger(size) && (size as number) >= 0));
  return ok ? (line as JsonLine) : undefined;
}

/** packagesBase() of the packages URL, which a package list cannot do without. */
function requirePackagesUrl(packagesUrl: string | undefined, option: string): string {
  if (!packagesUrl) {
    throw new UserError(`${option} needs --packages-url (or packagesUrl in the config file): where the listed files are downloaded from`);
  }
  return packagesBase(packagesUrl);
}

/** Builds a file entry from a list line; returns undefined (with a warning) when the name is unusable. */
function entryFor(filename: string, at: { list: string; line: number; pool: StringPool }, base: string, warnings: Warnings): ListedFile | undefined {
  const result = parseIndexableFilename(filename);
  if (!result.ok) {
    const origin = `${at.list}:${at.line}`;
    if (result.problem === "unsafe") {
      throw new UserError(`${origin}: unsafe file name ${JSON.stringify(filename)} (path separators, leading dot or control characters are not allowed)`);
    }
    const code = result.problem === "unsupported" ? "unsupported-file" : "unparseable-filename";
    warnings.add(code, `${origin}: ${filename}: ${result.reason}; not indexed`, filename);
    return undefined;
  }
  return new ListedFile(filename, at.pool.parsed(result.value), base, at.list, at.line);
}

/** `--package-list FILE`: one file name a line; blank lines and `#` comments ignored. */
export async function readPackageList(path: string, packagesUrl: string | undefined, warnings: Warnings): Promise<DistributionFile[]> {
  const base = requirePackagesUrl(packagesUrl, "--package-list");
  const files: DistributionFile[] = [];
  const pool = new StringPool();
  let lineNo = 0;
  for await (const lines of readLines(path)) {
    for (const line of lines) {
      lineNo++;
      const name = line.replace(/\r$/, "").trim();
      if (name === "" || name.startsWith("#")) continue;
      const entry = entryFor(name, { list: path, line: lineNo, pool }, base, warnings);
      if (entry) files.push(entry);
    }
  }
  if (files.length > 0) {
    warnings.add(
      "missing-hash",
      `${path}: a plain package list carries no hashes, so pip cannot verify the ${plural(files.length, "file")} it lists; use --package-list-json with "hash" to add them`,
      path,
    );
  }
  return files;
}

/** `--package-list-json FILE`: dumb-pypi's JSON-lines format. */
export async function readPackageListJson(path: string, packagesUrl: string | undefined, warnings: Warnings): Promise<DistributionFile[]> {
  const base = requirePackagesUrl(packagesUrl, "--package-list-json");
  const files: DistributionFile[] = [];
  const pool = new StringPool();
  let missingHashes = 0;
  let lineNo = 0;
  for await (const lines of readLines(path)) {
    for (const line of lines) {
      lineNo++;
      if (line.trim() === "") continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new UserError(`${path}:${lineNo}: not valid JSON (${(e as Error).message})`);
      }
      const data = plainLine(raw) ?? schemaLine(raw, path, lineNo);
      const entry = entryFor(data.filename, { list: path, line: lineNo, pool }, base, warnings);
      if (!entry) continue;
      applyJsonFacts(entry, data, pool);
      if (!data.hash) missingHashes++;
      files.push(entry);
    }
  }
  if (missingHashes > 0) {
    warnings.add("missing-hash", `${path}: ${plural(missingHashes, "entry has", "entries have")} no "hash", so pip cannot verify ${missingHashes === 1 ? "its file" : "those files"}`, path);
  }
  return files;
}

/** The line through the schema: what it accepts, or an error naming each problem. */
function schemaLine(raw: unknown, path: string, lineNo: number): JsonLine {
  const parsed = jsonLineSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(line)"}: ${i.message}`).join("; ");
    throw new UserError(`${path}:${lineNo}: ${issues}`);
  }
  return parsed.data;
}

function applyJsonFacts(entry: ListedFile, line: JsonLine, pool: StringPool): void {
  if (line.hash) entry.hashes = hashesOf(line.hash);
  if (line.requires_python) entry.requiresPython = pool.of(line.requires_python);
  if (line.yanked_reason !== undefined && line.yanked_reason !== null) entry.yanked = line.yanked_reason === "" ? true : line.yanked_reason;
  if (line.upload_timestamp !== undefined && line.upload_timestamp !== null) {
    entry.uploadTime = new Date(line.upload_timestamp * 1000).toISOString();
  }
  if (line.uploaded_by) entry.uploadedBy = pool.of(line.uploaded_by);
  if (line.size !== undefined && line.size !== null) entry.size = line.size;
  // The .metadata file lives beside the distribution at the packages URL (PEP 658 naming).
  if (typeof line.core_metadata === "string") entry.coreMetadataFile = { hashes: hashesOf(line.core_metadata) };
  else if (line.core_metadata === true) entry.coreMetadataFile = { hashes: {} };
}

/**
 * The lines of a list file (or stdin for `-`), split at "\n" as they stream in, a chunk's lines at
 * a time (one await a chunk, not a line): a list of 100,000 files is never held whole, nor as an
 * array of all its lines. A final line without "\n" counts.
 */
async function* readLines(path: string): AsyncGenerator<string[]> {
  const input = path === "-" ? process.stdin.setEncoding("utf8") : createReadStream(path, { encoding: "utf8" });
  let rest = "";
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      yield parts;
    }
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
  yield [rest];
}
