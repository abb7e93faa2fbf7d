import type { IndexConfig } from "../config/schema.js";
import type { Project, ProjectIndex } from "../model/project.js";
import { cacheControlFor } from "../protocol/cache-control.js";
import { contentTypeFor } from "../protocol/content-type.js";
import { NAMESPACE_PREFIX, NAMESPACES_PATH } from "../protocol/site-paths.js";
import type { PortableRender, Site, SiteEntry, SiteRender } from "./site.js";
import type { PortablePage } from "../render/portable.js";
import { catalogPages } from "../catalog/catalog.js";
import type { LandingRows } from "../catalog/landing-page.js";
import { renderProjectHtml, renderRootHtml } from "../render/simple-html.js";
import { renderProjectJson, renderRootJson } from "../render/simple-json.js";
import { namespaceGrants } from "../names/namespaces.js";
import { projectNamespaces, renderNamespaceJson, renderNamespacesJson } from "../render/namespace-json.js";
import type { NamespaceGrant } from "../names/namespaces.js";
import { provenancePath } from "../render/file-links.js";
import { simplePagesData, type PageNamespaces, type SimplePagesData } from "../render/simple-view.js";

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
  // One string for each policy, not one a page (a site of 5,000 projects has 15,000 entries).
  const policies = new Map<string, string>();
  const add = (path: string, body: SiteEntry["body"]): void => {
    const policy = cacheControlFor(path, config.indexMaxAgeSeconds);
    let cacheControl = policies.get(policy);
    if (cacheControl === undefined) policies.set(policy, (cacheControl = policy));
    site.set(path, { body, contentType: contentTypeFor(path), cacheControl });
  };
  const text = (path: string, content: () => string): void => add(path, new TextPage(content));

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
  const simple = new SimplePages(grants, owner);
  for (const project of index.projects) {
    add(`simple/${project.name}/index.html`, new SimplePage(project, "simple-html", simple));
    add(`simple/${project.name}/index.json`, new SimplePage(project, "simple-json", simple));
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

/*
 * Pages are rendered when a publisher asks for their bytes. Each lazy page is an object whose
 * methods sit on its class, not a few closures of its own: closures cost about ten times the
 * memory, and a site of 5,000 projects has 15,000 such pages.
 */

/** A page whose text comes from a function (Buffer.from encodes large strings faster than TextEncoder). */
class TextPage implements SiteRender {
  constructor(readonly text: () => string) {}
  render(): Uint8Array {
    return Buffer.from(this.text(), "utf8");
  }
}

/** What a site's simple pages share: the namespaces, and the last project's data for its other page. */
class SimplePages {
  private kept: { project: Project; data: SimplePagesData } | undefined;
  constructor(
    private readonly grants: NamespaceGrant[],
    private readonly owner: string | undefined,
  ) {}

  namespacesOf(project: Project): PageNamespaces {
    return projectNamespaces(project, this.grants, this.owner);
  }

  /** Made when first asked and kept for the project's other page only (all of it at once would be a copy of the index). */
  dataOf(project: Project): SimplePagesData {
    if (this.kept?.project !== project) this.kept = { project, data: simplePagesData(project, this.namespacesOf(project)) };
    return this.kept.data;
  }
}

/** A project's PEP 503 or PEP 691 page, which another thread can render from its data (render/portable.ts). */
class SimplePage implements SiteRender, PortableRender {
  constructor(
    private readonly project: Project,
    private readonly renderer: PortablePage["renderer"],
    private readonly pages: SimplePages,
  ) {}

  text(): string {
    return this.renderer === "simple-html" ? renderProjectHtml(this.project) : renderProjectJson(this.project, this.pages.namespacesOf(this.project));
  }

  render(): Uint8Array {
    return Buffer.from(this.text(), "utf8");
  }

  get portable(): PortableRender {
    return this;
  }

  page(): PortablePage {
    return { renderer: this.renderer, data: this.pages.dataOf(this.project) };
  }

  get links(): number {
    return this.project.files.length;
  }
}
