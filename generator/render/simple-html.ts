import type { Project } from "../model/project.js";
import type { SimpleProject } from "./simple-view.js";
import { escapeHtml } from "./escape.js";
import { fileHrefWithHash, metadataAttributeValue, pep700Time, provenanceHref } from "./file-links.js";

/**
 * PEP 629: the API version this index speaks. 1.1 adds PEP 700's JSON fields, 1.3 PEP 740's
 * provenance, 1.4 PEP 792's project status; nothing the HTML form carries is mandatory from 1.1 on, so every HTML page is 1.4.
 */
export const REPOSITORY_VERSION = "1.4";

function page(title: string, body: string, head = ""): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="pypi:repository-version" content="${REPOSITORY_VERSION}">
${head}    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
${body}  </body>
</html>
`;
}

/** What the root says of a project: a Project, or a private index's list entry. */
export interface RootEntry {
  name: string;
  displayName: string;
}

/** PEP 503 root: one anchor per project, to its normalised folder with a trailing slash. */
export function renderRootHtml(projects: readonly RootEntry[]): string {
  const links = projects.map((p) => `    <a href="${escapeHtml(p.name)}/">${escapeHtml(p.displayName)}</a><br>\n`).join("");
  return page("Simple index", links);
}

/** PEP 792's meta tags; an active project carries none (active is the default). */
function statusMeta(project: SimpleProject): string {
  const s = project.status;
  if (s === undefined) return "";
  let head = `    <meta name="pypi:project-status" content="${s.status}">\n`;
  if (s.reason !== undefined) head += `    <meta name="pypi:project-status-reason" content="${escapeHtml(s.reason)}">\n`;
  return head;
}

/** PEP 503 project page with PEP 592 yanks, PEP 658/714 metadata, PEP 740 provenance, escaped Requires-Python, PEP 792 status and upload times. */
export function renderProjectHtml(project: Project | SimpleProject): string {
  const links = project.files
    .map((file) => {
      let attrs = `href="${escapeHtml(fileHrefWithHash(file))}"`;
      if (file.requiresPython) attrs += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
      if (file.coreMetadataFile) {
        const value = escapeHtml(metadataAttributeValue(file.coreMetadataFile.hashes));
        // PEP 714 name only: pip 22.3-23.1 misread the legacy data-dist-info-metadata on static hosts.
        attrs += ` data-core-metadata="${value}"`;
      }
      // PEP 740 (API 1.3): where the file's provenance object is.
      if (file.provenance) attrs += ` data-provenance="${escapeHtml(provenanceHref(file))}"`;
      if (file.yanked !== undefined) attrs += ` data-yanked="${file.yanked === true ? "" : escapeHtml(file.yanked)}"`;
      // Not in PEP 503: the extension uv reads (as on download.pytorch.org), so that `--exclude-newer`
      // works on a static host, which can serve only this page. Clients that do not know it ignore it.
      if (file.uploadTime) attrs += ` data-upload-time="${escapeHtml(pep700Time(file.uploadTime))}"`;
      return `    <a ${attrs}>${escapeHtml(file.filename)}</a><br>\n`;
    })
    .join("");
  return page(`Links for ${project.name}`, links, statusMeta(project));
}
