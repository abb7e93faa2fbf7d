import type { IndexConfig } from "../config/schema.js";
import type { ProjectIndex } from "../model/project.js";
import { CATALOG_CSS, CATALOG_ICON, CATALOG_JS } from "./assets.js";
import { catalogFacts } from "./catalog-facts.js";
import { slug } from "./format.js";
import { LandingRows, renderLandingPage } from "./landing-page.js";
import { CATALOG_CSS_PATH, CATALOG_ICON_PATH, CATALOG_JS_PATH } from "./layout.js";
import { renderProjectPage } from "./project-page.js";
import { namespaceGrants } from "../names/namespaces.js";
import { catalogNamespace, type NamespaceContext } from "./namespace-note.js";

/** The Poetry source name install commands use when the title gives no usable slug. */
export const DEFAULT_SOURCE_NAME = "private";

/** What the catalog's landing page names each project's namespace by: the settings' grants and the index's owner. */
export function catalogNamespaces(config: IndexConfig, owner: string | undefined): NamespaceContext {
  return { grants: namespaceGrants(config.namespaces), owner };
}

/**
 * The catalog: the human pages of the site, as site-relative path -> a renderer of its text. The
 * shared assets, one page per project (`project/<name>/index.html`) and the landing page
 * (`index.html`), last: rendered in this order, each project's facts serve its page and its row.
 * Pure and deterministic: the same index and config give the same text, whenever asked, in any order.
 * `owner` is the GitHub organisation the index's namespaces belong to, when it has one; `rows`
 * keeps the landing rows for the list pages of a private index.
 */
export function catalogPages(index: ProjectIndex, config: IndexConfig, owner?: string, rows = new LandingRows(catalogNamespaces(config, owner))): Array<[path: string, render: () => string]> {
  // Facts are derived when a page is rendered and then dropped: all of them at once would hold a
  // second copy of the index's structure (about 30 MiB for 100,000 files) for the whole publish.
  const context = {
    title: config.title,
    sourceName: slug(config.title, DEFAULT_SOURCE_NAME),
    projectNames: new Set(index.projects.map((p) => p.name)),
    oneUrl: config.upstream !== undefined,
  };
  const namespaces = catalogNamespaces(config, owner);
  const pages: Array<[string, () => string]> = [
    [CATALOG_CSS_PATH, () => CATALOG_CSS],
    [CATALOG_JS_PATH, () => CATALOG_JS],
    [CATALOG_ICON_PATH, () => CATALOG_ICON],
  ];
  for (const p of index.projects) {
    pages.push([
      `project/${p.name}/index.html`,
      () => {
        const facts = catalogFacts(p);
        rows.of(p, facts);
        return renderProjectPage(facts, context, catalogNamespace(p, namespaces));
      },
    ]);
  }
  pages.push([
    "index.html",
    () =>
      renderLandingPage(
        index.projects.map((p) => rows.of(p)),
        index.projects.length,
        config.title,
      ),
  ]);
  return pages;
}

/** The catalog rendered at once, as path -> text. */
export function renderCatalog(index: ProjectIndex, config: IndexConfig, owner?: string): Array<[path: string, content: string]> {
  return catalogPages(index, config, owner).map(([path, render]) => [path, render()]);
}
