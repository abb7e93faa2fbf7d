import type { IndexConfig } from "../config/schema.js";
import type { ProjectIndex } from "../model/project-index.js";
import { cacheControlFor, NAMESPACE_PREFIX, NAMESPACES_PATH } from "../routing/router.js";
import { contentTypeFor } from "../site/content-type.js";
import type { Site, SiteEntry } from "../site/site.js";
import { catalogPages } from "../catalog/catalog.js";
import type { LandingRows } from "../catalog/landing-page.js";
import { renderProjectHtml, renderRootHtml } from "./simple-html.js";
import { renderProjectJson, renderRootJson } from "./simple-json.js";
import { namespaceGrants } from "../names/namespaces.js";
import { projectNamespaces, renderNamespaceJson, renderNamespacesJson } from "./namespace-json.js";
import { provenancePath } from "./file-links.js";
import { simplePagesData, type SimplePagesData } from "./simple-view.js";
import type { Project } from "../model/project-index.js";

/**
 * Turns the project index into the site: PEP 503 HTML and PEP 691 JSON for the root and every
 * project, PEP 658 `.metadata` beside each wheel the site holds, PEP 740 `.provenance` for each
 * attested file, the distribution files themselves,
 * the catalog (the landing page, a page per project and their assets) and `.nojekyll` (GitHub Pages
 * would otherwise hide `_`-prefixed paths). Nothing private to the build: every entry may be served.
 * Entries come in the order that renders them cheapest (catalogPages); `rows` keeps the landing rows.
 */
export function renderSite(index: ProjectIndex, config: IndexConfig, owner?: string, rows?: LandingRows): Site {
  const site: Site = new Map();
  const add = (path: string, body: SiteEntry["body"]): void => {
    site.set(path, { body, contentType: contentTypeFor(path), cacheControl: cacheControlFor(path, config.indexMaxAgeSeconds) });
  };
  // Pages are rendered when a publisher asks for their bytes (Buffer.from encodes large strings faster than TextEncoder).
  const text = (path: string, content: () => string): void => add(path, { render: () => Buffer.from(content(), "utf8"), text: content });

  text(".nojekyll", () => "");
  for (const [path, content] of catalogPages(index, config, owner, rows)) text(path, content);
  text("simple/index.html", () => renderRootHtml(index.projects));
  text("simple/index.json", () => renderRootJson(index.projects));
  // PEP 752's paths, relative to the simple root as project pages are; extensionless, as the PEP names them.
  const grants = namespaceGrants(config.namespaces);
  if (grants.length > 0) {
    text(NAMESPACES_PATH, () => renderNamespacesJson(grants, owner));
    for (const grant of grants) text(`${NAMESPACE_PREFIX}${grant.name}`, () => renderNamespaceJson(grant, owner));
  }
  // A project's simple pages can be rendered by another thread from their data, made when first
  // asked and kept for the project's other page only (all of it at once would be a copy of the index).
  let kept: { project: Project; data: SimplePagesData } | undefined;
  const dataOf = (project: Project): SimplePagesData => {
    if (kept?.project !== project) kept = { project, data: simplePagesData(project, projectNamespaces(project, grants, owner)) };
    return kept.data;
  };
  for (const project of index.projects) {
    const html = (): string => renderProjectHtml(project);
    const json = (): string => renderProjectJson(project, projectNamespaces(project, grants, owner));
    const links = project.files.length;
    add(`simple/${project.name}/index.html`, { render: () => Buffer.from(html(), "utf8"), text: html, portable: { page: () => ({ renderer: "simple-html", data: dataOf(project) }), links } });
    add(`simple/${project.name}/index.json`, { render: () => Buffer.from(json(), "utf8"), text: json, portable: { page: () => ({ renderer: "simple-json", data: dataOf(project) }), links } });
    for (const file of project.files) {
      // PEP 740: served by the site whether or not it holds the file, where a mirrored file would be.
      if (file.provenance) add(provenancePath(file), file.provenance.bytes);
      if (file.location.kind !== "site") continue;
      const sha256 = file.hashes.sha256;
      if (sha256 === undefined || file.size === undefined) throw new Error(`internal: ${file.filename} has no sha256 or size`);
      add(file.location.path, { file: file.location.sourcePath, size: file.size, sha256 });
      const metadata = file.coreMetadataFile?.bytes;
      if (metadata) add(`${file.location.path}.metadata`, metadata);
    }
  }
  return site;
}
