import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { zipSync, type Zippable } from "fflate";
import { pack } from "tar-stream";

export interface DistSpec {
  name: string;
  version: string;
  requiresPython?: string;
  summary?: string;
  requiresDist?: string[];
  /** extra incompressible bytes stored in the archive (default 0) so benchmarks can measure Range savings */
  payloadBytes?: number;
  /** module source; default `__version__ = "<version>"` */
  moduleSource?: string;
  /** wheel build tag (`1` in `x-1.0-1-py3-none-any.whl`), which ranks files of the same version */
  buildTag?: string;
  /** the README (the metadata's body), with its Description-Content-Type (none: the header is left out) */
  description?: { text: string; contentType?: string };
  /** wheel only: the dist-info folder's name, when not `{escaped name}-{version}` */
  distInfoName?: string;
  /** wheel only: other `.dist-info` folders (a vendored package's), each with its own METADATA, written first */
  otherDistInfo?: { name: string; version: string }[];
  /** further header lines as written (`Home-page: ...`, `Project-URL: Docs, ...`), after the ones above */
  headers?: string[];
  /** wheel only: when its entries were last changed, which a folder build takes as the upload time (default 2024-01-02T03:04:00Z) */
  modified?: Date;
}

export interface BuiltDist {
  filename: string;
  bytes: Uint8Array;
  /** exact METADATA / PKG-INFO bytes in the archive */
  metadata: Uint8Array;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** PEP 427 / PEP 625 file-name escaping; also the import name, so fixture names must be identifiers once escaped. */
export const escapedName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "_");

