import type { Project } from "../model/project.js";
import type { PageNamespaces, SimpleProject } from "./simple-view.js";
import type { RootEntry } from "./simple-html.js";
import { fileHref, pep700Time, provenanceHref } from "./file-links.js";
import { NAMESPACE_API_VERSION } from "./namespace-json.js";

interface JsonFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  "requires-python"?: string;
  "core-metadata"?: Record<string, string> | true;
  yanked?: string | true;
  size?: number;
  "upload-time"?: string;
  provenance?: string;
}

/**
 * The API version a JSON page declares when it carries everything that version makes mandatory
 * (PEP 700's `size` from 1.1; PEP 752's `namespaces` on project pages from 1.5).
 */
const JSON_API_VERSION = NAMESPACE_API_VERSION;

/** PEP 691 root. */
export function renderRootJson(projects: readonly RootEntry[]): string {
  return `${JSON.stringify({
    meta: { "api-version": JSON_API_VERSION },
    projects: projects.map((p) => ({ name: p.displayName })),
  })}\n`;
}

/**
 * PEP 691 project page with PEP 700 `versions`, `size` and `upload-time`, PEP 740's `provenance`, PEP 752's `namespaces`, and PEP 792's
 * `project-status` beside `meta` (not inside it, as the living spec first said by mistake; fixed
 * January 2026). PEP 700 makes `size` mandatory at api-version 1.1, so a page with any file of
 * unknown size declares 1.0 instead, whatever else it carries.
 */
export function renderProjectJson(project: Project | SimpleProject, namespaces: PageNamespaces = null): string {
  let allSized = true;
  const files = project.files.map((file) => {
    const entry: JsonFile = { filename: file.filename, url: fileHref(file), hashes: { ...file.hashes } };
    if (file.requiresPython) entry["requires-python"] = file.requiresPython;
    if (file.coreMetadataFile) {
      const hashes = file.coreMetadataFile.hashes as Record<string, string>;
      const value = Object.keys(hashes).length > 0 ? hashes : true;
      // PEP 714 key only: pip 22.3-23.1 crash on the legacy dist-info-metadata object.
      entry["core-metadata"] = value;
    }
    if (file.yanked !== undefined) entry.yanked = file.yanked;
    if (file.size !== undefined) entry.size = file.size;
    else allSized = false;
    if (file.uploadTime) entry["upload-time"] = pep700Time(file.uploadTime);
    // PEP 740 (API 1.3): absent rather than null for a file without, so such pages keep their bytes.
    if (file.provenance) entry.provenance = provenanceHref(file);
    return entry;
  });
  // A page that must declare 1.0 (a file of unknown size) cannot carry 1.3's provenance; its HTML form still does.
  if (!allSized) for (const entry of files) delete entry.provenance;
  const doc = {
    meta: { "api-version": allSized ? JSON_API_VERSION : "1.0" },
    name: project.name,
    ...(project.status ? { "project-status": project.status } : {}),
    // PEP 752: null outside every namespace grant.
    namespaces,
    versions: project.versions,
    files,
  };
  return `${JSON.stringify(doc)}\n`;
}
