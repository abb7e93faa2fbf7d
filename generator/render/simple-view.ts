/**
 * What a project's simple pages (PEP 503 HTML, PEP 691 JSON) read, and that much of a project as
 * plain data another thread can be sent (the folder publisher renders these pages on a thread of
 * its own: publish/page-writer.ts). The data is flat arrays of strings and numbers, which cost a
 * third of what the same fields as objects cost to copy between threads.
 */
import type { Hashes } from "../model/distribution.js";
import type { ProjectStatus } from "../model/project.js";

/** What a simple page reads of a file (a DistributionFile is one). */
export interface SimpleFile {
  filename: string;
  parsed: { project: string };
  location: { kind: "site"; path: string } | { kind: "url"; url: string };
  hashes: Hashes;
  size?: number;
  uploadTime?: string;
  requiresPython?: string;
  coreMetadataFile?: { hashes: Hashes };
  /** Only whether there is one: pages link to where the site serves it. */
  provenance?: object;
  yanked?: string | true;
}

/** What a simple page reads of a project (a Project is one). */
export interface SimpleProject {
  name: string;
  versions: string[];
  files: SimpleFile[];
  status?: ProjectStatus;
}

/** PEP 752's `namespaces` of a project's JSON page. */
export type PageNamespaces = { name: string; owned: boolean }[] | null;

/** A file's hashes: the SHA-256 alone as its digest (nearly every file), else the object as it is, its key order kept. */
type HashesData = string | Hashes;

/** One file, flat: [filename, project, site path or undefined, URL or undefined, hashes, size, upload time, Requires-Python, core metadata hashes, provenance, yanked]. */
type FileData = [
  string,
  string,
  string | undefined,
  string | undefined,
  HashesData,
  number | undefined,
  string | undefined,
  string | undefined,
  HashesData | undefined,
  boolean,
  string | true | undefined,
];

export interface SimplePagesData {
  name: string;
  versions: string[];
  status: ProjectStatus | undefined;
  namespaces: PageNamespaces;
  files: FileData[];
}

function hashesData(hashes: Hashes): HashesData {
  const keys = Object.keys(hashes);
  return keys.length === 1 && keys[0] === "sha256" && hashes.sha256 !== undefined ? hashes.sha256 : hashes;
}

const hashesOf = (data: HashesData): Hashes => (typeof data === "string" ? { sha256: data } : data);

/** The project's simple pages' data. */
export function simplePagesData(project: SimpleProject, namespaces: PageNamespaces): SimplePagesData {
  const files = project.files.map((f): FileData => {
    const site = f.location.kind === "site" ? f.location.path : undefined;
    const url = f.location.kind === "url" ? f.location.url : undefined;
    const metadata = f.coreMetadataFile ? hashesData(f.coreMetadataFile.hashes) : undefined;
    return [f.filename, f.parsed.project, site, url, hashesData(f.hashes), f.size, f.uploadTime, f.requiresPython, metadata, f.provenance !== undefined, f.yanked];
  });
  return { name: project.name, versions: project.versions, status: project.status, namespaces, files };
}

/** The project and namespaces back from the data, as the renderers read them. */
export function simpleProjectOf(data: SimplePagesData): { project: SimpleProject; namespaces: PageNamespaces } {
  const files = data.files.map(([filename, project, site, url, hashes, size, uploadTime, requiresPython, metadata, provenance, yanked]) => {
    const file: SimpleFile = { filename, parsed: { project }, location: site !== undefined ? { kind: "site", path: site } : { kind: "url", url: url as string }, hashes: hashesOf(hashes) };
    if (size !== undefined) file.size = size;
    if (uploadTime !== undefined) file.uploadTime = uploadTime;
    if (requiresPython !== undefined) file.requiresPython = requiresPython;
    if (metadata !== undefined) file.coreMetadataFile = { hashes: hashesOf(metadata) };
    if (provenance) file.provenance = {};
    if (yanked !== undefined) file.yanked = yanked;
    return file;
  });
  const project: SimpleProject = { name: data.name, versions: data.versions, files };
  if (data.status !== undefined) project.status = data.status;
  return { project, namespaces: data.namespaces };
}