/** Core metadata 2.1, shared by METADATA and PKG-INFO. */
function coreMetadata(spec: DistSpec): Uint8Array {
  const lines = ["Metadata-Version: 2.1", `Name: ${spec.name}`, `Version: ${spec.version}`];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  if (spec.requiresPython !== undefined) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const req of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${req}`);
  lines.push(...(spec.headers ?? []));
  if (spec.description) {
    if (spec.description.contentType !== undefined) lines.push(`Description-Content-Type: ${spec.description.contentType}`);
    lines.push("", spec.description.text);
  }
  return utf8(lines.join("\n") + "\n");
}

/**
 * Deterministic bytes that deflate cannot shrink (xorshift128 seeded from name and version), so a
 * payload's size in the archive is its size on the wire and Range savings are measurable.
 */
function payload(spec: DistSpec): Uint8Array {
  const n = spec.payloadBytes ?? 0;
  const seed = createHash("sha256").update(`${spec.name}==${spec.version}`).digest();
  let [x, y, z, w] = [seed.readUInt32LE(0) | 1, seed.readUInt32LE(4), seed.readUInt32LE(8), seed.readUInt32LE(12)];
  const words = new Uint32Array(Math.ceil(n / 4));
  for (let i = 0; i < words.length; i++) {
    const t = x ^ (x << 11);
    [x, y, z] = [y, z, w];
    w = (w ^ (w >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    words[i] = w;
  }
  return new Uint8Array(words.buffer, 0, n);
}

const moduleSource = (spec: DistSpec): Uint8Array => utf8(spec.moduleSource ?? `__version__ = "${spec.version}"\n`);

// Local-time fields, because zip stores DOS local time: the archive is then identical in every time zone.
const ZIP_MTIME = new Date(2024, 0, 2, 3, 4, 0);
const TAR_MTIME = new Date(Date.UTC(2024, 0, 2, 3, 4, 0));

/** A pure-Python `py3-none-any` wheel laid out as wheel builders do: package files, then dist-info with RECORD last. */
export function makeWheel(spec: DistSpec): BuiltDist {
  const pkg = escapedName(spec.name);
  const distInfo = `${spec.distInfoName ?? `${pkg}-${spec.version}`}.dist-info`;
  const metadata = coreMetadata(spec);
  const files: [string, Uint8Array, number][] = [[`${pkg}/__init__.py`, moduleSource(spec), 6]];
  if (spec.payloadBytes) files.push([`${pkg}/_payload.bin`, payload(spec), 0]);
  for (const other of spec.otherDistInfo ?? []) files.push([`${escapedName(other.name)}-${other.version}.dist-info/METADATA`, coreMetadata(other), 6]);
  files.push(
    [`${distInfo}/METADATA`, metadata, 6],
    [`${distInfo}/WHEEL`, utf8(`Wheel-Version: 1.0\nGenerator: github-pypi-fixtures (1.0)\nRoot-Is-Purelib: true\n${spec.buildTag ? `Build: ${spec.buildTag}\n` : ""}Tag: py3-none-any\n`), 6],
  );
  const record = files.map(([path, data]) => {
    const digest = createHash("sha256").update(data).digest("base64url");
    return `${path},sha256=${digest},${data.length}\n`;
  });
  files.push([`${distInfo}/RECORD`, utf8(record.join("") + `${distInfo}/RECORD,,\n`), 6]);

  const entries: Zippable = {};
  // The UTC wall time written as local fields: the archive reader takes DOS times as UTC.
  const m = spec.modified;
  const mtime = m ? new Date(m.getUTCFullYear(), m.getUTCMonth(), m.getUTCDate(), m.getUTCHours(), m.getUTCMinutes(), m.getUTCSeconds()) : ZIP_MTIME;
  for (const [path, data, level] of files) entries[path] = [data, { level: level as 0 | 6, mtime }];
  const build = spec.buildTag ? `-${spec.buildTag}` : "";
  return { filename: `${pkg}-${spec.version}${build}-py3-none-any.whl`, bytes: zipSync(entries), metadata };
}

/** A PEP 625 sdist with PKG-INFO first, buildable by setuptools alone. */
export async function makeSdist(spec: DistSpec): Promise<BuiltDist> {
  const pkg = escapedName(spec.name);
  const top = `${pkg}-${spec.version}`;
  const metadata = coreMetadata(spec);
  const toml = (s: string): string => JSON.stringify(s); // a JSON string is a valid TOML basic string
  const project = [`name = ${toml(spec.name)}`, `version = ${toml(spec.version)}`];
  if (spec.summary !== undefined) project.push(`description = ${toml(spec.summary)}`);
  if (spec.requiresPython !== undefined) project.push(`requires-python = ${toml(spec.requiresPython)}`);
  project.push(`dependencies = [${(spec.requiresDist ?? []).map(toml).join(", ")}]`);
  const pyproject = [
    "[build-system]",
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    "",
    "[project]",
    ...project,
    "",
    "[tool.setuptools]",
    `packages = [${toml(pkg)}]`,
    ...(spec.payloadBytes ? ["", "[tool.setuptools.package-data]", `${pkg} = ["_payload.bin"]`] : []),
    "",
  ].join("\n");

  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  const dir = (name: string): void => void tar.entry({ name, type: "directory", mode: 0o755, mtime: TAR_MTIME });
  const file = (name: string, data: Uint8Array): void => void tar.entry({ name, mode: 0o644, mtime: TAR_MTIME, size: data.length }, Buffer.from(data.buffer, data.byteOffset, data.length));
  dir(`${top}/`);
  file(`${top}/PKG-INFO`, metadata);
  file(`${top}/pyproject.toml`, utf8(pyproject));
  dir(`${top}/${pkg}/`);
  file(`${top}/${pkg}/__init__.py`, moduleSource(spec));
  if (spec.payloadBytes) file(`${top}/${pkg}/_payload.bin`, payload(spec));
  tar.finalize();
  await done;
  return { filename: `${top}.tar.gz`, bytes: new Uint8Array(gzipSync(Buffer.concat(chunks))), metadata };
}

/**
 * A `.zip` sdist (the pre-PEP 625 form many old projects still publish) of a source folder named
 * `<name>-<version>`, every file under that top folder; the folder's PKG-INFO is its metadata.
 */
export function makeZipSdist(sourceDir: string): BuiltDist {
  const top = basename(sourceDir);
  const entries: Zippable = {};
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === "__pycache__") continue;
      const rel = `${prefix}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else entries[rel] = [readFileSync(join(dir, e.name)), { level: 6, mtime: ZIP_MTIME }];
    }
  };
  walk(sourceDir, top);
  return { filename: `${top}.zip`, bytes: zipSync(entries), metadata: readFileSync(join(sourceDir, "PKG-INFO")) };
}
